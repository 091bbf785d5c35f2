package io.tokenledger.ops.cli.prices;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.platform.topics.ClientConfigs;
import io.tokenledger.schemas.topics.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Price corrections on their topic that the aggregation has not consumed yet: the records past
 * its consumer group's committed offsets. A correction is computed from the ledger's current
 * costs, so one computed while others are still on their way would be computed from a ledger
 * they are about to change.
 */
final class PendingCorrections {
  private PendingCorrections() {}

  /** The aggregation's consumer group: its application id. */
  static String group(Map<String, ?> settings) {
    Object id = settings.get(StreamsConfig.APPLICATION_ID_CONFIG);
    return id == null ? AggregationApp.APPLICATION_ID : id.toString();
  }

  static long count(Map<String, ?> settings, Topics topics) throws Exception {
    String topic = topics.priceCorrections.name();
    try (Admin admin = Admin.create(ClientConfigs.admin(settings))) {
      List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> {
        earliest.put(p, OffsetSpec.earliest());
        latest.put(p, OffsetSpec.latest());
      });
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start = admin.listOffsets(earliest).all()
          .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(latest).all()
          .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group(settings))
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      long pending = 0;
      for (TopicPartition p : partitions) {
        OffsetAndMetadata at = committed.get(p);
        long from = at == null ? start.get(p).offset() : at.offset();
        pending += Math.max(0, end.get(p).offset() - from);
      }
      return pending;
    }
  }
}
