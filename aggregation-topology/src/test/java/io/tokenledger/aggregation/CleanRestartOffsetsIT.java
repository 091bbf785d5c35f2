package io.tokenledger.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.intake.Deduplicator;
import io.tokenledger.platform.streams.ObjectWindowStore;
import io.tokenledger.platform.streams.ProcessorWithStores;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.TopicSpec;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A clean restart against a real broker and Kafka Streams' own start: each window store and dedup
 * store leaves its changelog offsets in {@code <task dir>/<store>.offsets} when it closes, so
 * Kafka Streams' start-up pass (which opens every store it finds on disk only to read their
 * offsets, then closes them) opens none of ours; the task's initialisation opens each once and
 * keeps the file: under exactly-once it is the store's checkpoint, still naming what the close
 * committed while nothing new is logged. Without the files (the control) the start-up pass opens
 * every store, and the task's initialisation finds no checkpoint to trust, so Kafka Streams
 * rebuilds the task from its changelogs (a third open). Counts go on exactly across all three
 * restarts, nothing restored after the clean ones.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class CleanRestartOffsetsIT {
  private static final String APP = "clean-restart-offsets";
  private static final String IN = "offsets-in";
  private static final String OUT = "offsets-out";
  private static final String DEDUP = "dedup-store";
  private static final String COUNTS = "counts-store";
  private static final int PARTITIONS = 2;
  /** Times the RocksDB window store below the counts' store was opened (its init), in any thread. */
  private static final AtomicInteger opens = new AtomicInteger();

  @Test
  void theStartUpPassReadsTheFilesAndOpensNoStore(EmbeddedKafka kafka) throws Exception {
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(IN, PARTITIONS, (short) 1), new NewTopic(OUT, 1, (short) 1)))
          .all().get();
    }
    Path state = Files.createTempDirectory("clean-restart-offsets");
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));

    // First run: ten series, three events each, each sent twice (the second a replay, dropped).
    Started first = start(kafka, state);
    send(kafka, 0, 3, minute, "marker-1");
    List<String> out = readUntil(kafka, "marker-1");
    assertEquals(expected(3), lastCounts(out));
    StreamsApps.close(first.streams, Duration.ofSeconds(30));
    Map<Path, String> atClose = new HashMap<>();
    for (int task = 0; task < PARTITIONS; task++) {
      for (String store : List.of(COUNTS, DEDUP)) {
        Path file = taskDir(state, task).resolve(store + ".offsets");
        assertTrue(Files.exists(file), store + " offsets of task " + task);
        atClose.put(file, Files.readString(file));
      }
    }

    // Clean restart: the start-up pass answers from the files; each task opens its store once.
    opens.set(0);
    Started second = start(kafka, state);
    second.awaitRunning();
    assertEquals(PARTITIONS, opens.get(), "the counts' store opened once per task, not in the start-up pass too");
    for (Map.Entry<Path, String> file : atClose.entrySet()) {
      assertEquals(file.getValue(), Files.readString(file.getKey()),
          "open, the store keeps its checkpoint: what the close committed, nothing logged since");
    }
    assertEquals(0, second.restored.get(), "nothing restored after a clean stop");
    send(kafka, 0, 4, minute, "marker-2"); // events 0-2 again (replays, dropped) and a fourth
    out = readUntil(kafka, "marker-2");
    assertEquals(expected(4), lastCounts(out));
    StreamsApps.close(second.streams, Duration.ofSeconds(30));

    // Control: without the files the start-up pass opens every store, then the task's init finds
    // no checkpoint (the store below's own offsets are not trusted: a crash may have left them
    // ahead of its data), and Kafka Streams rebuilds the task from its changelogs.
    for (int task = 0; task < PARTITIONS; task++) {
      Files.delete(taskDir(state, task).resolve(COUNTS + ".offsets"));
      Files.delete(taskDir(state, task).resolve(DEDUP + ".offsets"));
    }
    opens.set(0);
    Started third = start(kafka, state);
    third.awaitRunning();
    assertEquals(3 * PARTITIONS, opens.get(), "without the files: opened by the start-up pass, the init, the rebuild");
    send(kafka, 0, 5, minute, "marker-3");
    out = readUntil(kafka, "marker-3");
    assertEquals(expected(5), lastCounts(out));
    assertTrue(third.restored.get() > 0, "rebuilt from the changelogs");
    StreamsApps.close(third.streams, Duration.ofSeconds(30));
  }

  /** Every series counted {@code events} times in its minute. */
  private static Map<String, Long> expected(long events) {
    Map<String, Long> counts = new HashMap<>();
    for (int s = 0; s < 10; s++) {
      counts.put("series-" + s, events);
    }
    return counts;
  }

  /** The latest count the output gave each series (markers left out). */
  private static Map<String, Long> lastCounts(List<String> out) {
    Map<String, Long> counts = new HashMap<>();
    for (String value : out) {
      String[] parts = value.split("=");
      if (parts[0].startsWith("series-")) {
        counts.put(parts[0], Long.parseLong(parts[1]));
      }
    }
    return counts;
  }

  private static Path taskDir(Path state, int partition) {
    return state.resolve(APP).resolve("0_" + partition);
  }

  /** Events {@code from} to {@code to - 1} of each series, each twice, then a marker on each partition. */
  private static void send(EmbeddedKafka kafka, int from, int to, Instant minute, String marker) {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
      for (int s = 0; s < 10; s++) {
        for (int e = from; e < to; e++) {
          String id = "series-" + s + "-event-" + e;
          long at = minute.plusSeconds(e).toEpochMilli();
          producer.send(new ProducerRecord<>(IN, null, at, "series-" + s, id));
          producer.send(new ProducerRecord<>(IN, null, at, "series-" + s, id));
        }
      }
      for (int partition = 0; partition < PARTITIONS; partition++) {
        producer.send(new ProducerRecord<>(IN, partition, minute.toEpochMilli(), marker + "-" + partition,
            marker + "-" + partition));
      }
    }
  }

  /** Everything on the output, read committed, until the markers of every partition are in it. */
  private static List<String> readUntil(EmbeddedKafka kafka, String marker) {
    Topic<String, String> out = new Topic<>(OUT, OUT, Serdes.String(), Serdes.String(),
        TopicSpec.deleteAfter(1, Duration.ofDays(1)));
    try (TopicReader<String, String> reader = new TopicReader<>(kafka.bootstrapServers(), out)) {
      reader.readUntil(Duration.ofSeconds(90), records -> {
        List<String> values = records.stream().map(ConsumerRecord::value).toList();
        return values.contains(marker + "-0=1") && values.contains(marker + "-1=1");
      }, marker + " from every partition");
      return reader.values();
    }
  }

  /** A started app, the records its stores restored, and when it first ran. */
  private record Started(KafkaStreams streams, AtomicLong restored, CountDownLatch running) {
    void awaitRunning() throws InterruptedException {
      assertTrue(running.await(60, TimeUnit.SECONDS), "RUNNING within 60 s");
    }
  }

  private static Started start(EmbeddedKafka kafka, Path state) {
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), IN);
    topology.addProcessor("dedup", Deduplicator.<String>supplier(DEDUP, Duration.ofDays(1), v -> v), "in");
    topology.addProcessor("count", ProcessorWithStores.of(Counter::new, List.of(ObjectWindowStore.builder(
        counting(Stores.persistentWindowStore(COUNTS, Duration.ofDays(1), Duration.ofMinutes(1), false)),
        Serdes.Long()))), "dedup");
    topology.addSink("out", OUT, Serdes.String().serializer(), Serdes.String().serializer(), "count");
    // The services' own configuration (exactly-once, their RocksDB settings), on the test's broker.
    Properties props = StreamsApps.baseConfig(APP, Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(), StreamsConfig.STATE_DIR_CONFIG, state.toString(),
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500, StreamsConfig.REPLICATION_FACTOR_CONFIG, 1));
    KafkaStreams streams = new KafkaStreams(topology, props);
    AtomicLong restored = new AtomicLong();
    streams.setGlobalStateRestoreListener(new StateRestoreListener() {
      @Override
      public void onRestoreStart(TopicPartition partition, String store, long start, long end) {}

      @Override
      public void onBatchRestored(TopicPartition partition, String store, long end, long n) {
        restored.addAndGet(n);
      }

      @Override
      public void onRestoreEnd(TopicPartition partition, String store, long total) {}
    });
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streams.start();
    return new Started(streams, restored, running);
  }

  /** Counts a series' events of a minute in the window store, forwarding "series=count". */
  private static final class Counter implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> context;
    private ObjectWindowStore<Long> counts;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
      this.counts = ObjectWindowStore.of(context, COUNTS);
    }

    @Override
    public void process(Record<String, String> record) {
      long start = record.timestamp() - record.timestamp() % Duration.ofMinutes(1).toMillis();
      Long before = counts.fetch(record.key(), start);
      long now = (before == null ? 0 : before) + 1;
      counts.put(record.key(), now, start);
      context.forward(record.withValue(record.key() + "=" + now));
    }
  }

  /** Kafka Streams' RocksDB window store, its opens counted. */
  private static WindowBytesStoreSupplier counting(WindowBytesStoreSupplier real) {
    return new WindowBytesStoreSupplier() {
      @Override
      public String name() {
        return real.name();
      }

      @Override
      @SuppressWarnings("unchecked")
      public WindowStore<Bytes, byte[]> get() {
        WindowStore<Bytes, byte[]> store = real.get();
        return (WindowStore<Bytes, byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {WindowStore.class}, (proxy, method, args) -> {
              if (method.getName().equals("init")) {
                opens.incrementAndGet();
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }

      @Override
      public String metricsScope() {
        return real.metricsScope();
      }

      @Override
      public long segmentIntervalMs() {
        return real.segmentIntervalMs();
      }

      @Override
      public long windowSize() {
        return real.windowSize();
      }

      @Override
      public boolean retainDuplicates() {
        return real.retainDuplicates();
      }

      @Override
      public long retentionPeriod() {
        return real.retentionPeriod();
      }
    };
  }
}
