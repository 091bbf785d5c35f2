package io.tokenledger.aggregation;

import io.tokenledger.aggregation.intake.Deduplicator;
import io.tokenledger.aggregation.intake.UsageIntake;
import io.tokenledger.aggregation.pricing.PriceBook;
import io.tokenledger.aggregation.pricing.PriceCatalogLoader;
import io.tokenledger.aggregation.pricing.UsagePricer;
import io.tokenledger.aggregation.window.WindowedAggregator;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregation topology: usage events in; per-team 1-minute aggregates, late events and
 * dead letters out. {@link #buildTopology} and {@link #config} are what tests and launchers
 * call; {@link #main} only wires them.
 */
public final class AggregationApp {
  private static final Logger log = LoggerFactory.getLogger(AggregationApp.class);

  public static final String APPLICATION_ID = "tokenledger-aggregation";
  public static final String PRICES_STORE = "price-catalog-store";
  public static final String DEDUP_STORE = "usage-dedup-store";
  public static final String TEAM_1M_STORE = "team-1m-store";
  public static final String TEAM_1M_PROGRESS_STORE = "team-1m-progress-store";

  static final String USAGE_SOURCE = "usage-source";
  static final String INTAKE = "usage-intake";
  static final String DEDUP = "usage-dedup";
  static final String PRICE = "usage-price";
  static final String TEAM_1M = "team-1m-aggregate";
  static final String DEAD_LETTER_SINK = "dead-letter-sink";
  static final String LATE_SINK = "late-usage-sink";
  static final String TEAM_1M_SINK = "team-1m-sink";

  private AggregationApp() {}

  /** Builds the topology. The price book is per topology instance, shared by its threads. */
  public static Topology buildTopology(Topics topics, AggregationSettings settings) {
    PriceBook book = new PriceBook();
    Duration minute = Duration.ofMinutes(1);
    Topology topology = new Topology();

    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICES_STORE),
            topics.prices.keySerde(), topics.prices.valueSerde()).withLoggingDisabled(),
        "prices-source", topics.prices.keySerde().deserializer(), topics.prices.valueSerde().deserializer(),
        topics.prices.name(), "prices-loader", () -> new PriceCatalogLoader(PRICES_STORE, book));

    topology.addSource(USAGE_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        topics.usage.name());
    topology.addProcessor(INTAKE, () -> new UsageIntake(topics.usage.valueSerde().deserializer(),
        new UsageValidator(settings.maxTokensPerBucket()), settings.maxFutureSkew(), DEDUP, DEAD_LETTER_SINK),
        USAGE_SOURCE);
    topology.addSink(DEAD_LETTER_SINK, topics.deadLetters.name(), topics.deadLetters.keySerde().serializer(),
        topics.deadLetters.valueSerde().serializer(), INTAKE);

    topology.addProcessor(DEDUP, () -> new Deduplicator(DEDUP_STORE, settings.dedupHorizon()), INTAKE);
    topology.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(DEDUP_STORE, settings.dedupHorizon(), Duration.ofMillis(1), false),
        Serdes.String(), Serdes.Long()), DEDUP);

    topology.addProcessor(PRICE, () -> new UsagePricer(book), DEDUP);

    topology.addProcessor(TEAM_1M, () -> new WindowedAggregator(TEAM_1M_STORE, TEAM_1M_PROGRESS_STORE, minute,
        settings.grace(), settings.liveEmitInterval(), TEAM_1M_SINK, LATE_SINK), PRICE);
    topology.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(TEAM_1M_STORE, settings.windowRetention().plus(settings.grace()), minute, false),
        Serdes.String(), topics.teamAggregates1m.valueSerde()).withCachingEnabled(), TEAM_1M);
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(TEAM_1M_PROGRESS_STORE), Serdes.String(), Serdes.Long())
        .withCachingEnabled(), TEAM_1M);
    topology.addSink(TEAM_1M_SINK, topics.teamAggregates1m.name(),
        topics.teamAggregates1m.keySerde().serializer(), topics.teamAggregates1m.valueSerde().serializer(), TEAM_1M);
    topology.addSink(LATE_SINK, topics.lateUsage.name(), topics.lateUsage.keySerde().serializer(),
        topics.lateUsage.valueSerde().serializer(), TEAM_1M);
    return topology;
  }

  /** Streams configuration: exactly-once, with caller overrides (bootstrap, state dir, ...). */
  public static Properties config(Map<String, ?> overrides) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(".tokenledger", "state").toAbsolutePath().toString());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
    props.put("processing.exception.handler.global.enabled", true);
    props.putAll(overrides);
    return props;
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, Object> overrides = new HashMap<>();
    if (args.length > 0) {
      Properties file = new Properties();
      try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
        file.load(in);
      }
      file.forEach((k, v) -> overrides.put(k.toString(), v));
    }
    Properties config = config(overrides);
    Map<String, Object> asMap = new HashMap<>();
    config.forEach((k, v) -> asMap.put(k.toString(), v));
    KafkaStreams streams = new KafkaStreams(buildTopology(Topics.from(asMap), AggregationSettings.from(asMap)), config);
    run(streams);
  }

  /** Runs a Streams app until SIGTERM/Ctrl-C, replacing a failed thread rather than dying. */
  public static void run(KafkaStreams streams) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(e -> {
      log.error("Stream thread failed; replacing it (exactly-once restarts from the last commit)", e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(Duration.ofSeconds(30));
      stopped.countDown();
    }, "tokenledger-shutdown"));
    streams.start();
    stopped.await();
  }
}
