package io.tokenledger.alerting.budget;

import io.tokenledger.alerting.AlertMeters;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.alerts.AlertTexts;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threshold alerts, once per (budget, period, threshold, measure): the one rule for a team's
 * budgets (tracked from the ledger) and for a person's or an agent's allowance (tracked by
 * admission). Fired thresholds are marked in the caller's changelogged store, so a restart or a
 * rebalance never fires one twice; one large call can cross several at once.
 */
public final class BudgetThresholds {
  private static final Logger log = LoggerFactory.getLogger(BudgetThresholds.class);
  private static final BigInteger HUNDRED = BigInteger.valueOf(100);

  private BudgetThresholds() {}

  public static void fire(Budget budget, CalendarPeriods.Period period, long spendNanoUsd, long spendTokens,
      long crossedAt, long now, KeyValueStore<String, Long> marks, Consumer<BudgetAlert> forward) {
    List<Integer> thresholds = new ArrayList<>(budget.getThresholdsPercent());
    thresholds.sort(null);
    if (budget.getLimitNanoUsd() != null) {
      fire(budget, period, spendNanoUsd, spendTokens, thresholds, BudgetMeasure.USD, spendNanoUsd,
          budget.getLimitNanoUsd(), crossedAt, now, marks, forward);
    }
    if (budget.getLimitTokens() != null) {
      fire(budget, period, spendNanoUsd, spendTokens, thresholds, BudgetMeasure.TOKENS, spendTokens,
          budget.getLimitTokens(), crossedAt, now, marks, forward);
    }
  }

  private static void fire(Budget budget, CalendarPeriods.Period period, long spendNanoUsd, long spendTokens,
      List<Integer> thresholds, BudgetMeasure measure, long amount, long limit, long crossedAt, long now,
      KeyValueStore<String, Long> marks, Consumer<BudgetAlert> forward) {
    for (int threshold : thresholds) {
      if (!reached(amount, limit, threshold)) {
        break;
      }
      String alertId = budget.getBudgetId() + "/" + period.firstDay() + "/" + threshold + "%"
          + (measure == BudgetMeasure.TOKENS ? "tokens" : "");
      if (marks.get(alertId) != null) {
        continue;
      }
      marks.put(alertId, now);
      BudgetAlert alert = BudgetAlert.newBuilder()
          .setAlertId(alertId).setBudgetId(budget.getBudgetId()).setTeam(budget.getTeam())
          .setWorkflow(budget.getWorkflow()).setModel(budget.getModel())
          .setPeriodStart(period.start()).setPeriodEnd(period.end()).setTimezone(budget.getTimezone())
          .setThresholdPercent(threshold).setMeasure(measure)
          .setSpendNanoUsd(spendNanoUsd).setLimitNanoUsd(budget.getLimitNanoUsd())
          .setSpendTokens(spendTokens).setLimitTokens(budget.getLimitTokens())
          .setCrossedAt(Instant.ofEpochMilli(Math.max(0, crossedAt))).setRaisedAt(Instant.ofEpochMilli(now))
          .build();
      log.info("Budget {} of team {} reached {}% of its {} limit: {} of {} in the period starting {} ({})",
          budget.getBudgetId(), budget.getTeam(), threshold, measure,
          AlertTexts.amount(amount, measure), AlertTexts.amount(limit, measure), period.firstDay(),
          budget.getTimezone());
      forward.accept(alert);
      AlertMeters.BUDGET.increment();
    }
  }

  /** amount >= limit x percent / 100, exactly. */
  static boolean reached(long amount, long limit, int percent) {
    return BigInteger.valueOf(amount).multiply(HUNDRED)
        .compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(percent))) >= 0;
  }
}
