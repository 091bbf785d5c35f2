package io.tokenledger.devtools.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a consumer group has committed its way through a topic, read with the admin client. */
final class GroupProgress {
  private final Admin admin;
  private final String group;
  private final List<TopicPartition> partitions;

  GroupProgress(Admin admin, String group, String topic) throws ExecutionException, InterruptedException {
    this.admin = admin;
    this.group = group;
    this.partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  /** The end offset of every partition now. */
  Map<TopicPartition, Long> ends() throws ExecutionException, InterruptedException {
    return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
        .all().get().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** The group's committed offset of every partition, 0 where it has committed none. */
  Map<TopicPartition, Long> committed() throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get();
    return partitions.stream().collect(Collectors.toMap(p -> p,
        p -> offsets.get(p) == null ? 0L : offsets.get(p).offset()));
  }

  static long sum(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether the group has committed up to {@code ends} on every partition. */
  boolean reached(Map<TopicPartition, Long> ends) throws ExecutionException, InterruptedException {
    Map<TopicPartition, Long> committed = committed();
    return partitions.stream().allMatch(p -> committed.get(p) >= ends.get(p));
  }

  /** Input not yet committed by the group: its backlog. */
  long lag() throws ExecutionException, InterruptedException {
    return sum(ends()) - sum(committed());
  }
}
