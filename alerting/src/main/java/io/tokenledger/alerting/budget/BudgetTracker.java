package io.tokenledger.alerting.budget;

import io.tokenledger.platform.streams.LedgerDifferences;

import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.alerting.forecast.BurnRateForecast;
import io.tokenledger.alerting.forecast.ForecastSettings;
import io.tokenledger.schemas.alerts.AlertTexts;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.BudgetState;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.budgets.BudgetCoverage;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.schemas.topics.TeamPartitions;
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

  /**
   * The stores the tracker owns: the ledger buckets seen, each budget period's spend, each budget's
   * spend per hour over its longest forecast window (burn rates read 168 hours, not every series'
   * buckets), and its marks.
   */
  public static List<StoreBuilder<?>> stores(Names names) {
    return List.of(
        LedgerDifferences.store(names.seen(), Spent.serde()).withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.spend()), Serdes.String(), Spent.serde())
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.hours()), Serdes.String(), Spent.serde())
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.marks()), Serdes.String(), Serdes.Long()));
  }

  /** Store and sink names, in one place. */
  public record Names(String budgets, String seen, String spend, String hours, String marks, String alertSink,
      String forecastSink, String statusSink) {}

  private final Names names;
  private final int ledgerPartitions;
  private final AlertingSettings settings;

  private ProcessorContext<String, Object> context;
  private ReadOnlyKeyValueStore<String, Budget> budgets;
  private WindowStore<String, Spent> seen;
  private LedgerDifferences<Spent> differences;
  private KeyValueStore<String, Spent> spend;
  private BudgetHours hours;
  private KeyValueStore<String, Long> marks;
  private final Map<String, Budget> owned = new HashMap<>();
  // Each budget's hours-version and first-spend marks, read once from the marks store: the ledger
  // path consults them for every bucket change a budget covers.
  private final Map<String, Long> hoursVersions = new HashMap<>();
  private final Map<String, Long> firstSpends = new HashMap<>();
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
    hoursVersions.clear();
    firstSpends.clear();
    dirty.clear();
    this.context = context;
    budgets = context.getStateStore(names.budgets());
    seen = context.getStateStore(names.seen());
    differences = new LedgerDifferences<>(seen, Spent.ARITHMETIC);
    spend = context.getStateStore(names.spend());
    hours = new BudgetHours(context.getStateStore(names.hours()));
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
      if (hoursVersion(budget) != version(budget)) {
        rebuildHours(budget);
      } else {
        hours.add(budget.getBudgetId(), bucketStart, delta);
        firstSpend(budget, bucketStart, delta);
      }
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
        // A person's or an agent's allowance is not in the ledger (which has neither): admission keeps it.
        if (budget != null && TeamPartitions.partitionOf(budget.getTeam(), ledgerPartitions)
            == context.taskId().partition() && !BudgetCoverage.isAllowance(budget) && usable(budget)) {
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
        if (hoursVersion(budget) != version(budget)) {
          rebuildHours(budget);
        }
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
    // The burn rate is the spend of the trailing window that fits the period (from the hour
    // holding asOf - window; from the budget's first spend in it when that is later, so a new
    // budget or team is not diluted), whichever period that spend fell in.
    ForecastSettings forecasts = settings.forecast();
    long windowFrom = BudgetHours.hourOf(asOf - forecasts.window(budget.getPeriod()).toMillis());
    hours.forget(budget.getBudgetId(), BudgetHours.hourOf(asOf - forecasts.longestWindow().toMillis()));
    Spent trailing = hours.sum(budget.getBudgetId(), windowFrom, asOf);
    Long firstSpend = firstSpendOf(budget);
    long elapsed = firstSpend == null ? 0 : asOf - Math.max(windowFrom, BudgetHours.hourOf(firstSpend));
    boolean warm = elapsed > 0 && elapsed >= forecasts.minHistory(budget.getPeriod()).toMillis();
    long end = period.end().toEpochMilli();
    BurnRateForecast usd = new BurnRateForecast(total.nanoUsd(), trailing.nanoUsd(), elapsed, asOf, end);
    BurnRateForecast tokens = new BurnRateForecast(total.tokens(), trailing.tokens(), elapsed, asOf, end);
    boolean live = context.currentSystemTimeMs() - asOf <= settings.liveWithin().toMillis();
    boolean projectedOver = false;
    if (budget.getLimitNanoUsd() != null) {
      projectedOver |= forecast(budget, period, BudgetMeasure.USD, usd, budget.getLimitNanoUsd(), warm, live, asOf,
          elapsed);
    }
    if (budget.getLimitTokens() != null) {
      projectedOver |= forecast(budget, period, BudgetMeasure.TOKENS, tokens, budget.getLimitTokens(), warm, live, asOf,
          elapsed);
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
        .setBurnRateNanoUsdPerHour(warm ? usd.burnRatePerHour() : null)
        .setProjectionHistoryMinutes(warm ? (int) Math.min(Integer.MAX_VALUE, elapsed / 60_000L) : null)
        .setState(state).setAsOf(Instant.ofEpochMilli(asOf))
        .setUpdatedAt(Instant.ofEpochMilli(context.currentSystemTimeMs())).build();
    context.forward(new Record<>(budget.getBudgetId(), status, Math.max(0, asOf)), names.statusSink());
  }

  /**
   * Raises "projected to run out" when the projection passes the limit; raises it again only when
   * the run-out day moved at least a day earlier or the budget changed, and never twice for a
   * budget within the refire interval (wall clock); "no longer projected" once the projection
   * falls below 95% of the limit. Nothing is announced while the ledger replays history (not
   * live). Returns whether a breach is projected now.
   */
  private boolean forecast(Budget budget, CalendarPeriods.Period period, BudgetMeasure measure, BurnRateForecast f,
      long limit, boolean warm, boolean live, long asOf, long historyMillis) {
    String key = spendKey(budget, period) + "|forecast-" + measure;
    Long announced = marks.get(key + "|at");
    Long sequence = marks.get(key + "|seq");
    long breachAt = warm ? f.projectedBreachAt(limit) : -1;
    boolean active = announced != null && announced >= 0;
    if (!live) {
      return breachAt >= 0;
    }
    if (breachAt >= 0) {
      ZoneId zone = ZoneId.of(budget.getTimezone());
      boolean news = !active || !Long.valueOf(version(budget)).equals(marks.get(key + "|version"))
          || dayOf(breachAt, zone) <= dayOf(announced, zone) - 1;
      Long lastRaised = marks.get(budget.getBudgetId() + "|forecast-raised");
      long wallClock = context.currentSystemTimeMs();
      boolean quiet = lastRaised == null || wallClock - lastRaised >= settings.forecast().refireInterval().toMillis();
      if (news && quiet) {
        marks.put(budget.getBudgetId() + "|forecast-raised", wallClock);
        marks.put(key + "|version", version(budget));
        announce(budget, period, measure, f, limit, breachAt, sequence == null ? 1 : sequence + 1, asOf, key,
            historyMillis);
      }
    } else if (active && f.spend() < limit && warm
        && BigInteger.valueOf(f.projectedEndOfPeriod()).multiply(HUNDRED)
            .compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(95))) < 0) {
      announce(budget, period, measure, f, limit, -1, sequence + 1, asOf, key, historyMillis);
    }
    return breachAt >= 0;
  }

  private static long dayOf(long epochMillis, ZoneId zone) {
    return Instant.ofEpochMilli(epochMillis).atZone(zone).toLocalDate().toEpochDay();
  }

  private void announce(Budget budget, CalendarPeriods.Period period, BudgetMeasure measure, BurnRateForecast f,
      long limit, long breachAt, long sequence, long asOf, String key, long historyMillis) {
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
        .setTrailingWindowMinutes((int) Math.min(Integer.MAX_VALUE, historyMillis / 60_000L))
        .setProjectedEndOfPeriod(f.projectedEndOfPeriod())
        .setProjectedBreachAt(breachAt >= 0 ? Instant.ofEpochMilli(breachAt) : null)
        .setAsOf(Instant.ofEpochMilli(asOf)).setRaisedAt(Instant.ofEpochMilli(context.currentSystemTimeMs())).build();
    log.info("Budget {} of team {}: {}. {}.", budget.getBudgetId(), budget.getTeam(), AlertTexts.title(alert),
        AlertTexts.detail(alert));
    context.forward(new Record<>(budget.getBudgetId(), alert, Math.max(0, asOf)), names.forecastSink());
    io.tokenledger.alerting.AlertMeters.FORECAST.increment();
  }

  private void fireThresholds(Budget budget, CalendarPeriods.Period period, Spent total, long crossedAt) {
    BudgetThresholds.fire(budget, period, total.nanoUsd(), total.tokens(), crossedAt, context.currentSystemTimeMs(),
        marks, alert -> context.forward(new Record<>(budget.getBudgetId(), alert, Math.max(0, crossedAt)),
            names.alertSink()));
  }

  /** A budget's period-to-date figure from the ledger buckets seen: the source of truth. */
  private Spent recompute(Budget budget, CalendarPeriods.Period period) {
    Spent sum = sumBuckets(budget, period.start().toEpochMilli(), period.end().toEpochMilli() - 1);
    return sum.withVersion(version(budget));
  }

  /**
   * A budget's spend per hour over its longest forecast window, again from the ledger buckets seen:
   * when the budget is new or changed (what it covers may have changed).
   */
  private void rebuildHours(Budget budget) {
    long asOf = now();
    hours.clear(budget.getBudgetId());
    marks.delete(budget.getBudgetId() + "|first-spend");
    firstSpends.remove(budget.getBudgetId());
    long window = settings.forecast().longestWindow().toMillis();
    long from = BudgetHours.hourOf(asOf - window);
    // One window further back too: whether the budget's spend began within the window or before
    // it (a weekend without spend at the window's start is not a new budget).
    try (KeyValueIterator<Windowed<String>, Spent> it = seen.fetchAll(Instant.ofEpochMilli(Math.max(0, from - window)),
        Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
      while (it.hasNext()) {
        KeyValue<Windowed<String>, Spent> bucket = it.next();
        if (covers(budget, SeriesKey.parse(bucket.key.key()))) {
          long start = bucket.key.window().start();
          if (start >= from) {
            hours.add(budget.getBudgetId(), start, bucket.value);
          }
          firstSpend(budget, start, bucket.value);
        }
      }
    }
    marks.put(budget.getBudgetId() + "|hours-version", version(budget));
    hoursVersions.put(budget.getBudgetId(), version(budget));
  }

  /** Remembers the earliest ledger bucket with spend the budget covers: burn rates start there at the earliest. */
  private void firstSpend(Budget budget, long bucketStart, Spent spent) {
    if (spent.nanoUsd() <= 0 && spent.tokens() <= 0) {
      return;
    }
    Long known = firstSpendOf(budget);
    if (known == null || bucketStart < known) {
      marks.put(budget.getBudgetId() + "|first-spend", bucketStart);
      firstSpends.put(budget.getBudgetId(), bucketStart);
    }
  }

  private Long firstSpendOf(Budget budget) {
    return firstSpends.computeIfAbsent(budget.getBudgetId(), id -> marks.get(id + "|first-spend"));
  }

  private long hoursVersion(Budget budget) {
    Long stored = hoursVersions.computeIfAbsent(budget.getBudgetId(), id -> marks.get(id + "|hours-version"));
    return stored == null ? Long.MIN_VALUE : stored;
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

}
