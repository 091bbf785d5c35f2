package io.tokenledger.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Ledger buckets changed between two live emits, by a late event or by a minute going final,
 * reach the ledger topics although the instance stops before its next emit and the bucket
 * never changes again. The first instance emits live totals only once an hour, so anything it
 * publishes was published when the change was made; the second instance restores from the
 * changelogs and emits every second.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class LedgerRepublishIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final String APP = "republish-aggregation";
  private static final long COST = TestPrices.COST_OF_1000_INPUT_TOKENS_NANO_USD;

  @Test
  void ledgerBucketsChangedBeforeAStopArePublished(EmbeddedKafka kafka) throws Exception {
    Map<String, Object> base = base("republish.");
    Topics topics = topics(kafka, base);
    Instant bucket1 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));

    KafkaStreams first = start(kafka, topics, base, "1h", newStateDir(), APP, null);
    sendThreeAndAwaitTheirCommit(kafka, topics, APP, bucket1);
    StreamsApps.close(first, Duration.ofSeconds(30)); // before its next live emit, an hour away

    KafkaStreams second = start(kafka, topics, base, "1s", newStateDir(), APP, null);
    try {
      assertEachEventOnceInItsBucket(kafka, topics, bucket1);
    } finally {
      StreamsApps.close(second, Duration.ofSeconds(30));
    }
  }

  /**
   * A clean stop keeps the local stores with their changelog offsets, so the next start on the
   * same state restores none of the windows: each one changed before the stop (logged at every
   * flush, and written to RocksDB once quiet or when the store is committed before the close) is
   * found there, with every event once.
   */
  @Test
  void aCleanStopKeepsEveryWindowInTheLocalStores(EmbeddedKafka kafka) throws Exception {
    String app = "kept-aggregation";
    Map<String, Object> base = base("kept.");
    Topics topics = topics(kafka, base);
    Instant bucket1 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
    Path state = newStateDir();

    KafkaStreams first = start(kafka, topics, base, "1h", state, app, null);
    sendThreeAndAwaitTheirCommit(kafka, topics, app, bucket1);
    StreamsApps.close(first, Duration.ofSeconds(30));

    Map<String, Long> restored = new java.util.concurrent.ConcurrentHashMap<>();
    KafkaStreams second = start(kafka, topics, base, "1s", state, app, restored);
    try {
      assertEachEventOnceInItsBucket(kafka, topics, bucket1);
      assertEquals(Map.of(), restored, "records restored into the window stores after a clean stop");
    } finally {
      StreamsApps.close(second, Duration.ofSeconds(30));
    }
  }

  private static Map<String, Object> base(String prefix) {
    return Map.of(Topics.PREFIX_CONFIG, prefix, "tokenledger.topic.usage.partitions", "1",
        "tokenledger.topic.internal.rollup-partials.partitions", "1", AggregationSettings.PREFIX + "grace", "5s");
  }

  private static Topics topics(EmbeddedKafka kafka, Map<String, Object> base) throws Exception {
    Topics topics = Topics.from(base);
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    TestPrices.publishGpt4o(kafka.bootstrapServers(), topics);
    return topics;
  }

  /** Three events of bucket 1 and earlier; the first instance commits them, and has published a ledger change each. */
  private static void sendThreeAndAwaitTheirCommit(EmbeddedKafka kafka, Topics topics, String app, Instant bucket1)
      throws Exception {
    try (var producer = producer(kafka, topics)) {
      send(producer, topics, "e1", bucket1.plus(Duration.ofMinutes(14))); // last minute of bucket 1
      send(producer, topics, "e4", bucket1.plus(Duration.ofMinutes(16))); // closes e1's minute: e1 reaches the ledger
      send(producer, topics, "e2", bucket1.minus(Duration.ofHours(2))); // late: straight to the ledger
    }
    try (Admin admin = kafka.admin()) {
      TopicPartition usage = new TopicPartition(topics.usage.name(), 0);
      Await.until(BOUND, () -> committed(admin, app, usage) == 3, () -> "the first instance to commit all 3 events");
    }
  }

  /** Sends a marker to the second instance, then finds each of the four events once, in its bucket of both ledgers. */
  private static void assertEachEventOnceInItsBucket(EmbeddedKafka kafka, Topics topics, Instant bucket1)
      throws Exception {
    try (var producer = producer(kafka, topics);
        var teamLedger = new TopicReader<>(kafka.bootstrapServers(), topics.teamLedger15m);
        var detailLedger = new TopicReader<>(kafka.bootstrapServers(), topics.seriesLedger15m)) {
      Instant bucket3 = bucket1.plus(Duration.ofMinutes(31));
      send(producer, topics, "e3", bucket3); // the marker: published at the second instance's first emit
      List<ConsumerRecord<String, UsageAggregate>> team = teamLedger.readUntil(BOUND,
          r -> latest(r, "support", bucket1.plus(Duration.ofMinutes(30))) != null, "the marker's bucket");
      List<ConsumerRecord<String, UsageAggregate>> detail = detailLedger.readUntil(BOUND,
          r -> latest(r, "support|triage|openai/gpt-4o", bucket1.plus(Duration.ofMinutes(30))) != null,
          "the marker's bucket");
      for (Instant start : List.of(bucket1.minus(Duration.ofHours(2)), bucket1, bucket1.plus(Duration.ofMinutes(15)),
          bucket1.plus(Duration.ofMinutes(30)))) {
        assertBucket(latest(team, "support", start), start);
        assertBucket(latest(detail, "support|triage|openai/gpt-4o", start), start);
      }
    }
  }

  private static Path newStateDir() throws java.io.IOException {
    return Files.createTempDirectory(Path.of("target"), "republish");
  }

  private static void assertBucket(UsageAggregate bucket, Instant start) {
    assertEquals(1, bucket == null ? 0 : bucket.getEventCount(), "events in the ledger bucket at " + start);
    assertEquals(COST, bucket.getCostNanoUsd(), "cost of the ledger bucket at " + start);
  }

  /** The latest record of one key and bucket (each record is cumulative), or null. */
  private static UsageAggregate latest(List<ConsumerRecord<String, UsageAggregate>> records, String key,
      Instant start) {
    UsageAggregate latest = null;
    for (ConsumerRecord<String, UsageAggregate> r : records) {
      if (r.key().equals(key) && r.value().getWindowStart().equals(start)) {
        latest = r.value();
      }
    }
    return latest;
  }

  private static long committed(Admin admin, String app, TopicPartition partition) {
    try {
      OffsetAndMetadata offset = admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata().get()
          .get(partition);
      return offset == null ? -1 : offset.offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      return -1; // the group does not exist yet
    }
  }

  /** An instance; with {@code restored}, the records it restores into each window store (windows are "-NN-store"). */
  private static KafkaStreams start(EmbeddedKafka kafka, Topics topics, Map<String, Object> base, String emit,
      Path state, String app, Map<String, Long> restored) throws Exception {
    Map<String, Object> config = new HashMap<>(base);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    config.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    config.put(AggregationSettings.PREFIX + "live-emit-interval", emit);
    KafkaStreams streams = new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(config)),
        AggregationApp.config(config));
    if (restored != null) {
      streams.setGlobalStateRestoreListener(new org.apache.kafka.streams.processor.StateRestoreListener() {
        @Override
        public void onRestoreStart(TopicPartition partition, String store, long start, long end) {}

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long records) {
          if (store.matches(".*-(1m|1h|1d|15m)-store")) {
            restored.merge(store, records, Long::sum);
          }
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String store, long records) {}
      });
    }
    streams.start();
    return streams;
  }

  private static KafkaProducer<String, UsageEvent> producer(EmbeddedKafka kafka, Topics topics) {
    return new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer());
  }

  private static void send(KafkaProducer<String, UsageEvent> producer, Topics topics, String id, Instant at)
      throws Exception {
    UsageEvent event = UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam("support")
        .setWorkflow("triage").setService("svc").setProvider("openai").setModel("gpt-4o")
        .setUncachedInputTokens(1_000).build();
    producer.send(new ProducerRecord<>(topics.usage.name(), "support", event)).get();
  }

}
