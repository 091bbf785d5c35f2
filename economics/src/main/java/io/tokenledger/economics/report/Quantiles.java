package io.tokenledger.economics.report;

import io.tokenledger.economics.figures.Turnarounds;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A quantile of the turnarounds and its 95% interval, without assuming a distribution.
 * <ul>
 *   <li><b>Point</b>: the nearest-rank quantile, the value at rank {@code ceil(q n)} of the n
 *       sorted turnarounds (1-based).
 *   <li><b>Interval</b>: the values at ranks {@code floor(n q - z sqrt(n q (1 - q)))} and
 *       {@code ceil(n q + z sqrt(n q (1 - q)))}, clamped to 1 and n: the order statistics that
 *       hold the quantile with 95% probability, by the normal approximation to the binomial count
 *       of values below it.
 * </ul>
 * Values are the lower ends of their buckets ({@link Turnarounds}).
 */
public final class Quantiles {
  private Quantiles() {}

  /** A quantile and its interval, whole seconds. */
  public record Quantile(long value, long low, long high) {}

  /** Null without any turnaround. */
  public static Quantile of(Turnarounds turnarounds, BigDecimal q) {
    long n = turnarounds.total();
    if (n <= 0) {
      return null;
    }
    BigDecimal size = BigDecimal.valueOf(n);
    BigDecimal center = size.multiply(q, Rates.EXACT);
    BigDecimal spread = Rates.Z.multiply(center.multiply(BigDecimal.ONE.subtract(q), Rates.EXACT).sqrt(Rates.EXACT),
        Rates.EXACT);
    long rank = clamp(center.setScale(0, RoundingMode.CEILING).longValueExact(), n);
    long lowRank = clamp(center.subtract(spread).setScale(0, RoundingMode.FLOOR).longValueExact(), n);
    long highRank = clamp(center.add(spread).setScale(0, RoundingMode.CEILING).longValueExact(), n);
    return new Quantile(at(turnarounds, rank), at(turnarounds, lowRank), at(turnarounds, highRank));
  }

  private static long clamp(long rank, long n) {
    return Math.max(1, Math.min(n, rank));
  }

  /** The value at a 1-based rank. */
  private static long at(Turnarounds turnarounds, long rank) {
    long seen = 0;
    for (Map.Entry<Long, Long> bucket : turnarounds.counts().entrySet()) {
      seen += bucket.getValue();
      if (seen >= rank) {
        return bucket.getKey();
      }
    }
    throw new IllegalStateException("rank " + rank + " beyond " + seen + " turnarounds");
  }
}
