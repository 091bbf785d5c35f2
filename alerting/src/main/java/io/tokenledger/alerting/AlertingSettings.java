package io.tokenledger.alerting;

import static io.tokenledger.schemas.config.ConfigValues.duration;

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

  public static AlertingSettings defaults() {
    return from(Map.of());
  }

  public static AlertingSettings from(Map<String, ?> config) {
    return new AlertingSettings(
        duration(config, PREFIX + "forecast-window", Duration.ofHours(1)),
        duration(config, PREFIX + "forecast-min-history", Duration.ofMinutes(10)),
        duration(config, PREFIX + "status-interval", Duration.ofSeconds(1)),
        AnomalySettings.from(config));
  }
}
