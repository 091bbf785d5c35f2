package io.tokenledger.alerting;


import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.alerting.anomaly.AnomalySettings;
import java.time.Duration;
import java.util.Map;

/**
 * Tunables of the alerting service, read from {@code tokenledger.alerting.*} keys.
 *
 * @param forecastWindow trailing window the burn rate is measured over
 * @param forecastMinHistory no forecast until the trailing window covers at least this much
 * @param statusInterval how often changed budget statuses and forecasts are evaluated and published
 * @param anomaly anomaly detection's tunables
 */
public record AlertingSettings(Duration forecastWindow, Duration forecastMinHistory, Duration statusInterval,
    AnomalySettings anomaly) {
  public static final String PREFIX = "tokenledger.alerting.";

  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("the alerting")
      .duration(PREFIX + "forecast-window", Duration.ofHours(1), Duration.ofMinutes(1),
          "the recent spend a budget's burn rate is measured over")
      .duration(PREFIX + "forecast-min-history", Duration.ofMinutes(10), Duration.ZERO,
          "how much of a period must have passed with spend before it is projected")
      .duration(PREFIX + "status-interval", Duration.ofSeconds(1), Duration.ofMillis(10),
          "how often changed budget statuses are published");

  public static AlertingSettings defaults() {
    return from(Map.of());
  }

  public static AlertingSettings from(Map<String, ?> config) {
    return new AlertingSettings(
        CONFIG.duration(config, PREFIX + "forecast-window"),
        CONFIG.duration(config, PREFIX + "forecast-min-history"),
        CONFIG.duration(config, PREFIX + "status-interval"),
        AnomalySettings.from(config));
  }
}
