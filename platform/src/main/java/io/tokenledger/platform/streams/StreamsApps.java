package io.tokenledger.platform.streams;

import io.tokenledger.schemas.config.ConfigDeclaration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every tokenledger Streams application shares: base config, config files, lifecycle. */
public final class StreamsApps {
  private static final Logger log = LoggerFactory.getLogger(StreamsApps.class);

  private StreamsApps() {}

  /** Exactly-once v2 and tokenledger's defaults, then the caller's overrides. */
  public static Properties baseConfig(String applicationId, Map<String, ?> overrides) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(".tokenledger", "state").toAbsolutePath().toString());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
    props.put("processing.exception.handler.global.enabled", true);
    // A record a processor throws on is dead-lettered, not replayed forever by a replaced thread.
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnFailure.class);
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDB.class);
    // Changelogs and outputs compress well; measured +23% throughput on a 2-core machine (BENCHMARKS.md).
    props.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
    // An lz4 batch takes two 64 KiB block buffers whatever its size, and a usage batch's priced
    // record (a hundred events) is larger than the producer's default 16 KiB batch, so each went in
    // a batch of its own. At 64 KiB the aggregation's ~240 partitions fit the default buffer.memory
    // (32 MiB) even all open at once. bench topology: 0.47 to 0.52-0.55 of its ceiling (BENCHMARKS.md).
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 64 * 1024);
    // A broker answers one connection's requests in order: while a fetch waits for data (500 ms by
    // default), the offset lookup for the next changelog or global partition to restore waits
    // behind it. Restoring moves from partition to partition, so the wait is paid again and again
    // on a restart (BENCHMARKS.md, recovery). The global consumer's idle fetches become 10 a second.
    props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
    props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
    props.putAll(overrides);
    return props;
  }

  /** The properties file named by the first argument, if any, as a map. */
  public static Map<String, Object> overridesFrom(String[] args) throws IOException {
    Map<String, Object> overrides = new HashMap<>();
    if (args.length > 0) {
      Properties file = new Properties();
      try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
        file.load(in);
      }
      file.forEach((k, v) -> overrides.put(k.toString(), v));
    }
    return overrides;
  }

  public static Map<String, Object> asMap(Properties props) {
    Map<String, Object> map = new HashMap<>();
    props.forEach((k, v) -> map.put(k.toString(), v));
    return map;
  }

  private static Path cleanShutdownMark(Properties config) {
    return Path.of(config.getProperty(StreamsConfig.STATE_DIR_CONFIG))
        .resolve("tokenledger-" + config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + ".clean-shutdown");
  }

  /**
   * Whether the last run of an exactly-once app left task state without marking a clean
   * shutdown (it crashed). Takes the mark away: the run about to start must set it again.
   */
  static boolean crashedLastTime(Properties config) throws IOException {
    boolean clean = Files.deleteIfExists(cleanShutdownMark(config));
    boolean exactlyOnce = config.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "").startsWith("exactly_once");
    Path appDir = Path.of(config.getProperty(StreamsConfig.STATE_DIR_CONFIG))
        .resolve(config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
    return !clean && exactlyOnce && hasTaskState(appDir);
  }

  /**
   * After a crash, deletes the directories of an app's tasks (named like 0_1) except those whose
   * every store is kept across crashes (each store directory has its {@code <store>.offsets}
   * checkpoint, see {@link StoreOffsetsFile}); keeps its global stores and its process id. Kafka
   * Streams' own RocksDB stores (under {@code rocksdb/}) never are: it refuses to open them. A kept
   * task is restored from its checkpoints; the others are rebuilt from their changelogs.
   *
   * @return how many task directories were kept
   */
  static int wipeTaskStateNotKept(Properties config) throws IOException {
    Path appDir = Path.of(config.getProperty(StreamsConfig.STATE_DIR_CONFIG))
        .resolve(config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
    int kept = 0;
    try (var entries = Files.list(appDir)) {
      for (Path task : entries.filter(StreamsApps::isTaskDirectory).toList()) {
        if (everyStoreKept(task)) {
          kept++;
        } else {
          io.tokenledger.platform.process.DirectoryTrees.delete(task);
        }
      }
    }
    return kept;
  }

  private static boolean everyStoreKept(Path task) throws IOException {
    try (var entries = Files.list(task)) {
      return entries.filter(Files::isDirectory)
          .allMatch(store -> Files.isRegularFile(store.resolveSibling(store.getFileName() + StoreOffsetsFile.SUFFIX)));
    }
  }

  private static boolean isTaskDirectory(Path p) {
    return Files.isDirectory(p) && p.getFileName().toString().matches("\\d+_\\d+");
  }

  /** Whether an app's state directory holds any task's stores (directories named like 0_1). */
  private static boolean hasTaskState(Path appDir) throws IOException {
    if (!Files.isDirectory(appDir)) {
      return false;
    }
    try (var entries = Files.list(appDir)) {
      return entries.anyMatch(StreamsApps::isTaskDirectory);
    }
  }

  /** Logs and replaces a failed stream thread: exactly-once resumes from the last commit. */
  public static void replaceFailedThreads(KafkaStreams streams, String applicationId) {
    streams.setUncaughtExceptionHandler(e -> {
      log.error("A stream thread of {} failed; replacing it (exactly-once resumes from the last commit)",
          applicationId, e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
  }

  /**
   * Closes the app and leaves its consumer group, so that a replacement instance gets the
   * partitions at once instead of after the session timeout.
   */
  public static boolean close(KafkaStreams streams, Duration timeout) {
    return streams.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(timeout));
  }

  /**
   * Static membership for a long-running instance: unless configured, the main consumer's
   * {@code group.instance.id} is the application id plus an id kept in the state directory. An
   * instance restarted on the same state directory, after a crash or a redeploy, then takes its
   * tasks back at once instead of waiting for the broker to expire the old member (the session
   * timeout). A member that does not come back keeps its tasks until its session times out,
   * set to 10 s here unless configured. A clean close still leaves the group (see {@link #close}).
   */
  public static Properties withStaticMembership(Properties config) throws IOException {
    String key = StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    if (config.containsKey(key) || config.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
        || CONFIG.choice(asMap(config), STATIC_MEMBERSHIP).equals("FALSE")) {
      return config;
    }
    String applicationId = config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    Path stateDir = Path.of(config.getProperty(StreamsConfig.STATE_DIR_CONFIG));
    Files.createDirectories(stateDir);
    Path idFile = stateDir.resolve("tokenledger-" + applicationId + ".instance-id");
    String id;
    if (Files.exists(idFile)) {
      id = Files.readString(idFile).strip();
    } else {
      id = java.util.UUID.randomUUID().toString();
      Files.writeString(idFile, id + System.lineSeparator());
    }
    Properties withId = new Properties();
    withId.putAll(config);
    withId.put(key, applicationId + "-" + id);
    // A static member that does not come back keeps its tasks until the session times out: 10 s,
    // not the consumer's 45 s, bounds how long another instance waits before taking them over.
    String session = StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
    if (!config.containsKey(session) && !config.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
      withId.put(session, Integer.toString(STATIC_SESSION_TIMEOUT_MS));
    }
    log.info("{} joins as static member {}-{} (kept in {})", applicationId, applicationId, id, idFile);
    return withId;
  }

  /** How long a static member that is gone keeps its tasks before the group moves them. */
  static final int STATIC_SESSION_TIMEOUT_MS = 10_000;

  /** Set to false for instances whose state directory does not survive a restart (nothing to come back to). */
  public static final String STATIC_MEMBERSHIP = "tokenledger.static-membership";

  /**
   * How often the stores kept across crashes (window and dedup stores under exactly-once, see
   * {@code StoreOffsetsFile}) write a checkpoint: after a crash a task restores what its changelogs
   * got since; 0 writes none, and a crash rebuilds every task from its changelogs.
   */
  public static final String CHECKPOINT_INTERVAL = "tokenledger.checkpoint-interval";

  /** The keys every Streams service reads besides its own. */
  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("every Streams service")
      .choice(STATIC_MEMBERSHIP, "true", List.of("true", "false"),
          "join the group as a static member (group.instance.id from the state directory), so a restart within the "
          + "session timeout moves no task")
      .duration(CHECKPOINT_INTERVAL, Duration.ofSeconds(10), Duration.ZERO,
          "how often each window and dedup store makes its RocksDB writes durable and records the changelog offset it "
          + "holds every committed value up to, so that after a crash its task restores only what came since (0: "
          + "never; every task is then rebuilt from its changelogs after a crash)")
      .whole(BoundedMemoryRocksDB.MEMORY_CONFIG, BoundedMemoryRocksDB.DEFAULT_MEMORY, 16L << 20, Long.MAX_VALUE,
          "the bytes all RocksDB stores of the process share: block cache and write buffers (half of it)")
      .choice(BoundedMemoryRocksDB.LOG_LEVEL_CONFIG, "error", BoundedMemoryRocksDB.LOG_LEVELS,
          "what each RocksDB store writes to the LOG file in its directory: info shows its flushes, compactions and "
          + "write stalls with their reasons");

  /**
   * Starts the app and blocks until SIGTERM or Ctrl-C, then closes it cleanly and marks the
   * clean shutdown in the state directory. Without that mark, the last run crashed: under
   * exactly-once a task's local state would be found uncheckpointed, opened and wiped store by
   * store, unless all its stores are kept across crashes, so the others are wiped at once instead
   * (recovery figures in BENCHMARKS.md).
   */
  public static void runUntilShutdown(KafkaStreams streams, Properties config) throws Exception {
    runUntilShutdown(streams, config, (now, before) -> { });
  }

  /**
   * The same, telling {@code listener} of every state change too (Kafka Streams keeps one state
   * listener; the start-up log is the other).
   */
  public static void runUntilShutdown(KafkaStreams streams, Properties config, KafkaStreams.StateListener listener)
      throws Exception {
    runUntilShutdown(streams, config, listener, () -> () -> { });
  }

  /**
   * What a service starts once Kafka Streams has (its query server): it fails the start as if it
   * came first, and what it returns is closed once Kafka Streams has stopped.
   */
  public interface AfterStart {
    AutoCloseable start() throws Exception;
  }

  /**
   * The same, starting {@code afterStart} once Kafka Streams has started: it overlaps the
   * restore instead of delaying it. When it fails, Kafka Streams is closed and the failure thrown;
   * otherwise what it started is closed after Kafka Streams at shutdown.
   */
  public static void runUntilShutdown(KafkaStreams streams, Properties config, KafkaStreams.StateListener listener,
      AfterStart afterStart) throws Exception {
    String applicationId = config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    CountDownLatch stopped = new CountDownLatch(1);
    replaceFailedThreads(streams, applicationId);
    Path cleanMark = cleanShutdownMark(config);
    if (crashedLastTime(config)) {
      // Under exactly-once, a task's state left by a crash is wiped anyway once its stores are
      // opened, unless all of them are kept across crashes: wiping the others now saves opening
      // every store first. Global stores are not: they catch up from their last checkpoint as after
      // a clean stop (they hold puts by key: replaying is exact).
      int kept = wipeTaskStateNotKept(config);
      log.warn("{} did not shut down cleanly last time; {} of its tasks restore from their stores' checkpoints, "
          + "the others are rebuilt from the changelogs", applicationId, kept);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (close(streams, Duration.ofSeconds(30))) {
        try {
          Files.writeString(cleanMark, "");
        } catch (IOException e) {
          log.warn("Cannot mark the clean shutdown in {}: {}", cleanMark, e.toString());
        }
      }
      stopped.countDown();
    }, applicationId + "-shutdown"));
    logStartUp(streams, applicationId, listener);
    streams.start();
    AutoCloseable started;
    try {
      started = afterStart.start();
    } catch (Exception e) {
      close(streams, Duration.ofSeconds(30));
      throw e;
    }
    try (started) {
      stopped.await();
    }
  }

  /**
   * Logs, once the app first runs, where its start-up went: the JVM until main, main until
   * Kafka Streams starts (topic checks, building the topology, a wipe), and from then until
   * RUNNING, with how much of that was restoring which stores.
   */
  static void logStartUp(KafkaStreams streams, String applicationId, KafkaStreams.StateListener listener) {
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    long streamsStart = System.currentTimeMillis();
    java.util.concurrent.ConcurrentMap<String, long[]> restored = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicLong firstRestore = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong lastRestore = new java.util.concurrent.atomic.AtomicLong();
    streams.setGlobalStateRestoreListener(new org.apache.kafka.streams.processor.StateRestoreListener() {
      @Override
      public void onRestoreStart(org.apache.kafka.common.TopicPartition partition, String store, long start, long end) {
        firstRestore.compareAndSet(0, System.currentTimeMillis());
      }

      @Override
      public void onBatchRestored(org.apache.kafka.common.TopicPartition partition, String store, long end, long n) {}

      @Override
      public void onRestoreEnd(org.apache.kafka.common.TopicPartition partition, String store, long total) {
        restored.computeIfAbsent(store, k -> new long[1])[0] += total;
        lastRestore.set(System.currentTimeMillis());
      }
    });
    java.util.concurrent.atomic.AtomicBoolean logged = new java.util.concurrent.atomic.AtomicBoolean();
    streams.setStateListener((now, before) -> {
      listener.onChange(now, before);
      if (now == KafkaStreams.State.RUNNING && logged.compareAndSet(false, true)) {
        long running = System.currentTimeMillis();
        java.util.Map<String, Long> byStore = new java.util.HashMap<>();
        restored.forEach((store, n) -> byStore.put(store, n[0]));
        log.info(new StartUpReport(applicationId, running - jvmStart, streamsStart - jvmStart, running - streamsStart,
            firstRestore.get() == 0 ? 0 : lastRestore.get() - firstRestore.get(), byStore).message());
      }
    });
  }

  /** Binds a Streams instance's metrics (threads, tasks, stores, its clients) to the process's Prometheus registry. */
  public static AutoCloseable bindMeters(KafkaStreams streams) {
    io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics metrics =
        new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(streams);
    metrics.bindTo(io.tokenledger.platform.metrics.ServiceMeters.prometheus());
    return metrics::close;
  }
}
