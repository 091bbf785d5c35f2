package io.tokenledger.aggregation.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dedup store's changelog of ids per hour, against a real broker: a thousand ids over three
 * hours are logged in a handful of records, and after the local state is wiped (what Kafka
 * Streams does after an unclean stop under exactly-once) the restored store still knows every
 * id, including one logged in the earlier per-id layout, so their replays are dropped and only
 * new ids pass, exactly.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SeenIdsRestoreIT {
  private static final String STORE = "usage-dedup-store";
  /** Each test's own application and topics (JUnit makes an instance per test). */
  private String app = "seen-ids";
  private String in = "ids";
  private String out = "unique";
  private long recentIds = 200_000;

  private String changelog() {
    return app + "-" + STORE + "-changelog";
  }

  @Test
  void aWipedStoreRestoresEveryIdFromRecordsOfAnHour(EmbeddedKafka kafka) throws Exception {
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(in, 2, (short) 1), new NewTopic(out, 1, (short) 1))).all().get();
    }
    Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(4));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      ids.add(i % 10 == 9 ? "call-" + i : UUID.randomUUID().toString()); // some ids are not UUIDs
    }
    Path state = Files.createTempDirectory("seen-ids");

    KafkaStreams first = start(kafka, state);
    try (KafkaProducer<String, String> producer = producer(kafka)) {
      for (int i = 0; i < ids.size(); i++) {
        send(producer, ids.get(i), start.plusSeconds(i * 10L)); // 10,000 s: ids of four hours of event time
        if (i % 5 == 0) {
          send(producer, ids.get(i), start.plusSeconds(i * 10L)); // a retry at once
        }
      }
      markers(producer, "marker-1", start.plusSeconds(10_000));
    }
    List<String> passed = readUntil(kafka, "marker-1");
    assertEquals(1_002, passed.size(), "each id once, and a marker from each partition");
    StreamsApps.close(first, Duration.ofSeconds(30));

    List<ConsumerRecord<byte[], byte[]>> logged = readAll(kafka, changelog());
    // Per hour of event time and commit: 1,001 ids arrive within a few one-second commits.
    assertTrue(logged.size() <= 100, "ids logged per hour and commit, not per id: " + logged.size() + " records");
    long loggedBytes = logged.stream().mapToLong(r -> r.value().length + r.key().length).sum();
    assertTrue(loggedBytes < 1_001 * 24L, loggedBytes + " bytes for 1,001 ids");

    // An id remembered by the earlier layout: one record of the window store's key and the 8-byte time.
    Instant legacyTime = start.plusSeconds(42);
    try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      byte[] key = WindowKeySchema.toStoreKeyBinary(Bytes.wrap("legacy-1".getBytes(StandardCharsets.UTF_8)),
          legacyTime.toEpochMilli(), 0).get();
      raw.send(new ProducerRecord<>(changelog(), partitionOf(kafka, "legacy-1"), legacyTime.toEpochMilli(), key,
          ByteBuffer.allocate(8).putLong(legacyTime.toEpochMilli()).array())).get();
    }

    deleteRecursively(state); // the local state gone, as after kill -9 under exactly-once
    KafkaStreams second = start(kafka, Files.createDirectories(state));
    try (KafkaProducer<String, String> producer = producer(kafka)) {
      for (int i = 0; i < ids.size(); i++) {
        send(producer, ids.get(i), start.plusSeconds(i * 10L)); // every one a replay
      }
      send(producer, "legacy-1", legacyTime);
      for (int i = 0; i < 5; i++) {
        send(producer, "new-" + i, start.plusSeconds(12_000 + i));
      }
      markers(producer, "marker-2", start.plusSeconds(12_010));
    }
    assertOnlyNewIdsPassed(kafka, second, passed.size(), "after the restore only the new ids pass");
  }

  /**
   * A clean stop keeps the local store, so nothing is restored: the ids held before it are still
   * found, those of the last minutes in memory lost with the process, so the store's marker of its
   * latest id is what sends their lookups to RocksDB. With memory bounded to 50 ids, replays in
   * the same run find most ids in RocksDB too, after memory let go of them.
   */
  @Test
  void afterACleanStopAndPastTheMemoryBoundEveryIdIsStillKnown(EmbeddedKafka kafka) throws Exception {
    app = "seen-ids-memory";
    in = "ids-memory";
    out = "unique-memory";
    recentIds = 50;
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(in, 2, (short) 1), new NewTopic(out, 1, (short) 1))).all().get();
    }
    Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(4));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      ids.add(i % 10 == 9 ? "call-" + i : UUID.randomUUID().toString());
    }
    Path state = Files.createTempDirectory("seen-ids-memory");

    KafkaStreams first = start(kafka, state);
    try (KafkaProducer<String, String> producer = producer(kafka)) {
      for (int i = 0; i < ids.size(); i++) {
        send(producer, ids.get(i), start.plusSeconds(i * 10L));
      }
      markers(producer, "marker-0", start.plusSeconds(10_000));
      producer.flush();
      readUntil(kafka, "marker-0"); // committed: memory has let go of all but the latest ids
      for (int i = 0; i < ids.size(); i++) {
        send(producer, ids.get(i), start.plusSeconds(i * 10L)); // replays, most older than memory holds
      }
      markers(producer, "marker-1", start.plusSeconds(10_000));
    }
    List<String> passed = readUntil(kafka, "marker-1");
    assertEquals(1_004, passed.size(), "each id once, and two markers from each partition");
    StreamsApps.close(first, Duration.ofSeconds(30));

    KafkaStreams second = start(kafka, state); // the same local state, as after a clean stop
    try (KafkaProducer<String, String> producer = producer(kafka)) {
      for (int i = 0; i < ids.size(); i++) {
        send(producer, ids.get(i), start.plusSeconds(i * 10L));
      }
      for (int i = 0; i < 5; i++) {
        send(producer, "new-" + i, start.plusSeconds(12_000 + i));
        send(producer, "new-" + i, start.plusSeconds(12_000 + i)); // a retry, found in memory
      }
      // A late id (before the time memory covers) and its retry at once: the retry is found among
      // the ids held for the next flush, before any reaches RocksDB.
      send(producer, "new-late", start.plusSeconds(5));
      send(producer, "new-late", start.plusSeconds(5));
      markers(producer, "marker-2", start.plusSeconds(12_010));
    }
    List<String> after = readUntil(kafka, "marker-2");
    StreamsApps.close(second, Duration.ofSeconds(30));
    assertEquals(List.of("marker-2-0", "marker-2-1", "new-0", "new-1", "new-2", "new-3", "new-4", "new-late"),
        after.subList(passed.size(), after.size()).stream().sorted().toList(),
        "after a clean restart only the new ids pass, once each");
  }

  /** Past the first {@code before} records of the output: the five new ids and the second markers, nothing else. */
  private void assertOnlyNewIdsPassed(EmbeddedKafka kafka, KafkaStreams streams, int before, String message) {
    List<String> after = readUntil(kafka, "marker-2");
    StreamsApps.close(streams, Duration.ofSeconds(30));
    assertEquals(List.of("marker-2-0", "marker-2-1", "new-0", "new-1", "new-2", "new-3", "new-4"),
        after.subList(before, after.size()).stream().sorted().toList(), message);
  }

  /** The partition the ids topic (and so the changelog) holds an id in, by Kafka's default partitioner. */
  private static int partitionOf(EmbeddedKafka kafka, String id) {
    return org.apache.kafka.common.utils.Utils.toPositive(
        org.apache.kafka.common.utils.Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 2;
  }

  private KafkaStreams start(EmbeddedKafka kafka, Path state) {
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), in);
    topology.addProcessor("dedup", Deduplicator.<String>supplier(STORE, Duration.ofDays(1), v -> v, recentIds), "in");
    topology.addSink("out", out, Serdes.String().serializer(), Serdes.String().serializer(), "dedup");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    KafkaStreams streams = new KafkaStreams(topology, props);
    streams.start();
    return streams;
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer());
  }

  private void send(KafkaProducer<String, String> producer, String id, Instant at) {
    producer.send(new ProducerRecord<>(in, null, at.toEpochMilli(), id, id)); // in order per partition; closing waits

  }

  /** A marker on each input partition, after what was sent there: read it from both and nothing is in flight. */
  private void markers(KafkaProducer<String, String> producer, String marker, Instant at) {
    for (int partition = 0; partition < 2; partition++) {
      producer.send(new ProducerRecord<>(in, partition, at.toEpochMilli(), marker + "-" + partition,
          marker + "-" + partition));
    }
  }

  /** Everything on the output, read committed, until the markers of both partitions are in it. */
  private List<String> readUntil(EmbeddedKafka kafka, String marker) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
      TopicPartition output = new TopicPartition(out, 0);
      consumer.assign(List.of(output));
      consumer.seekToBeginning(List.of(output));
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!values.contains(marker + "-0") || !values.contains(marker + "-1")) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no " + marker + " on the output within 90 s; read " + values.size());
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
      return values;
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafka kafka, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  private static void deleteRecursively(Path dir) throws Exception {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
