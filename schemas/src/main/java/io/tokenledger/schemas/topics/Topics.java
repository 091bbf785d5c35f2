package io.tokenledger.schemas.topics;

import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.schemas.ledger.LedgerBuckets;

import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AdmissionDecision;
import io.tokenledger.schemas.AdmissionRequest;
import io.tokenledger.schemas.ApiKey;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.BillMapping;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.ReconciliationAlert;
import io.tokenledger.schemas.TokenPlan;
import io.tokenledger.schemas.PricedUsageBatch;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.UsageBatch;
import io.tokenledger.schemas.batches.RecordBatches;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.serde.AvroSerdeFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic tokenledger reads or writes, declared once. Names come from configuration:
 * {@code tokenledger.topic.prefix} (default {@code tokenledger.}) before each logical name,
 * or a full name with {@code tokenledger.topic.<logical name>}; partitions with
 * {@code tokenledger.topic.<logical name>.partitions}.
 */
public final class Topics {
  public static final String PREFIX_CONFIG = "tokenledger.topic.prefix";

  /** The keys every process reads to name its topics and serdes. */
  public static ConfigDeclaration configuration() {
    return Declared.CONFIG;
  }

  /** Built on first use: it lists the registry's own logical names, which need the class initialised. */
  private static final class Declared {
    static final ConfigDeclaration CONFIG = declaration();
  }

  private static ConfigDeclaration declaration() {
    String logical = defaults().all().stream().map(t -> java.util.regex.Pattern.quote(t.logicalName()))
        .collect(java.util.stream.Collectors.joining("|"));
    return new ConfigDeclaration("topics and serdes (every process)")
        .text(PREFIX_CONFIG, DEFAULT_PREFIX, "what every topic's name starts with, before its logical name")
        .pattern("tokenledger.topic.<logical name>", "tokenledger\\.topic\\.(" + logical + ")",
            ConfigDeclaration.Type.TEXT, "prefix + logical name", "one topic's full name instead")
        .pattern("tokenledger.topic.<logical name>.partitions", "tokenledger\\.topic\\.(" + logical + ")\\.partitions",
            ConfigDeclaration.Type.WHOLE, "as docs/topics-and-schemas.md says",
            "one topic's partition count, for topics created from now on (topics that are read together must agree)")
        .text(AvroSerdeFactory.CONFIG, "", "an AvroSerdeFactory class to use instead of Avro single-object encoding");
  }
  public static final String DEFAULT_PREFIX = "tokenledger.";

  private static final Duration WEEK = Duration.ofDays(7);
  private static final Duration MONTH = Duration.ofDays(31);
  private static final Duration YEAR = Duration.ofDays(400);

  /** Usage events. Key: team. Written by services, read by the aggregation topology. */
  public final Topic<String, UsageEvent> usage;
  /** Effective-dated prices. Key: provider/model@effective_from. Compacted. */
  public final Topic<String, PriceVersion> prices;
  /** Budgets. Key: budget_id. Compacted; a tombstone deletes. */
  public final Topic<String, Budget> budgets;
  /** Per-team 1-minute aggregates, live updates and one final record per window. Key: team. */
  public final Topic<String, UsageAggregate> teamAggregates1m;
  /** Per-team 1-hour aggregates. Key: team. */
  public final Topic<String, UsageAggregate> teamAggregates1h;
  /** Per-team 1-day (UTC) aggregates. Key: team. */
  public final Topic<String, UsageAggregate> teamAggregates1d;
  /**
   * Per team, workflow and model, 1-minute aggregates. Key: team|workflow|model, partitioned by
   * team, so one partition holds all of a team's series. Read by alerting's anomaly detection.
   */
  public final Topic<String, UsageAggregate> seriesAggregates1m;
  /** Per team, workflow and model, 1-hour aggregates. Key: team|workflow|model. */
  public final Topic<String, UsageAggregate> seriesAggregates1h;
  /** Per team, workflow and model, 1-day (UTC) aggregates. Key: team|workflow|model. */
  public final Topic<String, UsageAggregate> seriesAggregates1d;
  /** Per-model 1-minute aggregates across all teams. Key: canonical model. */
  public final Topic<String, UsageAggregate> modelAggregates1m;
  /** Per-model 1-hour aggregates across all teams. Key: canonical model. */
  public final Topic<String, UsageAggregate> modelAggregates1h;
  /** Per-model 1-day (UTC) aggregates across all teams. Key: canonical model. */
  public final Topic<String, UsageAggregate> modelAggregates1d;
  /** Per-workflow 1-minute aggregates across all teams. Key: workflow. */
  public final Topic<String, UsageAggregate> workflowAggregates1m;
  /** Per-workflow 1-hour aggregates across all teams. Key: workflow. */
  public final Topic<String, UsageAggregate> workflowAggregates1h;
  /** Per-workflow 1-day (UTC) aggregates across all teams. Key: workflow. */
  public final Topic<String, UsageAggregate> workflowAggregates1d;
  /**
   * The aggregation topology's own repartition topic: per-minute partial sums by model and by
   * workflow, and the progress marks of each usage partition. Not for other services.
   */
  public final Topic<String, byte[]> rollupPartials;
  /**
   * The aggregation topology's own topic for usage records found in another partition than
   * their team's (a producer with another partitioner, e.g. librdkafka's CRC32): re-sent here,
   * unchanged, to the team's partition, in the same exactly-once transaction. Always as many
   * partitions as the usage topic. Not for other services.
   */
  public final Topic<byte[], byte[]> usageRerouted;
  /**
   * Usage the aggregation accepted, each event once, with its normalised model and its cost at
   * the price in force at its event time (null when unpriced). Key: team, with as many
   * partitions as the usage topic and placed as usage is. What services that count usage per
   * event read (the economics), instead of decoding and validating raw usage again.
   */
  public final Topic<String, PricedUsageEvent> pricedUsage;
  /** Usage events several to a record (a {@code UsageBatch}), as the recorder and the gateway send them. */
  public final RecordBatches<UsageEvent, UsageBatch> usageBatches;
  /** Priced usage several to a record (a {@code PricedUsageBatch}): read the priced topic with its deserializer. */
  public final RecordBatches<PricedUsageEvent, PricedUsageBatch> pricedUsageBatches;
  /**
   * Per-team period ledger in 15-minute UTC buckets, never finalised, late events included:
   * any calendar day or month in any time zone is a sum of buckets. Key: team. Live updates only.
   */
  public final Topic<String, UsageAggregate> teamLedger15m;
  /**
   * Per (team, workflow, model) period ledger in 15-minute UTC buckets, never finalised, late
   * events included. Key: team|workflow|model, partitioned by team, so one partition holds
   * all of a team's figures. Live updates only. Read by alerting.
   */
  public final Topic<String, UsageAggregate> seriesLedger15m;
  /**
   * How work items ended. Key: team, with as many partitions as the usage topic and placed as
   * usage is (murmur2 of the team), so an item's outcome meets its usage in one task.
   */
  public final Topic<String, WorkOutcome> workOutcomes;
  /**
   * Re-ratings of (team, workflow, model) ledger buckets after a price correction, the audit
   * trail. Key: team, with as many partitions as the usage topic and placed as usage is, so a
   * correction meets the team's ledger in one task.
   */
  public final Topic<String, PriceCorrection> priceCorrections;
  /**
   * The price corrections the aggregation applied to its ledgers, each bucket's once (never a
   * redelivery, a duplicate or a stale one): what exports and audits count. Key: team.
   */
  public final Topic<String, PriceCorrection> priceCorrectionsApplied;
  /** Human baselines per workflow (and team) and unit, every version kept. Key: {@code BaselineKeys}. Compacted. */
  public final Topic<String, HumanBaseline> humanBaselines;
  /**
   * The economics' own topic: per-item changes of its figures, keyed by {@code EconomicsKey} so each
   * workflow's figures are summed in one task. Not for other services.
   */
  public final Topic<String, byte[]> economicsDeltas;
  /** Agent or person per workflow (and team) and calendar day or month, live. Key: {@code EconomicsKey}. Compacted. */
  public final Topic<String, WorkflowEconomics> economics;
  /** Usage events that arrived after their window closed; still counted in period ledgers. Key: team. */
  public final Topic<String, UsageEvent> lateUsage;
  /** Usage events of a model with no price in force: counted as tokens, not as cost. Key: provider/model. */
  public final Topic<String, UsageEvent> unpricedUsage;
  /** Records that could not be accounted for, with the reason. Key: original key bytes. */
  public final Topic<byte[], DeadLetter> deadLetters;
  /** Budget threshold alerts. Key: budget_id. */
  public final Topic<String, BudgetAlert> budgetAlerts;
  /** Budget forecasts: projected to exceed, or no longer. Key: budget_id. */
  public final Topic<String, ForecastAlert> forecastAlerts;
  /** Anomalies of a (team, workflow, model) series, raised and resolved. Key: team|workflow|model. */
  public final Topic<String, AnomalyAlert> anomalyAlerts;
  /** Where each budget stands in its current period. Key: budget_id. Compacted. */
  public final Topic<String, BudgetStatus> budgetStatus;
  /** HTTP ingest API keys (hashed). Key: key_id. Compacted. */
  public final Topic<String, ApiKey> apiKeys;
  /**
   * Lines of the providers' cost and usage exports, as imported. Key: the line's identity
   * ({@code BillKeys}), so a re-import or a restated day replaces its lines. Compacted.
   */
  public final Topic<String, BillLine> bills;
  /** Who a bill's keys, projects, workspaces, accounts and models are, every version kept. Key: {@code BillKeys}. Compacted. */
  public final Topic<String, BillMapping> billMappings;
  /**
   * The reconciliation's own topic: changes of the ledger's cells (day, provider, model, tier,
   * token type, team), one partition so that one task holds every team's. Not for other services.
   */
  public final Topic<String, byte[]> reconciliationCells;
  /** Closed days whose bill has more unexplained difference than the threshold, raised and cleared. Key: provider. */
  public final Topic<String, ReconciliationAlert> reconciliationAlerts;
  /**
   * Requests to spend before an AI call. Key: team, with as many partitions as the usage topic and
   * placed as usage is, so the team's task decides them with its priced usage, in order.
   */
  public final Topic<String, AdmissionRequest> admissionRequests;
  /**
   * The answers, each in the partition its request named. Key: request_id. Written with the
   * reservation, exactly once: read them with isolation.level=read_committed.
   */
  public final Topic<String, AdmissionDecision> admissionDecisions;
  /** Quarterly token plans per team and workflow, every version kept. Key: {@code PlanKeys}. Compacted. */
  public final Topic<String, TokenPlan> plans;
  /** Capacity pools (self-hosted GPUs, reserved throughput, subscriptions), every version kept. Key: {@code CapacityKeys}. Compacted. */
  public final Topic<String, io.tokenledger.schemas.CapacityPool> capacityPools;
  /** Committed-spend agreements with providers. Key: commitment_id. Compacted. */
  public final Topic<String, io.tokenledger.schemas.Commitment> commitments;
  /**
   * The alerting's own topic: each model's day across teams, re-keyed by its provider into one
   * partition, where the commitment watch meets the agreements. Not for other services.
   */
  public final Topic<String, UsageAggregate> commitmentUsage;
  /** Commitments on pace to leave part of a period's amount unused (or no longer). Key: commitment_id. */
  public final Topic<String, io.tokenledger.schemas.CommitmentAlert> commitmentAlerts;
  /** Reference exchange rates per day, with their source. Key: {@code FxKeys}. Compacted. */
  public final Topic<String, io.tokenledger.schemas.FxRate> fxRates;

  private final Map<String, ?> config;
  private final String prefix;

  private Topics(Map<String, ?> config) {
    this.config = config;
    Object configuredPrefix = config.get(PREFIX_CONFIG);
    this.prefix = configuredPrefix == null ? DEFAULT_PREFIX : configuredPrefix.toString();
    AvroSerdeFactory avro = AvroSerdeFactory.fromConfig(config);
    Serde<String> text = Serdes.String();
    usage = topic("usage", text, avro.serde(UsageEvent.class), TopicSpec.deleteAfter(6, WEEK));
    usageRerouted = new Topic<>("internal.usage-rerouted", name("internal.usage-rerouted"), Serdes.ByteArray(),
        Serdes.ByteArray(), TopicSpec.deleteAfter(usage.spec().partitions(), WEEK));
    pricedUsage = new Topic<>("usage.priced", name("usage.priced"), text, avro.serde(PricedUsageEvent.class),
        TopicSpec.deleteAfter(usage.spec().partitions(), MONTH));
    usageBatches = new RecordBatches<>(usage.valueSerde(), avro.serde(UsageBatch.class),
        UsageBatch.getClassSchema().getFullName(), UsageBatch::new, UsageBatch::getEvents);
    pricedUsageBatches = new RecordBatches<>(pricedUsage.valueSerde(), avro.serde(PricedUsageBatch.class),
        PricedUsageBatch.getClassSchema().getFullName(), PricedUsageBatch::new, PricedUsageBatch::getEvents);
    workOutcomes = new Topic<>("outcomes", name("outcomes"), text, avro.serde(WorkOutcome.class),
        TopicSpec.deleteAfter(usage.spec().partitions(), Duration.ofDays(42)));
    priceCorrections = new Topic<>("prices.corrections", name("prices.corrections"), text,
        avro.serde(PriceCorrection.class), TopicSpec.deleteAfter(usage.spec().partitions(), YEAR));
    priceCorrectionsApplied = new Topic<>("prices.corrections.applied", name("prices.corrections.applied"), text,
        avro.serde(PriceCorrection.class), TopicSpec.deleteAfter(usage.spec().partitions(), YEAR));
    humanBaselines = topic("baselines", text, avro.serde(HumanBaseline.class), TopicSpec.compacted(1));
    prices = topic("prices", text, avro.serde(PriceVersion.class), TopicSpec.compacted(1));
    budgets = topic("budgets", text, avro.serde(Budget.class), TopicSpec.compacted(1));
    Serde<UsageAggregate> aggregates = avro.serde(UsageAggregate.class);
    teamAggregates1m = topic("aggregates.team.1m", text, aggregates, TopicSpec.deleteAfter(6, WEEK));
    teamAggregates1h = topic("aggregates.team.1h", text, aggregates, TopicSpec.deleteAfter(6, MONTH));
    teamAggregates1d = topic("aggregates.team.1d", text, aggregates, TopicSpec.deleteAfter(6, YEAR));
    seriesAggregates1m = topic("aggregates.team-workflow-model.1m", text, aggregates, TopicSpec.deleteAfter(6, WEEK));
    seriesAggregates1h = topic("aggregates.team-workflow-model.1h", text, aggregates, TopicSpec.deleteAfter(6, MONTH));
    modelAggregates1m = topic("aggregates.model.1m", text, aggregates, TopicSpec.deleteAfter(6, WEEK));
    modelAggregates1h = topic("aggregates.model.1h", text, aggregates, TopicSpec.deleteAfter(6, MONTH));
    modelAggregates1d = topic("aggregates.model.1d", text, aggregates, TopicSpec.deleteAfter(6, YEAR));
    workflowAggregates1m = topic("aggregates.workflow.1m", text, aggregates, TopicSpec.deleteAfter(6, WEEK));
    workflowAggregates1h = topic("aggregates.workflow.1h", text, aggregates, TopicSpec.deleteAfter(6, MONTH));
    workflowAggregates1d = topic("aggregates.workflow.1d", text, aggregates, TopicSpec.deleteAfter(6, YEAR));
    // Partial sums carry event-time timestamps; a month keeps a catching-up backlog's partials.
    rollupPartials = topic("internal.rollup-partials", text, Serdes.ByteArray(), TopicSpec.deleteAfter(6, MONTH));
    teamLedger15m = topic("ledger.team.15m", text, aggregates, TopicSpec.deleteAfter(6, LedgerBuckets.RETENTION));
    seriesAggregates1d = topic("aggregates.team-workflow-model.1d", text, aggregates, TopicSpec.deleteAfter(6, YEAR));
    seriesLedger15m = topic("ledger.team-workflow-model.15m", text, aggregates,
        TopicSpec.deleteAfter(6, LedgerBuckets.RETENTION));
    economicsDeltas = topic("internal.economics-deltas", text, Serdes.ByteArray(), TopicSpec.deleteAfter(6, WEEK));
    economics = topic("economics", text, avro.serde(WorkflowEconomics.class), TopicSpec.compacted(6));
    lateUsage = topic("usage.late", text, avro.serde(UsageEvent.class), TopicSpec.deleteAfter(3, MONTH));
    unpricedUsage = topic("usage.unpriced", text, avro.serde(UsageEvent.class), TopicSpec.deleteAfter(3, MONTH));
    deadLetters = topic("deadletter", Serdes.ByteArray(), avro.serde(DeadLetter.class),
        TopicSpec.deleteAfter(3, MONTH));
    budgetAlerts = topic("alerts.budget", text, avro.serde(BudgetAlert.class), TopicSpec.deleteAfter(3, MONTH));
    forecastAlerts = topic("alerts.forecast", text, avro.serde(ForecastAlert.class), TopicSpec.deleteAfter(3, MONTH));
    anomalyAlerts = topic("alerts.anomaly", text, avro.serde(AnomalyAlert.class), TopicSpec.deleteAfter(3, MONTH));
    budgetStatus = topic("budgets.status", text, avro.serde(BudgetStatus.class), TopicSpec.compacted(3));
    apiKeys = topic("apikeys", text, avro.serde(ApiKey.class), TopicSpec.compacted(1));
    bills = topic("bills", text, avro.serde(BillLine.class), TopicSpec.compacted(3));
    billMappings = topic("bills.mappings", text, avro.serde(BillMapping.class), TopicSpec.compacted(1));
    reconciliationCells = topic("internal.reconciliation-cells", text, Serdes.ByteArray(),
        TopicSpec.deleteAfter(1, WEEK));
    reconciliationAlerts = topic("alerts.reconciliation", text, avro.serde(ReconciliationAlert.class),
        TopicSpec.deleteAfter(3, MONTH));
    admissionRequests = new Topic<>("admission.requests", name("admission.requests"), text,
        avro.serde(AdmissionRequest.class), TopicSpec.deleteAfter(usage.spec().partitions(), Duration.ofDays(1)));
    admissionDecisions = topic("admission.decisions", text, avro.serde(AdmissionDecision.class),
        TopicSpec.deleteAfter(6, Duration.ofDays(1)));
    plans = topic("plans", text, avro.serde(TokenPlan.class), TopicSpec.compacted(1));
    capacityPools = topic("capacity.pools", text, avro.serde(io.tokenledger.schemas.CapacityPool.class),
        TopicSpec.compacted(1));
    commitments = topic("commitments", text, avro.serde(io.tokenledger.schemas.Commitment.class),
        TopicSpec.compacted(1));
    fxRates = topic("fx-rates", text, avro.serde(io.tokenledger.schemas.FxRate.class), TopicSpec.compacted(1));
    commitmentUsage = topic("internal.commitment-usage", text, aggregates, TopicSpec.deleteAfter(1, MONTH));
    commitmentAlerts = topic("alerts.commitment", text, avro.serde(io.tokenledger.schemas.CommitmentAlert.class),
        TopicSpec.deleteAfter(3, MONTH));
  }

  public static Topics from(Map<String, ?> config) {
    return new Topics(config);
  }

  public static Topics defaults() {
    return new Topics(Map.of());
  }

  public List<Topic<?, ?>> all() {
    return List.of(usage, prices, budgets, teamAggregates1m, teamAggregates1h, teamAggregates1d, seriesAggregates1m,
        seriesAggregates1h, seriesAggregates1d, modelAggregates1m, modelAggregates1h, modelAggregates1d,
        workflowAggregates1m, workflowAggregates1h, workflowAggregates1d, rollupPartials, usageRerouted, pricedUsage, teamLedger15m,
        seriesLedger15m, workOutcomes, priceCorrections, priceCorrectionsApplied, humanBaselines, economicsDeltas, economics, lateUsage, unpricedUsage, deadLetters, budgetAlerts, forecastAlerts, anomalyAlerts, budgetStatus, apiKeys, bills,
        billMappings, reconciliationCells, reconciliationAlerts, admissionRequests, admissionDecisions, plans,
        capacityPools, commitments, fxRates, commitmentUsage, commitmentAlerts);
  }

  private <K, V> Topic<K, V> topic(String logical, Serde<K> keys, Serde<V> values, TopicSpec spec) {
    Object partitions = config.get("tokenledger.topic." + logical + ".partitions");
    TopicSpec effective = partitions == null ? spec : spec.withPartitions(Integer.parseInt(partitions.toString()));
    return new Topic<>(logical, name(logical), keys, values, effective);
  }

  private String name(String logical) {
    Object name = config.get("tokenledger.topic." + logical);
    return name == null ? prefix + logical : name.toString();
  }
}
