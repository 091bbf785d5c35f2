package io.tokenledger.alerting.budget;

import io.tokenledger.platform.streams.LedgerDifferences;
import io.tokenledger.schemas.ledger.LedgerBuckets;

import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.alerting.forecast.BurnRateForecast;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.BudgetState;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.schemas.topics.TeamPartitions;
import io.tokenledger.schemas.money.MoneyFormat;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks every budget of the teams this task owns against the per (team, workflow, model)
 * period ledger: period-to-date spend and tokens (late events included), threshold alerts
 * once per (budget, period, threshold), forecasts, and the budget status.
 *
 * <p>Ledger records are cumulative per 15-minute bucket and repeat, so the last figure of
 * every (key, bucket) is kept and only differences are added. That store is also the source
 * of truth from which a budget's period-to-date figure is recomputed whenever the budget is
 * new or changed (evaluated at once, mid-period included) or the task restarts. Fired
 * thresholds live in a changelogged store, so a restart or rebalance never fires one twice.
 *
 * <p>The ledger topic is partitioned by team, so this task owns the budgets whose team hashes
 * to its partition; budgets come from a global store, re-read every status interval.
 */
public final class BudgetTracker implements Processor<String, UsageAggregate, String, Object> {
  private static final Logger log = LoggerFactory.getLogger(BudgetTracker.class);
  private static final BigInteger HUNDRED = BigInteger.valueOf(100);
  private static final String STREAM_TIME = "#stream-time";

  /** Store and sink names, in one place. */
  /** The stores the tracker owns: the ledger buckets seen, each budget period's spend, and its marks. */
  public static List<StoreBuilder<?>> stores(Names names) {
    return List.of(
        LedgerDifferences.store(names.seen(), Spent.serde()).withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.spend()), Serdes.String(), Spent.serde())
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.marks()), Serdes.String(), Serdes.Long()));
  }

  public record Names(String budgets, String seen, String spend, String marks, String alertSink,
      String forecastSink, String statusSink) {}

  private final Names names;
  private final int ledgerPartitions;
  private final AlertingSettings settings;

  private ProcessorContext<String, Object> context;
  private ReadOnlyKeyValueStore<String, Budget> budgets;
  private WindowStore<String, Spent> seen;
  private LedgerDifferences<Spent> differences;
  private KeyValueStore<String, Spent> spend;
  private KeyValueStore<String, Long> marks;
  private final Map<String, Budget> owned = new HashMap<>();
  private final Map<String, List<Budget>> byTeam = new HashMap<>();
  private final Set<String> dirty = new LinkedHashSet<>();
  private final Set<String> refused = new java.util.HashSet<>();
  private long streamTime;
  private long lastFullEvaluation;

  public BudgetTracker(Names names, int ledgerPartitions, AlertingSettings settings) {
    this.names = names;
    this.ledgerPartitions = ledgerPartitions;
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    // Runs again on the same instance when Kafka Streams revives a task: start from the stores only.
    owned.clear();
    byTeam.clear();
    dirty.clear();
    this.context = context;
    budgets = context.getStateStore(names.budgets());
    seen = context.getStateStore(names.seen());
    differences = new LedgerDifferences<>(seen, Spent.ARITHMETIC);
    spend = context.getStateStore(names.spend());
    marks = context.getStateStore(names.marks());
    Long stored = marks.get(STREAM_TIME);
    streamTime = stored == null ? Long.MIN_VALUE : stored;
    // Budgets are first read at the first interval, not here: a refresh may forward alerts,
    // and records processed before it are not lost (a new budget is recomputed from the ledger).
    context.schedule(settings.statusInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
      refreshBudgets();
      // Time passing without spend changes burn rates and projections too: every minute of
      // stream time, every budget is re-evaluated, not only those that saw spend.
      if (streamTime != Long.MIN_VALUE && streamTime - lastFullEvaluation >= 60_000L) {
        dirty.addAll(owned.keySet());
        lastFullEvaluation = streamTime;
      }
      publishDirty();
    });
  }

  @Override
  public void process(Record<String, UsageAggregate> record) {
    UsageAggregate bucket = record.value();
    if (bucket == null) {
      return;
    }
    String key = record.key();
    long bucketStart = bucket.getWindowStart().toEpochMilli();
    if (record.timestamp() > streamTime) {
      streamTime = record.timestamp();
      marks.put(STREAM_TIME, streamTime);
    }
    Spent delta = differences.difference(key, bucketStart, Spent.of(bucket), record.timestamp());
    if (delta == null) {
      return;
    }
    SeriesKey series = SeriesKey.parse(key);
    for (Budget budget : byTeam.getOrDefault(series.team(), List.of())) {
      if (!covers(budget, series)) {
        continue;
      }
      CalendarPeriods.Period period = periodOf(budget, bucketStart);
      String spendKey = spendKey(budget, period);
      Spent known = spend.get(spendKey);
      Spent total = known == null || known.budgetVersion() != version(budget) ? recompute(budget, period)
          : known.plus(delta.seenAt(record.timestamp()));
      spend.put(spendKey, total);
      fireThresholds(budget, period, total, record.timestamp());
      dirty.add(budget.getBudgetId());
    }
  }

  /** Re-reads the budgets: new and changed ones are recomputed and evaluated at once. */
  private void refreshBudgets() {
    Map<String, Budget> current = new HashMap<>();
    try (KeyValueIterator<String, Budget> all = budgets.all()) {
      while (all.hasNext()) {
        Budget budget = all.next().value;
        if (budget != null && TeamPartitions.partitionOf(budget.getTeam(), ledgerPartitions)
            == context.taskId().partition() && usable(budget)) {
          current.put(budget.getBudgetId(), BudgetRules.normalised(budget));
        }
      }
    }
    for (String gone : new ArrayList<>(owned.keySet())) {
      if (!current.containsKey(gone)) {
        owned.remove(gone);
        dirty.remove(gone);
        context.forward(new Record<>(gone, null, context.currentSystemTimeMs()), names.statusSink());
        log.info("Budget {} was deleted; its status record is removed", gone);
      }
    }
    for (Budget budget : current.values()) {
      Budget before = owned.put(budget.getBudgetId(), budget);
      if (before == null || version(before) != version(budget)) {
        CalendarPeriods.Period period = periodOf(budget, now());
        Spent total = recompute(budget, period);
        spend.put(spendKey(budget, period), total);
        fireThresholds(budget, period, total, now());
        dirty.add(budget.getBudgetId());
      }
    }
    byTeam.clear();
    owned.values().forEach(b -> byTeam.computeIfAbsent(b.getTeam(), t -> new ArrayList<>()).add(b));
  }

  private void publishDirty() {
    for (String id : dirty) {
      Budget budget = owned.get(id);
      if (budget != null) {
        publishStatus(budget);
      }
    }
    dirty.clear();
  }

  private void publishStatus(Budget budget) {
    long asOf = now();
    CalendarPeriods.Period period = periodOf(budget, asOf);
    String spendKey = spendKey(budget, period);
    Spent total = spend.get(spendKey);
    if (total == null || total.budgetVersion() != version(budget)) {
      total = recompute(budget, period);
      spend.put(spendKey, total);
    }
    // The trailing window starts at the bucket holding asOf - window, or later: at the period's
    // start, or at the first usage of the period (so a new budget or team is not diluted).
    long windowFrom = Math.max(period.start().toEpochMilli(), asOf - settings.forecastWindow().toMillis());
    long fromBucket = LedgerBuckets.startOf(windowFrom);
    Spent trailing = sumBuckets(budget, fromBucket, asOf);
    long elapsed = asOf - Math.max(fromBucket, Math.max(period.start().toEpochMilli(), total.firstSeen()));
    boolean warm = total.firstSeen() != Long.MAX_VALUE && elapsed >= settings.forecastMinHistory().toMillis();
    long end = period.end().toEpochMilli();
    BurnRateForecast usd = new BurnRateForecast(total.nanoUsd(), trailing.nanoUsd(), elapsed, asOf, end);
    BurnRateForecast tokens = new BurnRateForecast(total.tokens(), trailing.tokens(), elapsed, asOf, end);
    boolean projectedOver = false;
    if (budget.getLimitNanoUsd() != null) {
      projectedOver |= forecast(budget, period, BudgetMeasure.USD, usd, budget.getLimitNanoUsd(), warm, asOf);
    }
    if (budget.getLimitTokens() != null) {
      projectedOver |= forecast(budget, period, BudgetMeasure.TOKENS, tokens, budget.getLimitTokens(), warm, asOf);
    }
    long usedBasisPoints = Math.max(basisPoints(total.nanoUsd(), budget.getLimitNanoUsd()),
        basisPoints(total.tokens(), budget.getLimitTokens()));
    int lowest = budget.getThresholdsPercent().stream().mapToInt(Integer::intValue).min().orElse(100);
    BudgetState state = usedBasisPoints >= 10_000 ? BudgetState.EXCEEDED
        : projectedOver ? BudgetState.PROJECTED_TO_EXCEED
        : usedBasisPoints >= lowest * 100L && lowest < 100 ? BudgetState.WARNING : BudgetState.OK;
    BudgetStatus status = BudgetStatus.newBuilder()
        .setBudgetId(budget.getBudgetId()).setTeam(budget.getTeam()).setWorkflow(budget.getWorkflow())
        .setModel(budget.getModel()).setPeriodStart(period.start()).setPeriodEnd(period.end())
        .setTimezone(budget.getTimezone()).setEnforcement(budget.getEnforcement())
        .setSpendNanoUsd(total.nanoUsd()).setLimitNanoUsd(budget.getLimitNanoUsd())
        .setSpendTokens(total.tokens()).setLimitTokens(budget.getLimitTokens())
        .setUsedBasisPoints(usedBasisPoints)
        .setProjectedSpendNanoUsd(warm ? usd.projectedEndOfPeriod() : null)
        .setProjectedTokens(warm ? tokens.projectedEndOfPeriod() : null)
        .setState(state).setAsOf(Instant.ofEpochMilli(asOf))
        .setUpdatedAt(Instant.ofEpochMilli(context.currentSystemTimeMs())).build();
    context.forward(new Record<>(budget.getBudgetId(), status, Math.max(0, asOf)), names.statusSink());
  }

  /**
   * Raises "projected to exceed" when the projection passes the limit, again only when the
   * projected breach moves materially, and "no longer projected" once it falls below 95% of the
   * limit. Returns whether a breach is projected now.
   */
  private boolean forecast(Budget budget, CalendarPeriods.Period period, BudgetMeasure measure, BurnRateForecast f,
      long limit, boolean warm, long asOf) {
    String key = spendKey(budget, period) + "|forecast-" + measure;
    Long announced = marks.get(key + "|at");
    Long sequence = marks.get(key + "|seq");
    long breachAt = warm ? f.projectedBreachAt(limit) : -1;
    boolean active = announced != null && announced >= 0;
    if (breachAt >= 0 && (!active || BurnRateForecast.materiallyDifferent(announced, breachAt, asOf))) {
      announce(budget, period, measure, f, limit, breachAt, sequence == null ? 1 : sequence + 1, asOf, key);
    } else if (active && breachAt < 0 && f.spend() < limit && warm
        && BigInteger.valueOf(f.projectedEndOfPeriod()).multiply(HUNDRED)
            .compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(95))) < 0) {
      announce(budget, period, measure, f, limit, -1, sequence + 1, asOf, key);
    }
    return breachAt >= 0;
  }

  private void announce(Budget budget, CalendarPeriods.Period period, BudgetMeasure measure, BurnRateForecast f,
      long limit, long breachAt, long sequence, long asOf, String key) {
    marks.put(key + "|at", breachAt);
    marks.put(key + "|seq", sequence);
    ForecastAlert alert = ForecastAlert.newBuilder()
        .setAlertId(budget.getBudgetId() + "/" + period.firstDay() + "/forecast-" + measure.name().toLowerCase()
            + "/" + sequence)
        .setBudgetId(budget.getBudgetId()).setTeam(budget.getTeam()).setWorkflow(budget.getWorkflow())
        .setModel(budget.getModel())
        .setState(breachAt >= 0 ? ForecastState.PROJECTED_TO_EXCEED : ForecastState.NO_LONGER_PROJECTED)
        .setMeasure(measure)
        .setPeriodStart(period.start()).setPeriodEnd(period.end()).setTimezone(budget.getTimezone())
        .setSpend(f.spend()).setLimit(limit).setBurnRatePerHour(f.burnRatePerHour())
        .setTrailingWindowMinutes((int) settings.forecastWindow().toMinutes())
        .setProjectedEndOfPeriod(f.projectedEndOfPeriod())
        .setProjectedBreachAt(breachAt >= 0 ? Instant.ofEpochMilli(breachAt) : null)
        .setAsOf(Instant.ofEpochMilli(asOf)).setRaisedAt(Instant.ofEpochMilli(context.currentSystemTimeMs())).build();
    log.info("Budget {} of team {}: {} on {} (burn rate {} per hour, {} by period end against a limit of {}; "
        + "limit reached at {})", budget.getBudgetId(), budget.getTeam(), alert.getState(), measure,
        f.burnRatePerHour(), f.projectedEndOfPeriod(), limit, alert.getProjectedBreachAt());
    context.forward(new Record<>(budget.getBudgetId(), alert, Math.max(0, asOf)), names.forecastSink());
    io.tokenledger.alerting.AlertMeters.FORECAST.increment();
  }

  private void fireThresholds(Budget budget, CalendarPeriods.Period period, Spent total, long crossedAt) {
    List<Integer> thresholds = new ArrayList<>(budget.getThresholdsPercent());
    thresholds.sort(null);
    if (budget.getLimitNanoUsd() != null) {
      fire(budget, period, total, thresholds, BudgetMeasure.USD, total.nanoUsd(), budget.getLimitNanoUsd(), crossedAt);
    }
    if (budget.getLimitTokens() != null) {
      fire(budget, period, total, thresholds, BudgetMeasure.TOKENS, total.tokens(), budget.getLimitTokens(), crossedAt);
    }
  }

  /** Every threshold reached and not yet fired fires now: one large event can cross several. */
  private void fire(Budget budget, CalendarPeriods.Period period, Spent total, List<Integer> thresholds,
      BudgetMeasure measure, long amount, long limit, long crossedAt) {
    for (int threshold : thresholds) {
      if (!reached(amount, limit, threshold)) {
        break;
      }
      String alertId = budget.getBudgetId() + "/" + period.firstDay() + "/" + threshold + "%"
          + (measure == BudgetMeasure.TOKENS ? "tokens" : "");
      if (marks.get(alertId) != null) {
        continue;
      }
      long now = context.currentSystemTimeMs();
      marks.put(alertId, now);
      BudgetAlert alert = BudgetAlert.newBuilder()
          .setAlertId(alertId).setBudgetId(budget.getBudgetId()).setTeam(budget.getTeam())
          .setWorkflow(budget.getWorkflow()).setModel(budget.getModel())
          .setPeriodStart(period.start()).setPeriodEnd(period.end()).setTimezone(budget.getTimezone())
          .setThresholdPercent(threshold).setMeasure(measure)
          .setSpendNanoUsd(total.nanoUsd()).setLimitNanoUsd(budget.getLimitNanoUsd())
          .setSpendTokens(total.tokens()).setLimitTokens(budget.getLimitTokens())
          .setCrossedAt(Instant.ofEpochMilli(Math.max(0, crossedAt))).setRaisedAt(Instant.ofEpochMilli(now))
          .build();
      log.info("Budget {} of team {} reached {}% of its {} limit: {} of {} in the period starting {} ({})",
          budget.getBudgetId(), budget.getTeam(), threshold, measure,
          measure == BudgetMeasure.USD ? MoneyFormat.usd(amount) : amount + " tokens",
          measure == BudgetMeasure.USD ? MoneyFormat.usd(limit) : limit + " tokens", period.firstDay(),
          budget.getTimezone());
      context.forward(new Record<>(budget.getBudgetId(), alert, Math.max(0, crossedAt)), names.alertSink());
      io.tokenledger.alerting.AlertMeters.BUDGET.increment();
    }
  }

  /** A budget's period-to-date figure from the ledger buckets seen: the source of truth. */
  private Spent recompute(Budget budget, CalendarPeriods.Period period) {
    Spent sum = sumBuckets(budget, period.start().toEpochMilli(), period.end().toEpochMilli() - 1);
    return sum.withVersion(version(budget));
  }

  private Spent sumBuckets(Budget budget, long from, long to) {
    Spent sum = Spent.ZERO;
    if (to < from) {
      return sum;
    }
    try (KeyValueIterator<Windowed<String>, Spent> it = seen.fetchAll(Instant.ofEpochMilli(from),
        Instant.ofEpochMilli(to))) {
      while (it.hasNext()) {
        KeyValue<Windowed<String>, Spent> bucket = it.next();
        if (covers(budget, SeriesKey.parse(bucket.key.key()))) {
          sum = sum.plus(bucket.value);
        }
      }
    }
    return sum;
  }

  private static boolean covers(Budget budget, SeriesKey series) {
    return budget.getTeam().equals(series.team())
        && (budget.getWorkflow() == null || budget.getWorkflow().equals(series.workflow()))
        // A budget names a model, not a provider: it covers that model from every provider, snapshots included.
        && (budget.getModel() == null || series.providerModel().isModel(budget.getModel()));
  }

  /**
   * A budget with problems is not evaluated; the problem is logged once per version of it (the
   * budgets are re-read every status interval).
   */
  private boolean usable(Budget budget) {
    List<String> problems = BudgetRules.problems(budget);
    if (problems.isEmpty()) {
      return true;
    }
    if (refused.add(budget.getBudgetId() + "@" + version(budget))) {
      log.error("Budget {} of team {} is not evaluated: {}. Fix it with 'tokenledger budgets set'.",
          budget.getBudgetId(), budget.getTeam(), String.join("; ", problems));
    }
    return false;
  }


  private long now() {
    return streamTime == Long.MIN_VALUE ? context.currentSystemTimeMs() : streamTime;
  }

  private static CalendarPeriods.Period periodOf(Budget budget, long time) {
    return CalendarPeriods.containing(budget.getPeriod(), ZoneId.of(budget.getTimezone()), Instant.ofEpochMilli(time));
  }

  private static String spendKey(Budget budget, CalendarPeriods.Period period) {
    return budget.getBudgetId() + "|" + period.start().toEpochMilli();
  }

  private static long version(Budget budget) {
    return budget.getUpdatedAt().toEpochMilli();
  }

  private static long basisPoints(long amount, Long limit) {
    if (limit == null || limit <= 0) {
      return 0;
    }
    return BigInteger.valueOf(amount).multiply(BigInteger.valueOf(10_000)).divide(BigInteger.valueOf(limit))
        .min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
  }

  /** amount >= limit x percent / 100, exactly. */
  static boolean reached(long amount, long limit, int percent) {
    return BigInteger.valueOf(amount).multiply(HUNDRED)
        .compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(percent))) >= 0;
  }
}
