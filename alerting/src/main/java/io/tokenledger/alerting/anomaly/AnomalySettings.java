package io.tokenledger.alerting.anomaly;


import io.tokenledger.schemas.config.ConfigDeclaration;
import java.time.Duration;
import java.util.Map;

/**
 * Tunables of anomaly detection, read from {@code tokenledger.alerting.anomaly.*} keys. A
 * minute counts as anomalous only when it is above the baseline by ALL of: {@code z} standard
 * deviations, {@code min-ratio} times the baseline, and the absolute floor of its measure;
 * so noise on a busy series, and any wobble on a quiet one, do not page.
 *
 * @param warmup minutes of history a baseline needs before it may raise anything
 * @param halfLife half-life of the burn-rate and request-rate baselines (EWMA)
 * @param z standard deviations above the mean
 * @param minRatio observed must be at least this multiple of the mean
 * @param costFloorNanoUsd absolute excess over the mean a burn-rate spike needs, nano-USD per minute
 * @param requestFloor absolute excess over the mean a request-rate spike needs, requests per minute
 * @param tokensPerRequestGrowth fraction by which recent tokens per request must exceed the slow baseline
 * @param tokensPerRequestMinRequests minutes with fewer requests say nothing about tokens per request
 * @param fastHalfLife half-life of the recent tokens-per-request average
 * @param slowHalfLife half-life of the slow tokens-per-request baseline
 * @param resolveAfter consecutive normal minutes before an anomaly is resolved
 * @param newModelAfter a team must have been seen this long before a new model is notable
 */
public record AnomalySettings(long warmup, Duration halfLife, double z, double minRatio, long costFloorNanoUsd,
    long requestFloor, double tokensPerRequestGrowth, long tokensPerRequestMinRequests, Duration fastHalfLife,
    Duration slowHalfLife, int resolveAfter, Duration newModelAfter) {
  public static final String PREFIX = "tokenledger.alerting.anomaly.";

  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("the alerting (anomalies)")
      .duration(PREFIX + "warmup", Duration.ofMinutes(30), Duration.ofMinutes(1),
          "how many minutes of a series are learned before it may be called anomalous")
      .duration(PREFIX + "half-life", Duration.ofHours(1), Duration.ofMinutes(1),
          "the half-life of a series' learned level and spread")
      .decimal(PREFIX + "z", 6.0, 0, Double.NaN, "how many learned deviations above normal a minute must be")
      .decimal(PREFIX + "min-ratio", 2.0, Double.NaN, 1, "how many times its normal level a minute must also be")
      .whole(PREFIX + "cost-floor-nano-usd-per-minute", 50_000_000L, 0, Long.MAX_VALUE,
          "spend per minute below which no cost anomaly is raised (nano-USD)")
      .whole(PREFIX + "request-floor-per-minute", 20, 0, Long.MAX_VALUE,
          "requests per minute below which no request anomaly is raised")
      .decimal(PREFIX + "tokens-per-request-growth", 0.5, 0, Double.NaN,
          "by how much (0.5 = 50%) tokens per request must grow against their slow average")
      .whole(PREFIX + "tokens-per-request-min-requests", 5, 1, Long.MAX_VALUE,
          "requests per minute a tokens-per-request comparison needs")
      .duration(PREFIX + "tokens-per-request-fast-half-life", Duration.ofMinutes(5), Duration.ofMinutes(1),
          "the half-life of the fast tokens-per-request average")
      .duration(PREFIX + "tokens-per-request-slow-half-life", Duration.ofHours(6), Duration.ofMinutes(1),
          "the half-life of the slow tokens-per-request average")
      .whole(PREFIX + "resolve-after-minutes", 2, 1, 1_440,
          "how many normal minutes in a row resolve an open anomaly")
      .duration(PREFIX + "new-model-after", Duration.ofHours(1), Duration.ZERO,
          "how long a team must have been seen before a model new to it is announced");

  public AnomalySettings {
    if (z <= 0 || minRatio < 1 || tokensPerRequestGrowth <= 0 || resolveAfter < 1 || warmup < 1) {
      throw new IllegalArgumentException("anomaly settings out of range: z > 0, min-ratio >= 1, "
          + "tokens-per-request-growth > 0, resolve-after >= 1 and warmup >= 1 minute are required");
    }
  }

  public static AnomalySettings defaults() {
    return from(Map.of());
  }

  public static AnomalySettings from(Map<String, ?> config) {
    return new AnomalySettings(
        CONFIG.duration(config, PREFIX + "warmup").toMinutes(),
        CONFIG.duration(config, PREFIX + "half-life"),
        CONFIG.decimal(config, PREFIX + "z"),
        CONFIG.decimal(config, PREFIX + "min-ratio"),
        CONFIG.whole(config, PREFIX + "cost-floor-nano-usd-per-minute"),
        CONFIG.whole(config, PREFIX + "request-floor-per-minute"),
        CONFIG.decimal(config, PREFIX + "tokens-per-request-growth"),
        CONFIG.whole(config, PREFIX + "tokens-per-request-min-requests"),
        CONFIG.duration(config, PREFIX + "tokens-per-request-fast-half-life"),
        CONFIG.duration(config, PREFIX + "tokens-per-request-slow-half-life"),
        (int) CONFIG.whole(config, PREFIX + "resolve-after-minutes"),
        CONFIG.duration(config, PREFIX + "new-model-after"));
  }

  /** Per-minute EWMA weight for a half-life. */
  static double alpha(Duration halfLife) {
    double minutes = Math.max(1.0, halfLife.toMillis() / 60_000.0);
    return 1.0 - Math.pow(0.5, 1.0 / minutes);
  }
}
