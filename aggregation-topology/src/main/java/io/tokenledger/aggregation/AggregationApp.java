package io.tokenledger.aggregation;

import io.tokenledger.platform.service.StreamsServices;
import io.tokenledger.platform.service.ServiceDescription;
import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.aggregation.intake.AcceptedUsage;
import io.tokenledger.aggregation.intake.Deduplicator;
import io.tokenledger.aggregation.intake.TeamKeyPartitioner;
import io.tokenledger.aggregation.intake.UsageIntake;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.aggregation.pricing.AppliedCorrectionsLog;
import io.tokenledger.aggregation.pricing.CorrectionIntake;
import io.tokenledger.aggregation.pricing.PriceCatalogLoader;
import io.tokenledger.aggregation.pricing.PricedUsageEvents;
import io.tokenledger.aggregation.pricing.UsagePricer;
import io.tokenledger.aggregation.window.Aggregate;
import io.tokenledger.aggregation.window.CrossTeamAggregator;
import io.tokenledger.aggregation.window.Partial;
import io.tokenledger.aggregation.window.PartialPartitioner;
import io.tokenledger.aggregation.window.RollupAggregator;
import io.tokenledger.aggregation.window.Scope;
import io.tokenledger.aggregation.window.TeamPartitioner;
import io.tokenledger.aggregation.window.WindowSet;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.ledger.LedgerBuckets;
import io.tokenledger.aggregation.query.QueryServer;
import io.tokenledger.platform.streams.ProcessorWithStores;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregation topology: usage events in; 1-minute, 1-hour and 1-day aggregates per team and
 * per team/workflow/model, late and unpriced events, and dead letters out. {@link #buildTopology} and {@link #config} are what tests
 * call; {@link #run} is how every launcher runs it ({@link #main} and {@code tokenledger aggregation}).
 */
public final class AggregationApp {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AggregationApp.class);
  public static final String APPLICATION_ID = "tokenledger-aggregation";
  public static final String PRICES_STORE = PriceCatalogLoader.STORE;
  public static final String DEDUP_STORE = "usage-dedup-store";
  public static final String CORRECTIONS_APPLIED_STORE = "price-corrections-applied-store";
  static final String CORRECTIONS_SOURCE = "price-corrections-source";
  static final String CORRECTIONS = "price-corrections-intake";
  static final String CORRECTIONS_APPLIED_SINK = "price-corrections-applied-sink";

  static final String USAGE_SOURCE = "usage-source";
  static final String INTAKE = "usage-intake";
  static final String DEDUP = "usage-dedup";
  static final String PRICE = "usage-price";
  static final String ROLLUP = "usage-rollup";
  public static final String ROLLUP_PROGRESS_STORE = "rollup-progress-store";
  static final String DEAD_LETTER_SINK = "dead-letter-sink";
  static final String REROUTE_SINK = "usage-reroute-sink";
  static final String LATE_SINK = "late-usage-sink";
  static final String UNPRICED_SINK = "unpriced-usage-sink";
  static final String PRICED_SINK = "priced-usage-sink";
  static final String PARTIALS_SINK = "rollup-partials-sink";
  static final String PARTIALS_SOURCE = "rollup-partials-source";
  static final String CROSS_TEAM = "cross-team-rollup";
  public static final String CROSS_TEAM_PROGRESS_STORE = "cross-team-progress-store";

  private AggregationApp() {}

  /** The finest aggregate, the only one updated per event: team/workflow/model x 1 minute. */
  static WindowSet.Spec fine(AggregationSettings settings) {
    return new WindowSet.Spec(Aggregate.SERIES_1M, settings.windowRetention().plus(settings.grace()), true,
        RollupAggregator.FINE_PROGRESS_KEY);
  }

  /** Everything derived from the finest windows. */
  static List<WindowSet.Spec> derived(AggregationSettings settings) {
    return List.of(
        finalizing(Aggregate.TEAM_1M, settings, true),
        finalizing(Aggregate.TEAM_1H, settings, true),
        finalizing(Aggregate.TEAM_1D, settings, true),
        finalizing(Aggregate.SERIES_1H, settings, true),
        finalizing(Aggregate.SERIES_1D, settings, true));
  }

  /** The period ledgers: 15-minute buckets, never final, late usage included. */
  static List<WindowSet.Spec> ledgers() {
    return List.of(
        WindowSet.Spec.ledger(Aggregate.TEAM_LEDGER, LedgerBuckets.RETENTION),
        WindowSet.Spec.ledger(Aggregate.SERIES_LEDGER, LedgerBuckets.RETENTION));
  }

  /** Per-model and per-workflow windows across teams, built from partial sums after one repartition. */
  static List<WindowSet.Spec> crossTeam(AggregationSettings settings) {
    return List.of(
        finalizing(Aggregate.MODEL_1M, settings, false),
        finalizing(Aggregate.MODEL_1H, settings, false),
        finalizing(Aggregate.MODEL_1D, settings, false),
        finalizing(Aggregate.WORKFLOW_1M, settings, false),
        finalizing(Aggregate.WORKFLOW_1H, settings, false),
        finalizing(Aggregate.WORKFLOW_1D, settings, false));
  }

  /**
   * Minute windows stay queryable for the configured retention; hours 35 days; days 400 days;
   * per-team windows also keep the grace, in which they still change.
   */
  private static WindowSet.Spec finalizing(Aggregate aggregate, AggregationSettings settings, boolean withGrace) {
    Duration size = aggregate.size();
    Duration retention = size.equals(Duration.ofMinutes(1)) ? settings.windowRetention()
        : size.equals(Duration.ofHours(1)) ? Duration.ofDays(35) : Duration.ofDays(400);
    return WindowSet.Spec.finalizing(aggregate, withGrace ? retention.plus(settings.grace()) : retention);
  }

  /** Builds the topology. The price book is per topology instance, shared by its threads. */
  public static Topology buildTopology(Topics topics, AggregationSettings settings) {
    PriceBook book = new PriceBook();
    Topology topology = new Topology();

    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRICES_STORE),
            topics.prices.keySerde(), topics.prices.valueSerde()).withLoggingDisabled(),
        "prices-source", topics.prices.keySerde().deserializer(), topics.prices.valueSerde().deserializer(),
        topics.prices.name(), "prices-loader", () -> new PriceCatalogLoader(PRICES_STORE, book));

    // Usage, and usage re-routed to its team's partition: one source, so partition p of both is one task.
    topology.addSource(USAGE_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        topics.usage.name(), topics.usageRerouted.name());
    UsageIntake.Routing routing = new UsageIntake.Routing(topics.usage.name(), topics.usage.spec().partitions(),
        REROUTE_SINK);
    topology.addProcessor(INTAKE, () -> new UsageIntake(topics.usageBatches, topics.usage.valueSerde().deserializer(),
        settings.validation().validator(), routing, DEDUP, DEAD_LETTER_SINK), USAGE_SOURCE);
    topology.addSink(REROUTE_SINK, topics.usageRerouted.name(), Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(), new TeamKeyPartitioner(), INTAKE);
    // Price corrections, placed by team as usage is: their differences go to the team's ledgers.
    topology.addSource(CORRECTIONS_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
        topics.priceCorrections.name());
    topology.addProcessor(CORRECTIONS, ProcessorWithStores.of(() -> new CorrectionIntake(
        topics.priceCorrections.valueSerde().deserializer(), CORRECTIONS_APPLIED_STORE, Aggregate.SERIES_LEDGER.store(),
        topics.usage.spec().partitions(), ROLLUP, CORRECTIONS_APPLIED_SINK, DEAD_LETTER_SINK),
        List.of(CorrectionIntake.appliedStore(CORRECTIONS_APPLIED_STORE))), CORRECTIONS_SOURCE);
    topology.addSink(CORRECTIONS_APPLIED_SINK, topics.priceCorrectionsApplied.name(),
        topics.priceCorrectionsApplied.keySerde().serializer(), topics.priceCorrectionsApplied.valueSerde().serializer(),
        CORRECTIONS);
    topology.addSink(DEAD_LETTER_SINK, topics.deadLetters.name(), topics.deadLetters.keySerde().serializer(),
        topics.deadLetters.valueSerde().serializer(), INTAKE, CORRECTIONS);

    topology.addProcessor(DEDUP, Deduplicator.supplier(DEDUP_STORE, settings.dedupHorizon(),
        AcceptedUsage.Batch.EVENTS, settings.dedupMemoryIds()), INTAKE);

    topology.addProcessor(PRICE, () -> new UsagePricer(book, List.of(ROLLUP), UNPRICED_SINK, PRICED_SINK), DEDUP);
    // Key: team, so Kafka's default partitioner places it in the team's partition, as usage is.
    topology.addSink(PRICED_SINK, topics.pricedUsage.name(), topics.pricedUsage.keySerde().serializer(),
        PricedUsageEvents.serializer(topics.pricedUsage.valueSerde().serializer(), topics.pricedUsageBatches), PRICE);
    topology.addSink(UNPRICED_SINK, topics.unpricedUsage.name(), topics.unpricedUsage.keySerde().serializer(),
        topics.unpricedUsage.valueSerde().serializer(), PRICE);

    RollupAggregator.Settings rollup = new RollupAggregator.Settings(fine(settings), derived(settings), ledgers(),
        ROLLUP_PROGRESS_STORE, LATE_SINK, PARTIALS_SINK, settings.grace(), settings.liveEmitInterval(),
        settings.seriesEmitInterval(), settings.idleAdvance(), settings.closeChunk());
    topology.addProcessor(ROLLUP, RollupAggregator.supplier(rollup), PRICE, CORRECTIONS);
    // Partitioned by team: anomaly detection and alerting find all of a team's series in one partition.
    addSink(topology, rollup.fine(), topics, new TeamPartitioner(), ROLLUP);
    for (WindowSet.Spec spec : rollup.derived()) {
      addSink(topology, spec, topics, null, ROLLUP);
    }
    for (WindowSet.Spec spec : rollup.ledgers()) {
      addSink(topology, spec, topics, spec.scope() == Scope.TEAM ? null : new TeamPartitioner(), ROLLUP);
    }
    // Corrections check their bucket's current cost in the ledger they re-rate.
    topology.connectProcessorAndStateStores(CORRECTIONS, Aggregate.SERIES_LEDGER.store());
    topology.addSink(LATE_SINK, topics.lateUsage.name(), topics.lateUsage.keySerde().serializer(),
        topics.lateUsage.valueSerde().serializer(), ROLLUP);
    addCrossTeam(topology, topics, settings);
    // What was applied, with its whole history on every instance: the ledger query's corrections.
    // Added last, so the sub-topologies before it, and their task ids and state directories, keep their numbers.
    Topic<String, PriceCorrection> applied = topics.priceCorrectionsApplied;
    topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AppliedCorrectionsLog.STORE),
        Serdes.String(), applied.valueSerde()).withLoggingDisabled(), "price-corrections-applied-source",
        applied.keySerde().deserializer(), applied.valueSerde().deserializer(), applied.name(),
        "price-corrections-applied-log", AppliedCorrectionsLog::new);
    return topology;
  }

  /**
   * The one repartition: per-minute partial sums by model and by workflow (combined per task
   * before they are sent) and each usage partition's progress mark go through the partials
   * topic to the cross-team rollup, which keeps per-model and per-workflow windows.
   */
  private static void addCrossTeam(Topology topology, Topics topics, AggregationSettings settings) {
    Topic<String, byte[]> partials = topics.rollupPartials;
    topology.addSink(PARTIALS_SINK, partials.name(), partials.keySerde().serializer(), Partial.serde().serializer(),
        new PartialPartitioner(), ROLLUP);
    topology.addSource(PARTIALS_SOURCE, partials.keySerde().deserializer(), Partial.serde().deserializer(),
        partials.name());
    CrossTeamAggregator.Settings crossTeam = new CrossTeamAggregator.Settings(crossTeam(settings),
        CROSS_TEAM_PROGRESS_STORE, topics.usage.spec().partitions(), settings.liveEmitInterval());
    topology.addProcessor(CROSS_TEAM, CrossTeamAggregator.supplier(crossTeam), PARTIALS_SOURCE);
    for (WindowSet.Spec spec : crossTeam.windows()) {
      addSink(topology, spec, topics, null, CROSS_TEAM);
    }
  }

  /** The sink of an aggregate, to its topic; a partitioner where the topic is partitioned by team. */
  private static void addSink(Topology topology, WindowSet.Spec spec, Topics topics,
      StreamPartitioner<String, UsageAggregate> partitioner, String parent) {
    Topic<String, UsageAggregate> topic = spec.aggregate().topic(topics);
    topology.addSink(spec.sink(), topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
        partitioner, parent);
  }


  /**
   * Streams configuration: exactly-once, with caller overrides (bootstrap, state dir, ...). The
   * rollups request a commit right after each live emit, so the periodic commit is only a
   * fallback: a longer interval saves transactions and cache flushes without making figures
   * staler (measured in BENCHMARKS.md).
   */
  public static Properties config(Map<String, ?> overrides) {
    Map<String, Object> withDefaults = new HashMap<>();
    withDefaults.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, FALLBACK_COMMIT_INTERVAL_MS);
    // The usage task also reads the re-route and price-correction topics, nearly always empty. With
    // the default (0), Kafka Streams 4.3 checks and formats a log message for each empty one before
    // every record it processes: 11% of the stream thread in the profile (BENCHMARKS.md). Nothing
    // here needs records of the three interleaved by time: dedup is by id, corrections are deltas.
    withDefaults.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    // A stream thread per core the JVM may use (Kafka's default is one): after a crash every
    // task's stores are restored, and two threads open and restore them at once (a restart on
    // two cores reached RUNNING 0.6-0.9 s sooner, BENCHMARKS.md). A JVM pinned to one core gets one.
    withDefaults.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Runtime.getRuntime().availableProcessors());
    withDefaults.putAll(overrides);
    return StreamsApps.baseConfig(APPLICATION_ID, withDefaults);
  }

  /** The periodic commit behind the commits the rollups request at each emit. */
  static final long FALLBACK_COMMIT_INTERVAL_MS = 5_000;

  /**
   * The aggregation as a service ({@link StreamsServices} runs it): the usage, re-route and
   * correction topics are read by one task per partition, so their partition counts are checked;
   * it answers the usage queries ({@link QueryServer}).
   */
  public static final StreamsService SERVICE = new ServiceDescription("the aggregation", APPLICATION_ID,
      (topics, settings) -> buildTopology(topics, AggregationSettings.from(settings)), AggregationApp::config,
      List.of(AggregationSettings.CONFIG, io.tokenledger.schemas.validation.ValidationSettings.CONFIG))
      .checking(topics -> List.of(topics.usage, topics.usageRerouted, topics.priceCorrections))
      .answering((topics, settings) -> QueryServer::start);

  public static void main(String[] args) throws Exception {
    System.exit(StreamsServices.run(SERVICE, StreamsApps.overridesFrom(args)));
  }
}
