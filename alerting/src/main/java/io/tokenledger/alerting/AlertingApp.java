package io.tokenledger.alerting;

import io.tokenledger.platform.service.StreamsServices;
import io.tokenledger.platform.service.ServiceDescription;
import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.alerting.anomaly.AnomalyDetector;
import io.tokenledger.alerting.budget.BudgetStoreWriter;
import io.tokenledger.alerting.budget.BudgetTracker;
import io.tokenledger.alerting.query.AlertFeed;
import io.tokenledger.alerting.query.AlertQueries;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.ProcessorWithStores;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The alerting application: the per (team, workflow, model) period ledger and budgets in,
 * budget alerts, forecasts and budget statuses out; the per (team, workflow, model) minute
 * aggregates in, anomalies out. {@link #buildTopology} and {@link #config}
 * are what tests and launchers call.
 */
public final class AlertingApp {
  public static final String APPLICATION_ID = "tokenledger-alerting";
  public static final String BUDGET_STORE = "budget-store";
  public static final String SEEN_STORE = "budget-ledger-seen-store";
  public static final String SPEND_STORE = "budget-period-spend-store";
  public static final String HOURS_STORE = "budget-hourly-spend-store";
  public static final String MARKS_STORE = "budget-marks-store";
  public static final String ANOMALY_SERIES_STORE = "anomaly-series-store";
  public static final String ANOMALY_SEEN_STORE = "anomaly-seen-models-store";
  public static final String ANOMALY_OPEN_STORE = "anomaly-open-store";
  static final String TRACKER = "budget-track";
  static final String ANOMALY = "anomaly-detect";

  /** How far back the query API's alert list reaches at start-up. */
  public static final Duration FEED_LOOKBACK = Duration.ofDays(7);

  private AlertingApp() {}

  public static Topology buildTopology(Topics topics, AlertingSettings settings) {
    Topology topology = new Topology();
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BUDGET_STORE),
            topics.budgets.keySerde(), topics.budgets.valueSerde()).withLoggingDisabled(),
        "budgets-source", topics.budgets.keySerde().deserializer(), topics.budgets.valueSerde().deserializer(),
        topics.budgets.name(), "budgets-writer", () -> new BudgetStoreWriter(BUDGET_STORE));

    topology.addSource("ledger-source", topics.seriesLedger15m.keySerde().deserializer(),
        topics.seriesLedger15m.valueSerde().deserializer(), topics.seriesLedger15m.name());
    BudgetTracker.Names names = new BudgetTracker.Names(BUDGET_STORE, SEEN_STORE, SPEND_STORE, HOURS_STORE, MARKS_STORE,
        "budget-alert-sink", "forecast-alert-sink", "budget-status-sink");
    int partitions = topics.seriesLedger15m.spec().partitions();
    topology.addProcessor(TRACKER, ProcessorWithStores.of(() -> new BudgetTracker(names, partitions, settings),
        BudgetTracker.stores(names)), "ledger-source");
    addSink(topology, names.alertSink(), topics.budgetAlerts);
    topology.addSource("detail-1m-source", topics.seriesAggregates1m.keySerde().deserializer(),
        topics.seriesAggregates1m.valueSerde().deserializer(), topics.seriesAggregates1m.name());
    AnomalyDetector.addTo(topology, ANOMALY, "detail-1m-source", new AnomalyDetector.Names(ANOMALY_SERIES_STORE,
        ANOMALY_SEEN_STORE, ANOMALY_OPEN_STORE, "anomaly-alert-sink"), settings.anomaly(),
        settings.liveWithin(), topics.anomalyAlerts);
    addSink(topology, names.forecastSink(), topics.forecastAlerts);
    addSink(topology, names.statusSink(), topics.budgetStatus);
    return topology;
  }

  private static void addSink(Topology topology, String name, Topic<String, ?> topic) {
    topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), TRACKER);
  }

  public static Properties config(Map<String, ?> overrides) {
    return StreamsApps.baseConfig(APPLICATION_ID, overrides);
  }

  /**
   * Alerting as a service ({@link StreamsServices} runs it): budgets are owned per team partition
   * of the ledger topic, so its partition count is checked; it answers {@code /v1/budgets} and
   * {@code /v1/alerts} from an alert feed ({@link AlertQueries}).
   */
  public static final StreamsService SERVICE = new ServiceDescription("alerting", APPLICATION_ID,
      (topics, settings) -> buildTopology(topics, AlertingSettings.from(settings)), AlertingApp::config,
      java.util.List.of(AlertingSettings.CONFIG, io.tokenledger.alerting.anomaly.AnomalySettings.CONFIG))
      .checking(topics -> java.util.List.of(topics.seriesLedger15m))
      .answering((topics, settings) -> (streams, self, keys) -> {
        AlertFeed feed = new AlertFeed(settings, topics, FEED_LOOKBACK);
        try {
          QueryHttpServer server = AlertQueries.start(streams, self, feed, keys);
          return () -> {
            server.close();
            feed.close();
          };
        } catch (java.io.IOException | RuntimeException e) {
          feed.close();
          throw e;
        }
      });

  public static void main(String[] args) throws Exception {
    System.exit(StreamsServices.run(SERVICE, StreamsApps.overridesFrom(args)));
  }
}
