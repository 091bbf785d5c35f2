package io.tokenledger.alerting.anomaly;

import static io.tokenledger.schemas.config.ConfigValues.doubleValue;
import static io.tokenledger.schemas.config.ConfigValues.duration;
import static io.tokenledger.schemas.config.ConfigValues.longValue;

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
        duration(config, PREFIX + "warmup", Duration.ofMinutes(30)).toMinutes(),
        duration(config, PREFIX + "half-life", Duration.ofHours(1)),
        doubleValue(config, PREFIX + "z", 6.0),
        doubleValue(config, PREFIX + "min-ratio", 2.0),
        longValue(config, PREFIX + "cost-floor-nano-usd-per-minute", 50_000_000L),
        longValue(config, PREFIX + "request-floor-per-minute", 20),
        doubleValue(config, PREFIX + "tokens-per-request-growth", 0.5),
        longValue(config, PREFIX + "tokens-per-request-min-requests", 5),
        duration(config, PREFIX + "tokens-per-request-fast-half-life", Duration.ofMinutes(5)),
        duration(config, PREFIX + "tokens-per-request-slow-half-life", Duration.ofHours(6)),
        (int) longValue(config, PREFIX + "resolve-after-minutes", 2),
        duration(config, PREFIX + "new-model-after", Duration.ofHours(1)));
  }

  /** Per-minute EWMA weight for a half-life. */
  static double alpha(Duration halfLife) {
    double minutes = Math.max(1.0, halfLife.toMillis() / 60_000.0);
    return 1.0 - Math.pow(0.5, 1.0 / minutes);
  }
}
