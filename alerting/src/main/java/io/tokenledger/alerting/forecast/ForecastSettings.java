package io.tokenledger.alerting.forecast;

import io.tokenledger.schemas.BudgetPeriod;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How budgets are projected and how often a projection is announced.
 *
 * @param windows per budget period, the recent spend its burn rate is measured over: one that fits
 *     the period (a month is projected from the last 7 days, which hold every weekday once; a day
 *     from the last hour), so minutes are never extrapolated to a month
 * @param minHistory per budget period, how much spend history a projection needs at least
 * @param refireInterval a budget's "projected to run out" is announced at most once in this
 *     (wall-clock) interval, and again only when the run-out day moved at least a day earlier or
 *     the budget changed
 */
public record ForecastSettings(Map<BudgetPeriod, Duration> windows, Map<BudgetPeriod, Duration> minHistory,
    Duration refireInterval) {
  public ForecastSettings {
    windows = new EnumMap<>(windows);
    minHistory = new EnumMap<>(minHistory);
  }

  /** One window and history for every period: for tests that look at one period. */
  public static ForecastSettings uniform(Duration window, Duration minHistory, Duration refireInterval) {
    Map<BudgetPeriod, Duration> windows = new EnumMap<>(BudgetPeriod.class);
    Map<BudgetPeriod, Duration> histories = new EnumMap<>(BudgetPeriod.class);
    for (BudgetPeriod period : BudgetPeriod.values()) {
      windows.put(period, window);
      histories.put(period, minHistory);
    }
    return new ForecastSettings(windows, histories, refireInterval);
  }

  public Duration window(BudgetPeriod period) {
    return windows.get(period);
  }

  public Duration minHistory(BudgetPeriod period) {
    return minHistory.get(period);
  }

  /** The longest window: how much per-hour spend a budget keeps. */
  public Duration longestWindow() {
    return windows.values().stream().max(Duration::compareTo).orElse(Duration.ofDays(7));
  }
}
