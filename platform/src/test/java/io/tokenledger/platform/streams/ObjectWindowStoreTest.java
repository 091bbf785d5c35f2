package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.OffsetCheckpoint;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The object store layer on a TopologyTestDriver, which flushes and commits after every input
 * record as Kafka Streams does at a commit: a window changed several times in one record is
 * serialised and logged once; the store below has it only after the flush; other threads read
 * copies, never the object being changed; range reads merge held values with the store below.
 */
class ObjectWindowStoreTest {
  private static final String STORE = "counts";
  private static final long MINUTE = 60_000;
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  /** A mutable count, as the topology's window totals are mutable. */
  static final class Count {
    long n;

    Count(long n) {
      this.n = n;
    }
  }

  private static final AtomicInteger serialised = new AtomicInteger();

  private static final Serde<Count> COUNTS = Serdes.serdeFrom((topic, c) -> {
    serialised.incrementAndGet();
    return c == null ? null : ByteBuffer.allocate(8).putLong(c.n).array();
  }, (topic, bytes) -> bytes == null ? null : new Count(ByteBuffer.wrap(bytes).getLong()));

  /** What the processor saw inside its process call, for the test to check. */
  private static final AtomicReference<String> seenInside = new AtomicReference<>();

  /** Adds the record's value (a number of increments) one by one to its key's minute window. */
  static final class Counting implements Processor<String, Long, Void, Void> {
    private ObjectWindowStore<Count> store;
    private final Map<String, ObjectWindowStore.Window<Count>> open = new java.util.HashMap<>();

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = ObjectWindowStore.of(context, STORE);
    }

    @Override
    public void process(Record<String, Long> record) {
      long start = record.timestamp() - record.timestamp() % MINUTE;
      String slot = record.key() + "@" + start;
      ObjectWindowStore.Window<Count> window = open.get(slot);
      if (window == null) {
        Count stored = store.fetch(record.key(), start);
        window = new ObjectWindowStore.Window<>(record.key(), start, stored == null ? new Count(0) : stored);
        open.put(slot, window);
      }
      for (long i = 0; i < record.value(); i++) {
        store.update(window, c -> c.n++);
      }
      if (record.key().equals("look")) {
        Count fromHere = store.fetch(record.key(), start);
        Count fromElsewhere = CompletableFuture.supplyAsync(() -> store.fetch(record.key(), start)).join();
        seenInside.set((fromHere == window.value()) + " " + (fromElsewhere == window.value()) + " "
            + fromElsewhere.n);
      }
    }
  }

  private static TopologyTestDriver driver() throws Exception {
    return driver(StreamsConfig.AT_LEAST_ONCE);
  }

  /**
   * The test driver commits its stores after every record, whatever the guarantee; a service
   * under exactly-once does so only before it records their changelog offsets (a clean close),
   * so tests of what RocksDB holds between commits flush the store themselves.
   */
  private static TopologyTestDriver driver(String guarantee) throws Exception {
    Topology topology = new Topology();
    topology.addSource("in", new StringDeserializer(), new LongDeserializer(), "in");
    topology.addProcessor("count", Counting::new, "in");
    topology.addStateStore(ObjectWindowStore.builder(STORE, Duration.ofHours(1), Duration.ofMinutes(1), COUNTS),
        "count");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "objects");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("objects").toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    return new TopologyTestDriver(topology, props, T0);
  }

  private static TestInputTopic<String, Long> input(TopologyTestDriver driver) {
    return driver.createInputTopic("in", new StringSerializer(), new org.apache.kafka.common.serialization.LongSerializer());
  }

  @Test
  void aWindowChangedManyTimesIsSerialisedAndLoggedOncePerFlush() throws Exception {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, Long> in = input(driver);
      var changelog = driver.createOutputTopic("objects-" + STORE + "-changelog",
          Serdes.Bytes().deserializer(), Serdes.ByteArray().deserializer());
      serialised.set(0);
      in.pipeInput("a", 1_000L, T0);
      in.pipeInput("a", 500L, T0.plusSeconds(1));
      in.pipeInput("b", 7L, T0.plusSeconds(61));

      List<TestRecord<Bytes, byte[]>> logged = changelog.readRecordsToList();
      assertEquals(3, logged.size(), "one changelog record per window and flush, not one per change");
      assertEquals(3, serialised.get(), "1,507 changes, three flushes: three encodings");
      assertEquals(List.of(1_000L, 1_500L, 7L), logged.stream().map(r -> ByteBuffer.wrap(r.value()).getLong()).toList());
      assertEquals(T0.plusSeconds(1).toEpochMilli(), logged.get(1).timestamp(), "stamped by the latest change");
      // Keyed as Kafka Streams' logging layer keys a window (key, start, sequence number 0): what a restore reads.
      assertEquals(org.apache.kafka.streams.state.internals.WindowKeySchema.toStoreKeyBinary(
          Bytes.wrap("b".getBytes(java.nio.charset.StandardCharsets.UTF_8)), T0.toEpochMilli() + MINUTE, 0),
          logged.get(2).key());

      var store = driver.<String, Count>getWindowStore(STORE);
      assertEquals(1_500L, store.fetch("a", T0.toEpochMilli()).n);
      // The store's position (what IQv2's position bounds read): the newest input record it holds changes of.
      assertEquals(java.util.Map.of(0, 2L), ((ObjectWindowStore<Count>) store).getPosition().getPartitionPositions("in"));
      try (KeyValueIterator<Windowed<String>, Count> all = store.all()) {
        List<KeyValue<String, Long>> windows = new java.util.ArrayList<>();
        all.forEachRemaining(kv -> windows.add(KeyValue.pair(kv.key.key() + "@" + kv.key.window().start(), kv.value.n)));
        assertEquals(List.of(KeyValue.pair("a@" + T0.toEpochMilli(), 1_500L),
            KeyValue.pair("b@" + (T0.toEpochMilli() + MINUTE), 7L)), windows);
      }
    }
  }

  @Test
  void theStreamThreadReadsTheHeldObjectAndOtherThreadsACopy() throws Exception {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, Long> in = input(driver);
      in.pipeInput("look", 3L, T0);
      assertEquals("true false 3", seenInside.get());
    }
  }

  @Test
  void rangeReadsMergeHeldValuesWithTheStoreBelow() throws Exception {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, Long> in = input(driver);
      in.pipeInput("a", 2L, T0);
      in.pipeInput("a", 3L, T0.plusSeconds(60));
      var store = driver.<String, Count>getWindowStore(STORE);
      ObjectWindowStore<Count> objects = (ObjectWindowStore<Count>) store;
      // A value held and not flushed yet, as between two commits: put by reference.
      objects.put("a", new Count(40), T0.toEpochMilli() + 2 * MINUTE);
      assertEquals(1, objects.heldCount());
      try (WindowStoreIterator<Count> times = store.fetch("a", T0, T0.plusSeconds(180))) {
        List<KeyValue<Long, Long>> got = new java.util.ArrayList<>();
        times.forEachRemaining(kv -> got.add(KeyValue.pair(kv.key - T0.toEpochMilli(), kv.value.n)));
        assertEquals(List.of(KeyValue.pair(0L, 2L), KeyValue.pair(MINUTE, 3L), KeyValue.pair(2 * MINUTE, 40L)), got);
      }
      objects.put("a", null, T0.toEpochMilli()); // a held deletion hides the stored window
      assertNull(store.fetch("a", T0.toEpochMilli()));
      objects.flushCache();
      assertEquals(0, objects.heldCount());
      try (WindowStoreIterator<Count> times = store.fetch("a", T0, T0.plusSeconds(180))) {
        assertEquals(2, java.util.stream.StreamSupport.stream(
            java.util.Spliterators.spliteratorUnknownSize(times, 0), false).count());
      }
      assertNull(store.fetch("a", T0.toEpochMilli()));
      assertEquals(40L, store.fetch("a", T0.toEpochMilli() + 2 * MINUTE).n);
    }
  }

  @Test
  void aLoggedWindowReachesRocksDbOnceQuietOrAtTheStoresCommit() throws Exception {
    try (TopologyTestDriver driver = driver(StreamsConfig.EXACTLY_ONCE_V2)) {
      TestInputTopic<String, Long> in = input(driver);
      in.pipeInput("a", 1L, T0);
      ObjectWindowStore<Count> objects = (ObjectWindowStore<Count>) driver.<String, Count>getWindowStore(STORE);
      var rocksDb = objects.wrapped(); // below this layer: what a clean restart would find
      objects.put("b", new Count(2), T0.toEpochMilli());
      objects.put("c", new Count(3), T0.toEpochMilli() + MINUTE);
      serialised.set(0);
      objects.flushCache(); // logged, still held: they may change again
      assertEquals(0, objects.heldCount());
      assertEquals(2, serialised.get());
      assertNull(rocksDb.fetch("b", T0.toEpochMilli()), "logged, not in RocksDB while it may still change");
      assertEquals(2L, objects.fetch("b", T0.toEpochMilli()).n);
      for (int flush = 1; flush <= ObjectWindowStore.QUIET_FLUSHES; flush++) {
        objects.put("c", new Count(3 + flush), T0.toEpochMilli() + MINUTE); // c keeps changing
        objects.flushCache();
      }
      assertEquals(2L, rocksDb.fetch("b", T0.toEpochMilli()).n, "quiet for " + ObjectWindowStore.QUIET_FLUSHES
          + " flushes: written");
      assertEquals(1L, rocksDb.fetch("a", T0.toEpochMilli()).n);
      assertNull(rocksDb.fetch("c", T0.toEpochMilli() + MINUTE), "changed at every flush: held");
      assertEquals(1, objects.heldInAll());
      assertEquals(2 + ObjectWindowStore.QUIET_FLUSHES + 1, serialised.get(),
          "encoded at each flush it changed in, and once more for RocksDB once quiet");

      objects.commit(Map.of()); // what Kafka Streams calls before it records the store's changelog offset
      assertEquals(3L + ObjectWindowStore.QUIET_FLUSHES, rocksDb.fetch("c", T0.toEpochMilli() + MINUTE).n);
      assertEquals(0, objects.heldInAll());
    }
  }

  @Test
  void anEmptyStoreAnswersOffsetUnknownSoThatItsTaskIsNotRebuilt() throws Exception {
    try (TopologyTestDriver driver = driver(StreamsConfig.EXACTLY_ONCE_V2)) {
      ObjectWindowStore<Count> objects = (ObjectWindowStore<Count>) driver.<String, Count>getWindowStore(STORE);
      TopicPartition changelog = new TopicPartition("objects-" + STORE + "-changelog", 0);
      assertEquals(OffsetCheckpoint.OFFSET_UNKNOWN, objects.committedOffset(changelog),
          "no segment: restored from the changelog's start, not taken for corrupt under exactly-once");

      input(driver).pipeInput("a", 1L, T0);
      objects.commit(Map.of(changelog, 0L)); // what Kafka Streams does before it records the offset
      assertEquals(0L, objects.committedOffset(changelog), "a segment: the offset it recorded");
      assertNull(EmptyStoreOffsets.orUnknownWhenEmpty(null, objects), "data and no offset: none, as below");
    }
  }

  @Test
  void keyQueriesSeeHeldWindowsInTheRangeAsked() throws Exception {
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<String, Long> in = input(driver);
      in.pipeInput("a", 2L, T0);
      ObjectWindowStore<Count> objects = (ObjectWindowStore<Count>) driver.<String, Count>getWindowStore(STORE);
      objects.put("a", new Count(5), T0.toEpochMilli()); // changed since the flush: held, not in RocksDB yet
      objects.put("a", new Count(9), T0.toEpochMilli() + MINUTE); // a new window, held only
      objects.put("a", new Count(70), T0.toEpochMilli() + 70 * MINUTE); // held, outside the range asked

      var answer = objects.query(org.apache.kafka.streams.query.WindowKeyQuery.<String, Count>withKeyAndWindowStartRange(
          "a", T0, T0.plusSeconds(3600)), org.apache.kafka.streams.query.PositionBound.unbounded(),
          new org.apache.kafka.streams.query.QueryConfig(false));

      List<KeyValue<Long, Long>> got = new java.util.ArrayList<>();
      try (WindowStoreIterator<Count> times = answer.getResult()) {
        times.forEachRemaining(kv -> got.add(KeyValue.pair(kv.key - T0.toEpochMilli(), kv.value.n)));
      }
      assertEquals(List.of(KeyValue.pair(0L, 5L), KeyValue.pair(MINUTE, 9L)), got,
          "the held values, within [from, to] as asked, whatever order Kafka's query keeps them in");
    }
  }
}
