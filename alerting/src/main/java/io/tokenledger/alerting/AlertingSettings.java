package io.tokenledger.alerting;


import io.tokenledger.alerting.admission.AdmissionSettings;
import io.tokenledger.alerting.anomaly.AnomalySettings;
import io.tokenledger.alerting.forecast.ForecastSettings;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.config.ConfigDeclaration;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tunables of the alerting service, read from {@code tokenledger.alerting.*} keys.
 *
 * @param forecast how budgets are projected and how often a projection is announced
 * @param liveWithin forecasts and anomalies are announced only for usage within this of the wall
 *     clock: found while history is replayed (a backfill, a reset), they are not news; budget
 *     thresholds crossed are facts and always announced
 * @param statusInterval how often changed budget statuses and forecasts are evaluated and published
 * @param anomaly anomaly detection's tunables
 * @param admission admission's tunables (its own {@code tokenledger.admission.*} keys)
 * @param commitments when a commitment's shortfall is announced
 */
public record AlertingSettings(ForecastSettings forecast, Duration liveWithin, Duration statusInterval,
    AnomalySettings anomaly, AdmissionSettings admission,
    io.tokenledger.alerting.commitment.CommitmentWatchSettings commitments) {
  public static final String PREFIX = "tokenledger.alerting.";
  private static final Map<BudgetPeriod, Duration[]> FORECAST_DEFAULTS = Map.of(
      BudgetPeriod.DAY, new Duration[] {Duration.ofHours(1), Duration.ofMinutes(10)},
      BudgetPeriod.WEEK, new Duration[] {Duration.ofDays(1), Duration.ofHours(4)},
      BudgetPeriod.MONTH, new Duration[] {Duration.ofDays(7), Duration.ofDays(1)});

  public static final ConfigDeclaration CONFIG = declare();

  private static ConfigDeclaration declare() {
    ConfigDeclaration config = new ConfigDeclaration("the alerting");
    for (BudgetPeriod period : BudgetPeriod.values()) {
      String name = period.name().toLowerCase(Locale.ROOT);
      Duration[] defaults = FORECAST_DEFAULTS.get(period);
      config.duration(PREFIX + "forecast-window." + name, defaults[0], Duration.ofMinutes(1),
          "the recent spend a " + name + "ly budget's burn rate is measured over")
          .duration(PREFIX + "forecast-min-history." + name, defaults[1], Duration.ZERO,
              "how much spend history a " + name + "ly budget needs before it is projected");
    }
    return config
        .duration(PREFIX + "forecast-refire-interval", Duration.ofDays(1), Duration.ZERO,
            "a budget's 'projected to run out' is announced at most once in this interval (and again only when the "
                + "run-out day moves a day earlier or the budget changes)")
        .duration(PREFIX + "live-within", Duration.ofHours(1), Duration.ofMinutes(1),
            "forecasts and anomalies are announced only for usage within this of the wall clock (not while history "
                + "is replayed; budget thresholds always are)")
        .duration(PREFIX + "status-interval", Duration.ofSeconds(1), Duration.ofMillis(10),
            "how often changed budget statuses are published")
        .duration(PREFIX + "commitments.check-interval", Duration.ofMinutes(1), Duration.ofMillis(10),
            "how often every committed-spend agreement's running period is projected")
        .duration(PREFIX + "commitments.min-elapsed", Duration.ofDays(7), Duration.ZERO,
            "how far into a commitment's period before its pace is projected at all")
        .whole(PREFIX + "commitments.min-unused-percent", 5, 0, 100,
            "the least projected shortfall, in percent of a commitment's amount, worth an alert");
  }

  public static AlertingSettings defaults() {
    return from(Map.of());
  }

  public static AlertingSettings from(Map<String, ?> config) {
    Map<BudgetPeriod, Duration> windows = new EnumMap<>(BudgetPeriod.class);
    Map<BudgetPeriod, Duration> histories = new EnumMap<>(BudgetPeriod.class);
    for (BudgetPeriod period : BudgetPeriod.values()) {
      String name = period.name().toLowerCase(Locale.ROOT);
      windows.put(period, CONFIG.duration(config, PREFIX + "forecast-window." + name));
      histories.put(period, CONFIG.duration(config, PREFIX + "forecast-min-history." + name));
    }
    return new AlertingSettings(
        new ForecastSettings(windows, histories, CONFIG.duration(config, PREFIX + "forecast-refire-interval")),
        CONFIG.duration(config, PREFIX + "live-within"),
        CONFIG.duration(config, PREFIX + "status-interval"),
        AnomalySettings.from(config),
        AdmissionSettings.from(config),
        new io.tokenledger.alerting.commitment.CommitmentWatchSettings(
            CONFIG.duration(config, PREFIX + "commitments.check-interval"),
            CONFIG.duration(config, PREFIX + "commitments.min-elapsed"),
            (int) CONFIG.whole(config, PREFIX + "commitments.min-unused-percent")));
  }
}
