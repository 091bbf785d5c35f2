package io.tokenledger.economics;

import io.tokenledger.platform.service.StreamsServices;
import io.tokenledger.platform.service.ServiceDescription;
import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.economics.baseline.BaselineStoreWriter;
import io.tokenledger.economics.figures.FiguresRollup;
import io.tokenledger.economics.items.ItemTracker;
import io.tokenledger.economics.query.EconomicsQueries;
import io.tokenledger.economics.plan.PlanLedger;
import io.tokenledger.platform.streams.GlobalTable;
import io.tokenledger.platform.streams.ProcessorWithStores;
import java.util.List;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topics;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The economics application: priced usage, outcomes and the (team, workflow, model) ledger in,
 * per team partition, where items meet their outcomes without a repartition of the usage stream;
 * per-item deltas through one internal topic keyed by workflow and calendar; figures, verdicts
 * and model advice out. {@link #buildTopology} and {@link #config} are what tests and launchers call.
 */
public final class EconomicsApp {
  public static final String APPLICATION_ID = "tokenledger-economics";
  public static final String BASELINE_STORE = "economics-baselines-store";
  public static final String ITEM_STORE = "economics-items-store";
  public static final String DEADLINE_STORE = "economics-item-deadlines-store";
  public static final String LEDGER_SEEN_STORE = "economics-ledger-seen-store";
  public static final String FIGURES_STORE = FiguresRollup.STORE;
  public static final String CHANGED_STORE = "economics-changed-store";
  public static final String PLANS_STORE = "economics-plans-store";
  public static final String PRICES_STORE = "economics-prices-store";
  public static final String PLAN_LEDGER_STORE = "economics-plan-ledger-store";
  public static final String POOLS_STORE = "economics-capacity-pools-store";
  public static final String COMMITMENTS_STORE = "economics-commitments-store";
  static final String TRACKER = "economics-items";
  static final String PLAN_LEDGER = "economics-plan-ledger";
  static final String ROLLUP = "economics-rollup";

  private EconomicsApp() {}

  public static Topology buildTopology(Topics topics, EconomicsSettings settings) {
    Topology topology = new Topology();
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BASELINE_STORE),
            topics.humanBaselines.keySerde(), topics.humanBaselines.valueSerde()).withLoggingDisabled(),
        "economics-baselines-source", topics.humanBaselines.keySerde().deserializer(),
        topics.humanBaselines.valueSerde().deserializer(), topics.humanBaselines.name(), "economics-baselines-writer",
        () -> new BaselineStoreWriter(BASELINE_STORE));

    // Usage as the aggregation accepted and priced it: valid, each event once, in the team's partition.
    topology.addSource("economics-usage-source", topics.pricedUsage.keySerde().deserializer(),
        topics.pricedUsageBatches.deserializer(), topics.pricedUsage.name());
    topology.addProcessor("economics-usage-unbatch", io.tokenledger.platform.streams.Unbatching::new,
        "economics-usage-source");
    // Outcomes as bytes: the tracker's intake gate decodes them, so one that does not decode is dead-lettered.
    topology.addSource("economics-outcome-source", Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(), topics.workOutcomes.name());
    topology.addSource("economics-ledger-source", topics.seriesLedger15m.keySerde().deserializer(),
        topics.seriesLedger15m.valueSerde().deserializer(), topics.seriesLedger15m.name());
    ItemTracker.Names names = new ItemTracker.Names(ITEM_STORE, DEADLINE_STORE, LEDGER_SEEN_STORE, BASELINE_STORE,
        "economics-deltas-sink", "economics-deadletter-sink");
    int partitions = topics.pricedUsage.spec().partitions();
    topology.addProcessor(TRACKER, ProcessorWithStores.of(() -> new ItemTracker(names, settings, partitions,
        topics.workOutcomes.valueSerde().deserializer()), ItemTracker.stores(names)),
        "economics-usage-unbatch", "economics-outcome-source", "economics-ledger-source");
    // The token plan's view: the ledger kept for a quarter, the plans and the catalog it is priced with.
    topology.addProcessor(PLAN_LEDGER, ProcessorWithStores.of(() -> new PlanLedger(PLAN_LEDGER_STORE),
        List.of(PlanLedger.store(PLAN_LEDGER_STORE, topics.seriesLedger15m.valueSerde()))), "economics-ledger-source");
    GlobalTable.register(topology, PLANS_STORE, topics.plans, "economics-plans-source", "economics-plans-writer",
        (key, plan) -> { });
    GlobalTable.register(topology, PRICES_STORE, topics.prices, "economics-prices-source", "economics-prices-writer",
        (key, price) -> { });
    // Capacity pools and commitments, read with the same ledger for /v1/capacity.
    GlobalTable.register(topology, POOLS_STORE, topics.capacityPools, "economics-capacity-pools-source",
        "economics-capacity-pools-writer", (key, pool) -> { });
    GlobalTable.register(topology, COMMITMENTS_STORE, topics.commitments, "economics-commitments-source",
        "economics-commitments-writer", (key, commitment) -> { });
    topology.addSink("economics-deltas-sink", topics.economicsDeltas.name(),
        topics.economicsDeltas.keySerde().serializer(), topics.economicsDeltas.valueSerde().serializer(), TRACKER);
    topology.addSink("economics-deadletter-sink", topics.deadLetters.name(), topics.deadLetters.keySerde().serializer(),
        topics.deadLetters.valueSerde().serializer(), TRACKER);

    topology.addSource("economics-deltas-source", topics.economicsDeltas.keySerde().deserializer(),
        topics.economicsDeltas.valueSerde().deserializer(), topics.economicsDeltas.name());
    topology.addProcessor(ROLLUP, ProcessorWithStores.of(() -> new FiguresRollup(FIGURES_STORE, CHANGED_STORE,
        settings), FiguresRollup.stores(FIGURES_STORE, CHANGED_STORE)), "economics-deltas-source");
    topology.addSink("economics-sink", topics.economics.name(), topics.economics.keySerde().serializer(),
        topics.economics.valueSerde().serializer(), ROLLUP);
    return topology;
  }

  public static Properties config(Map<String, ?> overrides) {
    return StreamsApps.baseConfig(APPLICATION_ID, overrides);
  }

  /**
   * The economics as a service ({@link StreamsServices} runs it): an item's usage and outcome
   * meet in one task per team partition, so the topics they come from are checked; it answers
   * {@code /v1/economics} and {@code /v1/advice} ({@link EconomicsQueries}).
   */
  public static final StreamsService SERVICE = new ServiceDescription("the economics", APPLICATION_ID,
      (topics, settings) -> buildTopology(topics, EconomicsSettings.from(settings)), EconomicsApp::config,
      java.util.List.of(EconomicsSettings.CONFIG, io.tokenledger.schemas.validation.ValidationSettings.CONFIG))
      .checking(topics -> java.util.List.of(topics.pricedUsage, topics.workOutcomes, topics.seriesLedger15m))
      .answering((topics, settings) -> (streams, self, keys) -> EconomicsQueries.start(streams, self,
          EconomicsSettings.from(settings), keys));

  public static void main(String[] args) throws Exception {
    System.exit(StreamsServices.run(SERVICE, StreamsApps.overridesFrom(args)));
  }
}
