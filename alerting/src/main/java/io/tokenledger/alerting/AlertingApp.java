package io.tokenledger.alerting;

import io.tokenledger.platform.service.StreamsServices;
import io.tokenledger.platform.service.ServiceDescription;
import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.alerting.anomaly.AnomalyDetector;
import io.tokenledger.alerting.admission.AdmissionControl;
import io.tokenledger.alerting.admission.AdmissionSettings;
import io.tokenledger.alerting.budget.BudgetTracker;
import io.tokenledger.alerting.query.AlertFeed;
import io.tokenledger.alerting.query.AlertQueries;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.GlobalTable;
import io.tokenledger.platform.streams.ProcessorWithStores;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.AdmissionDecision;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.Topology;

/**
 * The alerting application: the per (team, workflow, model) period ledger and budgets in,
 * budget alerts, forecasts and budget statuses out; the per (team, workflow, model) minute
 * aggregates in, anomalies out. {@link #buildTopology} and {@link #config}
 * are what tests and launchers call.
 */
public final class AlertingApp {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AlertingApp.class);
  public static final String APPLICATION_ID = "tokenledger-alerting";
  public static final String BUDGET_STORE = "budget-store";
  public static final String SEEN_STORE = "budget-ledger-seen-store";
  public static final String SPEND_STORE = "budget-period-spend-store";
  public static final String HOURS_STORE = "budget-hourly-spend-store";
  public static final String MARKS_STORE = "budget-marks-store";
  public static final String ANOMALY_SERIES_STORE = "anomaly-series-store";
  public static final String ANOMALY_SEEN_STORE = "anomaly-seen-models-store";
  public static final String ANOMALY_OPEN_STORE = "anomaly-open-store";
  public static final String ADMISSION_SPEND_STORE = "admission-cell-spend-store";
  public static final String ADMISSION_RESERVATIONS_STORE = "admission-reservations-store";
  public static final String ADMISSION_MARKS_STORE = "allowance-marks-store";
  public static final String PRICES_STORE = "admission-prices-store";
  public static final String COMMITMENT_DAYS_STORE = "commitment-provider-days-store";
  public static final String COMMITMENTS_STORE = "commitment-agreements-store";
  public static final String COMMITMENT_ALERTS_STORE = "commitment-alerts-store";
  static final String COMMITMENT_WATCH = "commitment-watch";
  static final String ADMISSION = "admission-control";
  static final String TRACKER = "budget-track";
  static final String ANOMALY = "anomaly-detect";

  /** How far back the query API's alert list reaches at start-up. */
  public static final Duration FEED_LOOKBACK = Duration.ofDays(7);

  private AlertingApp() {}

  public static Topology buildTopology(Topics topics, AlertingSettings settings) {
    Topology topology = new Topology();
    GlobalTable.register(topology, BUDGET_STORE, topics.budgets, "budgets-source", "budgets-writer",
        (id, budget) -> log.info(budget == null ? "Budget {} deleted" : "Budget {} of team {} read", id,
            budget == null ? null : budget.getTeam()));

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
    addAdmission(topology, topics, settings.admission());
    addCommitmentWatch(topology, topics, settings.commitments());
    return topology;
  }

  /**
   * The commitment watch: each model's day across teams, re-keyed by provider into the one
   * partition of an internal topic, meets the agreements (one partition too) in one task, which
   * projects every running period on the wall clock. Added last, so the other task ids stay.
   */
  private static void addCommitmentWatch(Topology topology, Topics topics,
      io.tokenledger.alerting.commitment.CommitmentWatchSettings settings) {
    topology.addSource("commitment-model-days-source", topics.modelAggregates1d.keySerde().deserializer(),
        topics.modelAggregates1d.valueSerde().deserializer(), topics.modelAggregates1d.name());
    topology.addProcessor("commitment-days-by-provider",
        () -> new org.apache.kafka.streams.processor.api.Processor<String, io.tokenledger.schemas.UsageAggregate, String,
            io.tokenledger.schemas.UsageAggregate>() {
          private org.apache.kafka.streams.processor.api.ProcessorContext<String, io.tokenledger.schemas.UsageAggregate> ctx;

          @Override
          public void init(org.apache.kafka.streams.processor.api.ProcessorContext<String,
              io.tokenledger.schemas.UsageAggregate> context) {
            ctx = context;
          }

          @Override
          public void process(org.apache.kafka.streams.processor.api.Record<String,
              io.tokenledger.schemas.UsageAggregate> record) {
            if (record.value() != null && record.value().getProvider() != null) {
              ctx.forward(record.withKey(record.value().getProvider()));
            }
          }
        }, "commitment-model-days-source");
    topology.addSink("commitment-days-sink", topics.commitmentUsage.name(), topics.commitmentUsage.keySerde().serializer(),
        topics.commitmentUsage.valueSerde().serializer(), "commitment-days-by-provider");
    topology.addSource("commitment-days-source", topics.commitmentUsage.keySerde().deserializer(),
        topics.commitmentUsage.valueSerde().deserializer(), topics.commitmentUsage.name());
    topology.addSource("commitments-source", topics.commitments.keySerde().deserializer(),
        topics.commitments.valueSerde().deserializer(), topics.commitments.name());
    io.tokenledger.alerting.commitment.CommitmentWatch.Names names = new io.tokenledger.alerting.commitment
        .CommitmentWatch.Names(COMMITMENT_DAYS_STORE, COMMITMENTS_STORE, COMMITMENT_ALERTS_STORE, "commitment-alert-sink");
    topology.addProcessor(COMMITMENT_WATCH, ProcessorWithStores.of(
        () -> new io.tokenledger.alerting.commitment.CommitmentWatch(names, settings),
        io.tokenledger.alerting.commitment.CommitmentWatch.stores(names, topics.commitments.valueSerde(),
            topics.commitmentAlerts.valueSerde())), "commitment-days-source", "commitments-source");
    topology.addSink(names.sink(), topics.commitmentAlerts.name(), topics.commitmentAlerts.keySerde().serializer(),
        topics.commitmentAlerts.valueSerde().serializer(), COMMITMENT_WATCH);
  }

  /**
   * Admission: the team's requests, its priced usage and its applied price corrections, all
   * placed by team as usage is, in one sub-topology, so partition p of each is one task that
   * decides every request of its teams. Added after the others, so their task ids stay.
   */
  private static void addAdmission(Topology topology, Topics topics, AdmissionSettings settings) {
    PriceBook catalog = new PriceBook();
    topology.addSource("admission-requests-source", topics.admissionRequests.keySerde().deserializer(),
        topics.admissionRequests.valueSerde().deserializer(), topics.admissionRequests.name());
    topology.addSource("admission-usage-source", topics.pricedUsage.keySerde().deserializer(),
        topics.pricedUsageBatches.deserializer(), topics.pricedUsage.name());
    topology.addProcessor("admission-usage-unbatch", io.tokenledger.platform.streams.Unbatching::new,
        "admission-usage-source");
    topology.addSource("admission-corrections-source", topics.priceCorrectionsApplied.keySerde().deserializer(),
        topics.priceCorrectionsApplied.valueSerde().deserializer(), topics.priceCorrectionsApplied.name());
    AdmissionControl.Names names = new AdmissionControl.Names(BUDGET_STORE, ADMISSION_SPEND_STORE,
        ADMISSION_RESERVATIONS_STORE, ADMISSION_MARKS_STORE, "admission-decision-sink", "allowance-status-sink",
        "allowance-alert-sink");
    int partitions = topics.admissionRequests.spec().partitions();
    topology.addProcessor(ADMISSION, ProcessorWithStores.of(() -> new AdmissionControl(names, catalog, partitions,
        settings), AdmissionControl.stores(names)), "admission-requests-source", "admission-usage-unbatch",
        "admission-corrections-source");
    Serializer<AdmissionDecision> decisions = topics.admissionDecisions.valueSerde().serializer();
    topology.addSink(names.decisionSink(), topics.admissionDecisions.name(),
        topics.admissionDecisions.keySerde().serializer(),
        (Serializer<AdmissionControl.Reply>) (topic, reply) -> decisions.serialize(topic, reply.decision()),
        (StreamPartitioner<String, AdmissionControl.Reply>) (topic, key, reply, count) ->
            Optional.of(Set.of(Math.floorMod(reply.partition(), count))), ADMISSION);
    topology.addSink(names.statusSink(), topics.budgetStatus.name(), topics.budgetStatus.keySerde().serializer(),
        topics.budgetStatus.valueSerde().serializer(), ADMISSION);
    topology.addSink(names.alertSink(), topics.budgetAlerts.name(), topics.budgetAlerts.keySerde().serializer(),
        topics.budgetAlerts.valueSerde().serializer(), ADMISSION);
    GlobalTable.register(topology, PRICES_STORE, topics.prices, "admission-prices-source", "admission-prices-loader",
        catalog::apply);
  }

  private static void addSink(Topology topology, String name, Topic<String, ?> topic) {
    topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), TRACKER);
  }

  /**
   * Streams configuration: exactly-once, with caller overrides. Admission's task reads requests,
   * priced usage and corrections, which need no interleaving by time (a request and a settlement
   * are decided in the order they come; nothing waits for another partition), so the task never
   * idles waiting for an empty one. An admission answer is visible when the task's transaction
   * commits, and the stream thread commits after its next poll: a short poll keeps a quiet
   * thread from adding up to 100 ms to it (the commit interval is Kafka Streams' default;
   * BENCHMARKS.md has both measured).
   */
  public static Properties config(Map<String, ?> overrides) {
    Map<String, Object> withDefaults = new java.util.HashMap<>();
    withDefaults.put(org.apache.kafka.streams.StreamsConfig.POLL_MS_CONFIG, 10L);
    withDefaults.put(org.apache.kafka.streams.StreamsConfig.MAX_TASK_IDLE_MS_CONFIG,
        org.apache.kafka.streams.StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    withDefaults.putAll(overrides);
    return StreamsApps.baseConfig(APPLICATION_ID, withDefaults);
  }

  /**
   * Alerting as a service ({@link StreamsServices} runs it): budgets are owned per team partition
   * of the ledger topic, so its partition count is checked; it answers {@code /v1/budgets} and
   * {@code /v1/alerts} from an alert feed ({@link AlertQueries}).
   */
  public static final StreamsService SERVICE = new ServiceDescription("alerting", APPLICATION_ID,
      (topics, settings) -> buildTopology(topics, AlertingSettings.from(settings)), AlertingApp::config,
      java.util.List.of(AlertingSettings.CONFIG, io.tokenledger.alerting.anomaly.AnomalySettings.CONFIG,
          AdmissionSettings.CONFIG))
      .checking(topics -> java.util.List.of(topics.seriesLedger15m, topics.admissionRequests, topics.pricedUsage,
          topics.priceCorrectionsApplied))
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
