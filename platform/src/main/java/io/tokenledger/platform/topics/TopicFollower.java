package io.tokenledger.platform.topics;

import io.tokenledger.schemas.topics.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one topic in a thread of its own, read_committed and without a consumer group: from
 * its beginning (a compacted table) or from a point in time (a recent feed), then as it grows.
 * Knows when it has read what existed at start-up, so a reader can say "still loading" instead
 * of answering with half a table.
 */
public final class TopicFollower<K, V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);

  private final KafkaConsumer<K, V> consumer;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile boolean running = true;

  /**
   * @param from where to start: null for the beginning, else the first record at or after it
   * @param each called in the follower's thread for every record, tombstones included
   */
  public TopicFollower(Map<String, ?> settings, Topic<K, V> topic, Instant from, Consumer<ConsumerRecord<K, V>> each) {
    Map<String, Object> config = ClientConfigs.consumer(settings);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    this.thread = new Thread(() -> follow(topic.name(), from, each), "tokenledger-follow-" + topic.logicalName());
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void follow(String topicName, Instant from, Consumer<ConsumerRecord<K, V>> each) {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(topicName).stream()
          .map(p -> new TopicPartition(topicName, p.partition())).toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      if (from == null) {
        consumer.seekToBeginning(partitions);
      } else {
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(p -> at.put(p, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(at);
        partitions.forEach(p -> consumer.seek(p, found.get(p) == null ? end.get(p) : found.get(p).offset()));
      }
      while (running) {
        for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(500))) {
          each.accept(record);
        }
        if (caughtUp.getCount() > 0 && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("Stopped following {}: {}; what it serves stays as it was until a restart", topicName, e.toString(), e);
    } finally {
      consumer.close();
    }
  }

  /** Waits until every record that existed at start-up has been handled. */
  public boolean awaitLoaded(Duration bound) throws InterruptedException {
    return caughtUp.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean loaded() {
    return caughtUp.getCount() == 0;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
