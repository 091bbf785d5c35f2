package io.tokenledger.aggregation;

import io.tokenledger.aggregation.intake.Deduplicator;
import io.tokenledger.aggregation.intake.UsageIntake;
import io.tokenledger.aggregation.pricing.PriceBook;
import io.tokenledger.aggregation.pricing.PriceCatalogLoader;
import io.tokenledger.aggregation.pricing.UsagePricer;
import io.tokenledger.aggregation.window.Totals;
import io.tokenledger.aggregation.window.WindowedAggregator;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregation topology: usage events in; per-team 1-minute aggregates, late events and
 * dead letters out. {@link #buildTopology} and {@link #config} are what tests and launchers
 * call; {@link #main} only wires them.
 */
public final class AggregationApp {
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
  static final String UNPRICED_SINK = "unpriced-usage-sink";
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
        new UsageValidator(settings.maxTokensPerBucket(), settings.maxFutureSkew()), DEDUP, DEAD_LETTER_SINK),
        USAGE_SOURCE);
    topology.addSink(DEAD_LETTER_SINK, topics.deadLetters.name(), topics.deadLetters.keySerde().serializer(),
        topics.deadLetters.valueSerde().serializer(), INTAKE);

    topology.addProcessor(DEDUP, () -> new Deduplicator(DEDUP_STORE), INTAKE);
    topology.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(DEDUP_STORE, settings.dedupHorizon(), Duration.ofMillis(1), false),
        Serdes.String(), Serdes.Long()), DEDUP);

    topology.addProcessor(PRICE, () -> new UsagePricer(book, TEAM_1M, UNPRICED_SINK), DEDUP);
    topology.addSink(UNPRICED_SINK, topics.unpricedUsage.name(), topics.unpricedUsage.keySerde().serializer(),
        topics.unpricedUsage.valueSerde().serializer(), PRICE);

    topology.addProcessor(TEAM_1M, () -> new WindowedAggregator(TEAM_1M_STORE, TEAM_1M_PROGRESS_STORE, minute,
        settings.grace(), settings.liveEmitInterval(), TEAM_1M_SINK, LATE_SINK), PRICE);
    topology.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(TEAM_1M_STORE, settings.windowRetention().plus(settings.grace()), minute, false),
        Serdes.String(), Totals.serde()).withCachingEnabled(), TEAM_1M);
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
    return StreamsApps.baseConfig(APPLICATION_ID, overrides);
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Properties config = config(StreamsApps.overridesFrom(args));
    Map<String, Object> settings = StreamsApps.asMap(config);
    Topology topology = buildTopology(Topics.from(settings), AggregationSettings.from(settings));
    StreamsApps.runUntilShutdown(new KafkaStreams(topology, config), APPLICATION_ID);
  }
}
