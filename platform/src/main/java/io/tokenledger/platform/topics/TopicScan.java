package io.tokenledger.platform.topics;

import io.tokenledger.schemas.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole topic, from its beginning to the end it has when the scan starts, read_committed
 * and without a consumer group's offsets: what command-line tools read tables and logs with.
 */
public final class TopicScan {
  private static final Logger log = LoggerFactory.getLogger(TopicScan.class);
  private static final Duration BOUND = Duration.ofSeconds(30);

  private TopicScan() {}

  public static <K, V> void forEach(Map<String, ?> settings, Topic<K, V> topic, Consumer<ConsumerRecord<K, V>> each) {
    Map<String, Object> config = ClientConfigs.consumer(settings);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "tokenledger-read-" + topic.logicalName() + "-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Object bootstrapServers = config.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config,
        topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), BOUND).stream()
          .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, BOUND);
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Could not read " + topic.name() + " to its end within " + BOUND
              + "; is Kafka reachable at " + bootstrapServers + "?");
        }
        try {
          consumer.poll(Duration.ofMillis(200)).forEach(each);
        } catch (RecordDeserializationException e) {
          // One bad record must not make a whole table unreadable: say which, and go past it.
          log.error("Skipped the record at {} offset {}: it does not deserialize ({}); fix or tombstone its key",
              e.topicPartition(), e.offset(), e.getCause() == null ? e.toString() : e.getCause().toString());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }
  }
}
