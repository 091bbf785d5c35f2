package io.tokenledger.testing;

import io.tokenledger.schemas.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads a topic from the beginning, read_committed (what a downstream consumer sees under
 * exactly-once), accumulating records across calls.
 */
public final class TopicReader<K, V> implements AutoCloseable {
  private final KafkaConsumer<K, V> consumer;
  private final List<ConsumerRecord<K, V>> records = new ArrayList<>();
  private final String topicName;

  public TopicReader(String bootstrapServers, Topic<K, V> topic) {
    this.topicName = topic.name();
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
        topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    consumer.subscribe(List.of(topicName));
  }

  /** Polls until the records read so far satisfy the condition, or fails after the bound. */
  public List<ConsumerRecord<K, V>> readUntil(Duration bound, Predicate<List<ConsumerRecord<K, V>>> done,
      String description) {
    Await.until(bound, () -> {
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      return done.test(records);
    }, () -> description + " on " + topicName + " (read " + records.size() + " records)");
    return List.copyOf(records);
  }

  /**
   * Reads until every partition of the topic has been read up to its end as a read_committed
   * consumer sees it (the last committed transaction): call it after a marker has shown that
   * what the test waits for is committed.
   */
  public List<ConsumerRecord<K, V>> readToEnd(Duration bound) {
    int partitions = consumer.partitionsFor(topicName).size();
    Await.until(bound, () -> {
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      var assigned = consumer.assignment();
      if (assigned.size() < partitions) {
        return false;
      }
      var end = consumer.endOffsets(assigned);
      return assigned.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
    }, () -> "the end of " + topicName + " (read " + records.size() + " records)");
    return List.copyOf(records);
  }

  public List<V> values() {
    return records.stream().map(ConsumerRecord::value).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
