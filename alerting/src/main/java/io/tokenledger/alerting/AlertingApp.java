package io.tokenledger.alerting;

import io.tokenledger.alerting.budget.BudgetEvaluator;
import io.tokenledger.alerting.budget.BudgetStoreWriter;
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
 * The alerting application: per-team window aggregates and budgets in, budget alerts out.
 * {@link #buildTopology} and {@link #config} are what tests and launchers call.
 */
public final class AlertingApp {
  public static final String APPLICATION_ID = "tokenledger-alerting";
  public static final String BUDGET_STORE = "budget-store";
  public static final String WINDOW_COST_STORE = "budget-window-cost-store";
  public static final String PERIOD_SPEND_STORE = "budget-period-spend-store";
  public static final String FIRED_STORE = "budget-fired-alerts-store";

  /** Long enough to rebuild any month-to-date figure from per-minute costs. */
  static final Duration WINDOW_COST_RETENTION = Duration.ofDays(40);

  private AlertingApp() {}

  public static Topology buildTopology(Topics topics) {
    Topology topology = new Topology();
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BUDGET_STORE),
            topics.budgets.keySerde(), topics.budgets.valueSerde()).withLoggingDisabled(),
        "budgets-source", topics.budgets.keySerde().deserializer(), topics.budgets.valueSerde().deserializer(),
        topics.budgets.name(), "budgets-writer", () -> new BudgetStoreWriter(BUDGET_STORE));

    topology.addSource("team-1m-source", topics.teamAggregates1m.keySerde().deserializer(),
        topics.teamAggregates1m.valueSerde().deserializer(), topics.teamAggregates1m.name());
    topology.addProcessor("budget-evaluate",
        () -> new BudgetEvaluator(BUDGET_STORE, WINDOW_COST_STORE, PERIOD_SPEND_STORE, FIRED_STORE), "team-1m-source");
    topology.addStateStore(Stores.windowStoreBuilder(
        Stores.persistentWindowStore(WINDOW_COST_STORE, WINDOW_COST_RETENTION, Duration.ofMinutes(1), false),
        Serdes.String(), Serdes.Long()), "budget-evaluate");
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PERIOD_SPEND_STORE),
        Serdes.String(), Serdes.Long()), "budget-evaluate");
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FIRED_STORE),
        Serdes.String(), Serdes.Long()), "budget-evaluate");
    topology.addSink("budget-alert-sink", topics.budgetAlerts.name(), topics.budgetAlerts.keySerde().serializer(),
        topics.budgetAlerts.valueSerde().serializer(), "budget-evaluate");
    return topology;
  }

  public static Properties config(Map<String, ?> overrides) {
    return StreamsApps.baseConfig(APPLICATION_ID, overrides);
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Properties config = config(StreamsApps.overridesFrom(args));
    Topology topology = buildTopology(Topics.from(StreamsApps.asMap(config)));
    StreamsApps.runUntilShutdown(new KafkaStreams(topology, config), APPLICATION_ID);
  }
}
