package io.tokenledger.alerting.budget;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import io.tokenledger.schemas.money.NanoUsd;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns per-team window aggregates into period-to-date spend per budget and raises a
 * {@link BudgetAlert} the first time each threshold is reached in a period.
 *
 * <p>Aggregate records are cumulative per window and may repeat, so the evaluator keeps the
 * last cost it saw per (team, window) and adds only the difference. When a budget has no
 * spend figure yet for a period (new budget, new period, restart before any figure) it is
 * seeded from the per-window figures already seen in that period. Fired thresholds are kept
 * in a changelogged store, so each fires once per period even across restarts.
 */
public final class BudgetEvaluator implements Processor<String, UsageAggregate, String, BudgetAlert> {
  private static final Logger log = LoggerFactory.getLogger(BudgetEvaluator.class);
  private static final BigInteger HUNDRED = BigInteger.valueOf(100);

  private final String budgetStoreName;
  private final String windowCostStoreName;
  private final String periodSpendStoreName;
  private final String firedStoreName;
  private ProcessorContext<String, BudgetAlert> context;
  private ReadOnlyKeyValueStore<String, Budget> budgets;
  private WindowStore<String, Long> windowCosts;
  private KeyValueStore<String, Long> periodSpend;
  private KeyValueStore<String, Long> fired;

  public BudgetEvaluator(String budgetStoreName, String windowCostStoreName, String periodSpendStoreName,
      String firedStoreName) {
    this.budgetStoreName = budgetStoreName;
    this.windowCostStoreName = windowCostStoreName;
    this.periodSpendStoreName = periodSpendStoreName;
    this.firedStoreName = firedStoreName;
  }

  @Override
  public void init(ProcessorContext<String, BudgetAlert> context) {
    this.context = context;
    this.budgets = context.getStateStore(budgetStoreName);
    this.windowCosts = context.getStateStore(windowCostStoreName);
    this.periodSpend = context.getStateStore(periodSpendStoreName);
    this.fired = context.getStateStore(firedStoreName);
  }

  @Override
  public void process(Record<String, UsageAggregate> record) {
    String team = record.key();
    UsageAggregate window = record.value();
    long windowStart = window.getWindowStart().toEpochMilli();
    Long previous = windowCosts.fetch(team, windowStart);
    long delta = window.getCostNanoUsd() - (previous == null ? 0 : previous);
    if (delta == 0) {
      return;
    }
    windowCosts.put(team, window.getCostNanoUsd(), windowStart);
    for (Budget budget : budgetsOf(team)) {
      evaluate(budget, window, delta, record.timestamp());
    }
  }

  private void evaluate(Budget budget, UsageAggregate window, long delta, long seenAt) {
    if (budget.getLimitNanoUsd() == null || budget.getWorkflow() != null || budget.getModel() != null) {
      return; // token limits and narrowed budgets are evaluated by later stages of alerting
    }
    ZoneId zone = ZoneId.of(budget.getTimezone());
    CalendarPeriods.Period period = CalendarPeriods.containing(budget.getPeriod(), zone, window.getWindowStart());
    String spendKey = budget.getBudgetId() + "|" + period.start().toEpochMilli();
    Long known = periodSpend.get(spendKey);
    long spend = known == null ? seed(budget.getTeam(), period) : Math.addExact(known, delta);
    periodSpend.put(spendKey, spend);

    List<Integer> thresholds = new ArrayList<>(budget.getThresholdsPercent());
    thresholds.sort(null);
    for (int threshold : thresholds) {
      if (!reached(spend, budget.getLimitNanoUsd(), threshold)) {
        break;
      }
      String alertId = budget.getBudgetId() + "/" + period.firstDay() + "/" + threshold + "%";
      if (fired.get(alertId) == null) {
        long now = context.currentSystemTimeMs();
        fired.put(alertId, now);
        BudgetAlert alert = BudgetAlert.newBuilder()
            .setAlertId(alertId).setBudgetId(budget.getBudgetId()).setTeam(budget.getTeam())
            .setWorkflow(budget.getWorkflow()).setModel(budget.getModel())
            .setPeriodStart(period.start()).setPeriodEnd(period.end()).setTimezone(budget.getTimezone())
            .setThresholdPercent(threshold).setSpendNanoUsd(spend).setLimitNanoUsd(budget.getLimitNanoUsd())
            .setCrossedAt(Instant.ofEpochMilli(seenAt)).setRaisedAt(Instant.ofEpochMilli(now))
            .build();
        log.info("Budget {} of team {} reached {}%: {} of {} in the period starting {} ({})", budget.getBudgetId(),
            budget.getTeam(), threshold, NanoUsd.format(spend), NanoUsd.format(budget.getLimitNanoUsd()),
            period.firstDay(), budget.getTimezone());
        context.forward(new Record<>(budget.getBudgetId(), alert, seenAt));
      }
    }
  }

  /** Period-to-date spend of a team from the window figures seen so far. */
  private long seed(String team, CalendarPeriods.Period period) {
    long sum = 0;
    try (WindowStoreIterator<Long> windows = windowCosts.fetch(team, period.start(), period.end().minusMillis(1))) {
      while (windows.hasNext()) {
        sum = Math.addExact(sum, windows.next().value);
      }
    }
    return sum;
  }

  private List<Budget> budgetsOf(String team) {
    List<Budget> result = new ArrayList<>();
    try (KeyValueIterator<String, Budget> all = budgets.all()) {
      while (all.hasNext()) {
        Budget budget = all.next().value;
        if (team.equals(budget.getTeam())) {
          result.add(budget);
        }
      }
    }
    return result;
  }

  /** spend >= limit x percent / 100, exactly. */
  static boolean reached(long spendNanoUsd, long limitNanoUsd, int percent) {
    return BigInteger.valueOf(spendNanoUsd).multiply(HUNDRED)
        .compareTo(BigInteger.valueOf(limitNanoUsd).multiply(BigInteger.valueOf(percent))) >= 0;
  }
}
