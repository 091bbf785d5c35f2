package io.tokenledger.reconciliation.service;

import io.tokenledger.platform.service.ServiceDescription;
import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.platform.service.StreamsServices;
import io.tokenledger.platform.streams.GlobalTable;
import io.tokenledger.platform.streams.LedgerDifferences;
import io.tokenledger.platform.streams.ProcessorWithStores;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PriceRules;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The reconciliation service: the (team, workflow, model) ledger in, per team partition, as
 * changes of its cells (day, provider, model, tier, token type, team) through one internal
 * partition, where every team's are summed; the imported bills, their mappings and the catalog
 * as global stores. It answers {@code /v1/reconciliation} ({@link ReconciliationQueries}) and
 * raises a closed day whose unexplained share of the bill passes the threshold on the
 * reconciliation alert topic. {@link #buildTopology} and {@link #config} are what tests and
 * launchers call.
 */
public final class ReconciliationApp {
  public static final String APPLICATION_ID = "tokenledger-reconciliation";
  public static final String BILLS_STORE = "reconciliation-bills-store";
  public static final String MAPPINGS_STORE = "reconciliation-mappings-store";
  public static final String PRICES_STORE = "reconciliation-prices-store";
  public static final String SEEN_STORE = "reconciliation-ledger-seen-store";
  public static final String CELLS_STORE = "reconciliation-cells-store";
  public static final String ANNOUNCED_STORE = "reconciliation-announced-store";
  /** Every cell is in the one partition of the cells topic: queries route by this key to its owner. */
  public static final String ROUTING_KEY = "all";

  private ReconciliationApp() {}

  public static Topology buildTopology(Topics topics, ReconciliationSettings settings) {
    PriceBook catalog = new PriceBook();
    Topology topology = new Topology();
    global(topology, BILLS_STORE, topics.bills, "reconciliation-bills", (k, v) -> { });
    global(topology, MAPPINGS_STORE, topics.billMappings, "reconciliation-mappings", (k, v) -> { });
    global(topology, PRICES_STORE, topics.prices, "reconciliation-prices", catalog::apply);

    topology.addSource("reconciliation-ledger-source", topics.seriesLedger15m.keySerde().deserializer(),
        topics.seriesLedger15m.valueSerde().deserializer(), topics.seriesLedger15m.name());
    StoreBuilder<?> seen = LedgerDifferences.store(SEEN_STORE, topics.seriesLedger15m.valueSerde());
    topology.addProcessor("reconciliation-cell-changes", ProcessorWithStores.of(() -> new CellChanges(SEEN_STORE,
        catalog), List.of(seen)), "reconciliation-ledger-source");
    topology.addSink("reconciliation-cells-sink", topics.reconciliationCells.name(),
        topics.reconciliationCells.keySerde().serializer(), topics.reconciliationCells.valueSerde().serializer(),
        "reconciliation-cell-changes");

    topology.addSource("reconciliation-cells-source", topics.reconciliationCells.keySerde().deserializer(),
        topics.reconciliationCells.valueSerde().deserializer(), topics.reconciliationCells.name());
    DailyCells.Names names = new DailyCells.Names(CELLS_STORE, ANNOUNCED_STORE, BILLS_STORE, MAPPINGS_STORE);
    topology.addProcessor("reconciliation-daily", ProcessorWithStores.of(() -> new DailyCells(names, catalog, settings),
        List.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CELLS_STORE), Serdes.String(),
            Serdes.ByteArray()), Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ANNOUNCED_STORE),
            Serdes.String(), Serdes.ByteArray()))), "reconciliation-cells-source");
    topology.addSink("reconciliation-alerts-sink", topics.reconciliationAlerts.name(),
        topics.reconciliationAlerts.keySerde().serializer(), topics.reconciliationAlerts.valueSerde().serializer(),
        "reconciliation-daily");
    return topology;
  }

  private static <V> void global(Topology topology, String store, Topic<String, V> topic, String name,
      java.util.function.BiConsumer<String, V> onChange) {
    topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), topic.keySerde(),
            topic.valueSerde()).withLoggingDisabled(), name + "-source", topic.keySerde().deserializer(),
        topic.valueSerde().deserializer(), topic.name(), name + "-loader", () -> new GlobalTable<>(store, onChange));
  }

  public static Properties config(Map<String, ?> overrides) {
    return StreamsApps.baseConfig(APPLICATION_ID, overrides);
  }

  /**
   * The reconciliation as a service ({@link StreamsServices} runs it): the ledger is read per team
   * partition, as it is placed; it answers {@code /v1/reconciliation}.
   */
  public static final StreamsService SERVICE = new ServiceDescription("the reconciliation", APPLICATION_ID,
      (topics, settings) -> buildTopology(topics, ReconciliationSettings.from(settings)), ReconciliationApp::config,
      List.of(ReconciliationSettings.CONFIG))
      .checking(topics -> List.of(topics.seriesLedger15m, topics.reconciliationCells))
      .answering((topics, settings) -> (streams, self, keys) -> ReconciliationQueries.start(streams, self,
          ReconciliationSettings.from(settings), keys));

  public static void main(String[] args) throws Exception {
    System.exit(StreamsServices.run(SERVICE, StreamsApps.overridesFrom(args)));
  }
}
