package io.tokenledger.alerting.anomaly;

import io.tokenledger.schemas.AnomalyKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The detection rules for one series, without Kafka: fed the cumulative figures of the minute
 * in progress, it closes finished minutes into the baselines (absent minutes count as zero)
 * and says which anomalies start or end.
 *
 * <p>Burn rate and request rate are checked on the minute in progress, so a spike is seen
 * within the minute it starts in; a minute only grows, so a partial minute over the threshold
 * is a real crossing. While an anomaly is open its baseline learns the threshold, not the
 * spike: a runaway loop does not become the new normal within the hour, a lasting change
 * still does eventually. Tokens per request compare a fast average with a slow baseline at
 * each closed minute, because prompt bloat is a drift, not a spike.
 */
final class SeriesDetector {
  static final AnomalyKind[] KINDS = {
      AnomalyKind.BURN_RATE_SPIKE, AnomalyKind.REQUEST_RATE_SPIKE, AnomalyKind.TOKENS_PER_REQUEST_GROWTH};
  static final int COST = 0;
  static final int REQUESTS = 1;
  static final int TOKENS_PER_REQUEST = 2;
  static final long MINUTE = 60_000L;
  /** Beyond a day of silence more zeros change nothing that matters. */
  private static final int MAX_ZERO_FILL = 1440;

  /** An anomaly raised ({@code resolvedAt == NONE}) or resolved. */
  record Finding(int kind, OpenAnomaly anomaly, long observed, long resolvedAt) {
    boolean resolved() {
      return resolvedAt != SeriesState.NONE;
    }
  }

  private final AnomalySettings settings;
  private final double alpha;
  private final double fastAlpha;
  private final double slowAlpha;

  SeriesDetector(AnomalySettings settings) {
    this.settings = settings;
    this.alpha = AnomalySettings.alpha(settings.halfLife());
    this.fastAlpha = AnomalySettings.alpha(settings.fastHalfLife());
    this.slowAlpha = AnomalySettings.alpha(settings.slowHalfLife());
  }

  /**
   * The latest cumulative figures of one minute. Figures of a minute older than the one in
   * progress are ignored (the baseline has moved on; the spend itself is in the ledgers).
   */
  List<Finding> update(SeriesState s, long minute, long cost, long requests, long tokens, long eventTime) {
    List<Finding> findings = new ArrayList<>(0);
    if (s.minute != SeriesState.NONE && minute < s.minute) {
      return findings;
    }
    if (s.minute != SeriesState.NONE && minute > s.minute) {
      closeUpTo(s, minute, findings);
    }
    s.minute = minute;
    s.cost = Math.max(s.cost, cost);
    s.requests = Math.max(s.requests, requests);
    s.tokens = Math.max(s.tokens, tokens);
    checkRate(s, COST, s.costRate, s.cost, settings.costFloorNanoUsd(), eventTime, findings);
    checkRate(s, REQUESTS, s.requestRate, s.requests, settings.requestFloor(), eventTime, findings);
    return findings;
  }

  /** Closes the minute in progress and every silent minute before {@code minute} (as zeros). */
  void closeUpTo(SeriesState s, long minute, List<Finding> findings) {
    if (s.minute == SeriesState.NONE || minute <= s.minute) {
      return;
    }
    closeMinute(s, s.minute, s.cost, s.requests, s.tokens, findings);
    long silent = Math.min((minute - s.minute) / MINUTE - 1, MAX_ZERO_FILL);
    for (long i = 1; i <= silent; i++) {
      closeMinute(s, s.minute + i * MINUTE, 0, 0, 0, findings);
    }
    s.minute = minute;
    s.cost = 0;
    s.requests = 0;
    s.tokens = 0;
  }

  /** The value above which a rate counts as anomalous. */
  long threshold(Ewma baseline, long floor) {
    double mean = baseline.mean;
    double excess = Math.max(Math.max(settings.z() * baseline.sd(), (settings.minRatio() - 1) * mean), floor);
    return (long) Math.ceil(mean + excess);
  }

  long tokensPerRequestThreshold(SeriesState s) {
    return (long) Math.ceil(s.tokensPerRequestSlow.mean * (1 + settings.tokensPerRequestGrowth()));
  }

  private boolean warm(Ewma baseline) {
    return baseline.count >= settings.warmup();
  }

  private void checkRate(SeriesState s, int kind, Ewma baseline, long observed, long floor, long eventTime,
      List<Finding> findings) {
    OpenAnomaly open = s.open[kind];
    if (open != null) {
      open.peak = Math.max(open.peak, observed);
      return;
    }
    long threshold = threshold(baseline, floor);
    if (warm(baseline) && observed > threshold) {
      s.open[kind] = raise(s.minute, eventTime, Math.round(baseline.mean), threshold, observed, baseline.count);
      findings.add(new Finding(kind, s.open[kind], observed, SeriesState.NONE));
    }
  }

  private void closeMinute(SeriesState s, long minuteStart, long cost, long requests, long tokens,
      List<Finding> findings) {
    closeRate(s, COST, s.costRate, cost, settings.costFloorNanoUsd(), minuteStart, findings);
    closeRate(s, REQUESTS, s.requestRate, requests, settings.requestFloor(), minuteStart, findings);
    if (requests >= settings.tokensPerRequestMinRequests()) {
      closeTokensPerRequest(s, (double) tokens / requests, minuteStart, findings);
    }
  }

  private void closeRate(SeriesState s, int kind, Ewma baseline, long observed, long floor, long minuteStart,
      List<Finding> findings) {
    long threshold = threshold(baseline, floor);
    OpenAnomaly open = s.open[kind];
    if (open != null) {
      settle(s, kind, observed > threshold, observed, minuteStart, findings);
    }
    baseline.add(s.open[kind] != null ? Math.min(observed, threshold) : observed, alpha);
  }

  private void closeTokensPerRequest(SeriesState s, double perRequest, long minuteStart, List<Finding> findings) {
    s.tokensPerRequestFast.add(perRequest, fastAlpha);
    long threshold = tokensPerRequestThreshold(s);
    long recent = Math.round(s.tokensPerRequestFast.mean);
    boolean anomalous = warm(s.tokensPerRequestSlow) && recent > threshold;
    if (s.open[TOKENS_PER_REQUEST] != null) {
      settle(s, TOKENS_PER_REQUEST, anomalous, recent, minuteStart, findings);
    } else if (anomalous) {
      OpenAnomaly raised = raise(minuteStart, minuteStart + MINUTE - 1, Math.round(s.tokensPerRequestSlow.mean),
          threshold, recent, s.tokensPerRequestSlow.count);
      s.open[TOKENS_PER_REQUEST] = raised;
      findings.add(new Finding(TOKENS_PER_REQUEST, raised, recent, SeriesState.NONE));
    }
    s.tokensPerRequestSlow.add(s.open[TOKENS_PER_REQUEST] != null ? Math.min(perRequest, threshold) : perRequest,
        slowAlpha);
  }

  /** Counts normal minutes of an open anomaly and resolves it after enough in a row. */
  private void settle(SeriesState s, int kind, boolean anomalous, long observed, long minuteStart,
      List<Finding> findings) {
    OpenAnomaly open = s.open[kind];
    if (anomalous) {
      open.normalStreak = 0;
      open.peak = Math.max(open.peak, observed);
      return;
    }
    open.normalStreak++;
    if (open.normalStreak >= settings.resolveAfter()) {
      long normalSince = minuteStart - (open.normalStreak - 1) * MINUTE;
      findings.add(new Finding(kind, open, open.peak, normalSince));
      s.open[kind] = null;
    }
  }

  private static OpenAnomaly raise(long startedAt, long detectedAt, long expected, long threshold, long observed,
      long baselineMinutes) {
    OpenAnomaly o = new OpenAnomaly();
    o.startedAt = startedAt;
    o.detectedAt = detectedAt;
    o.expected = expected;
    o.threshold = threshold;
    o.peak = observed;
    o.baselineMinutes = baselineMinutes;
    return o;
  }
}
