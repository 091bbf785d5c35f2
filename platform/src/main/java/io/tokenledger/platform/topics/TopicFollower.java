package io.tokenledger.platform.topics;

import io.tokenledger.schemas.topics.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one topic in a thread of its own, read_committed and without a consumer group: from
 * its beginning (a compacted table) or from a point in time (a recent feed), then as it grows.
 * Knows when it has read what existed at start-up, so a reader can say "still loading" instead
 * of answering with half a table.
 *
 * <p>It never stops by itself while open: a record that does not deserialize, or that the handler
 * throws on, is skipped and counted with an ERROR naming it; any other failure (a timeout, a lost
 * broker) marks the follower down, and it reconnects with back-off from where it was. Every few
 * seconds it asks the broker for the end offsets, so a follower that cannot reach the broker says
 * so in {@link #health()} instead of looking idle.
 */
public final class TopicFollower<K, V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
  private static final Duration CHECK_EVERY = Duration.ofSeconds(2);
  private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** Makes the follower's byte consumer from its client config; tests substitute one that fails. */
  @FunctionalInterface
  public interface ConsumerFactory {
    org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> create(Map<String, Object> config);

    ConsumerFactory KAFKA = config -> new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** What {@code /healthz} says of one reader: its topic, state ({@code loading}, {@code following}, {@code down}), skips. */
  public record Health(String topic, String state, long skipped, String error) {
    public boolean up() {
      return "following".equals(state);
    }
  }

  private final Topic<K, V> topic;
  private final Map<String, Object> config;
  private final ConsumerFactory factory;
  private final Instant from;
  private final Consumer<ConsumerRecord<K, V>> each;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  /** Counted down by close, ending a back-off at once: an interrupt would make the consumer log errors on close. */
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong skipped = new AtomicLong();
  private final Map<TopicPartition, Long> next = new HashMap<>();
  private volatile org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
  private volatile boolean running = true;
  private volatile String error;

  /**
   * @param from where to start: null for the beginning, else the first record at or after it
   * @param each called in the follower's thread for every record, tombstones included
   */
  public TopicFollower(Map<String, ?> settings, Topic<K, V> topic, Instant from, Consumer<ConsumerRecord<K, V>> each) {
    this(settings, topic, from, each, ConsumerFactory.KAFKA);
  }

  public TopicFollower(Map<String, ?> settings, Topic<K, V> topic, Instant from, Consumer<ConsumerRecord<K, V>> each,
      ConsumerFactory factory) {
    this.topic = topic;
    this.config = ClientConfigs.consumer(settings);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.factory = factory;
    this.from = from;
    this.each = each;
    this.thread = new Thread(this::supervise, "tokenledger-follow-" + topic.logicalName());
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void supervise() {
    long backoffMillis = 500;
    while (running) {
      try {
        consumer = factory.create(config);
        if (!running) {
          return;
        }
        follow(consumer);
      } catch (WakeupException e) {
        return; // closing
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        error = e.toString();
        log.error("Following topic {} failed: {}. What it serves stays as it was; reconnecting in {} ms from "
            + "where it stopped", topic.name(), e, backoffMillis);
      } finally {
        closeConsumer();
      }
      try {
        if (closing.await(backoffMillis, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
    }
  }

  private void follow(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
    String name = topic.name();
    List<TopicPartition> partitions = consumer.partitionsFor(name, CHECK_TIMEOUT).stream()
        .map(p -> new TopicPartition(name, p.partition())).toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + name + " has no partitions (does it exist?)");
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, CHECK_TIMEOUT);
    position(consumer, partitions, end);
    long nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
    error = null;
    while (running) {
      for (ConsumerRecord<byte[], byte[]> raw : consumer.poll(Duration.ofMillis(500))) {
        handle(raw);
        next.put(new TopicPartition(raw.topic(), raw.partition()), raw.offset() + 1);
      }
      if (caughtUp.getCount() > 0 && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
        caughtUp.countDown();
      }
      if (System.nanoTime() > nextCheck) {
        consumer.endOffsets(partitions, CHECK_TIMEOUT); // throws when the broker is out of reach
        nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
      }
    }
  }

  /** Where each partition resumes: after the last record handled, else the start point. */
  private void position(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
    Map<TopicPartition, OffsetAndTimestamp> found = new HashMap<>();
    if (from != null && !next.keySet().containsAll(partitions)) {
      Map<TopicPartition, Long> at = new HashMap<>();
      partitions.forEach(p -> at.put(p, from.toEpochMilli()));
      found.putAll(consumer.offsetsForTimes(at, CHECK_TIMEOUT));
    }
    for (TopicPartition p : partitions) {
      if (next.containsKey(p)) {
        consumer.seek(p, next.get(p));
      } else if (from == null) {
        consumer.seekToBeginning(List.of(p));
      } else {
        consumer.seek(p, found.get(p) == null ? end.get(p) : found.get(p).offset());
      }
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> raw) {
    ConsumerRecord<K, V> record;
    try {
      record = new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), raw.timestampType(),
          raw.serializedKeySize(), raw.serializedValueSize(),
          topic.keySerde().deserializer().deserialize(raw.topic(), raw.headers(), raw.key()),
          topic.valueSerde().deserializer().deserialize(raw.topic(), raw.headers(), raw.value()),
          raw.headers(), raw.leaderEpoch());
    } catch (RuntimeException e) {
      skip(raw, "does not deserialize", e);
      return;
    }
    try {
      each.accept(record);
    } catch (RuntimeException e) {
      skip(raw, "could not be applied", e);
    }
  }

  private void skip(ConsumerRecord<byte[], byte[]> raw, String why, RuntimeException e) {
    skipped.incrementAndGet();
    log.error("Skipped the record at {}-{} offset {}: it {} ({}). The reader goes on without it; fix or "
        + "tombstone the record's key", raw.topic(), raw.partition(), raw.offset(), why, e.toString());
  }

  private void closeConsumer() {
    org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> current = consumer;
    consumer = null;
    if (current != null) {
      try {
        current.close(Duration.ofSeconds(1));
      } catch (RuntimeException e) {
        log.debug("Closing the consumer of {} failed", topic.name(), e);
      }
    }
  }

  /** Waits until every record that existed at start-up has been handled. */
  public boolean awaitLoaded(Duration bound) throws InterruptedException {
    return caughtUp.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean loaded() {
    return caughtUp.getCount() == 0;
  }

  /** Records skipped since start: they did not deserialize or the handler threw on them. */
  public long skipped() {
    return skipped.get();
  }

  public Health health() {
    String failure = error;
    String state = failure != null || !thread.isAlive() ? "down" : loaded() ? "following" : "loading";
    return new Health(topic.name(), state, skipped.get(), failure);
  }

  @Override
  public void close() {
    running = false;
    closing.countDown();
    org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
