package io.tokenledger.economics.report;

import java.math.BigDecimal;

/**
 * The mean quality score of n scored outcomes and its 95% interval, mean +/- z s / sqrt(n) with s
 * the sample standard deviation, computed exactly from the count, the sum and the sum of
 * squares, clamped to the 0-100 scale. Below two scores there is no spread, so no interval.
 */
public final class Means {
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private Means() {}

  /** A mean and its interval on the 0-100 scale; {@code low} and {@code high} null below two scores. */
  public record Mean(BigDecimal mean, BigDecimal low, BigDecimal high) {}

  /** Null without a score. */
  public static Mean of(long n, long sum, long squares) {
    if (n <= 0) {
      return null;
    }
    BigDecimal count = BigDecimal.valueOf(n);
    BigDecimal mean = BigDecimal.valueOf(sum).divide(count, Rates.EXACT);
    if (n < 2) {
      return new Mean(mean, null, null);
    }
    // (sum of squares - sum^2 / n) / (n - 1), exact in integers: (n * squares - sum^2) / (n (n - 1)).
    BigDecimal variance = BigDecimal.valueOf(n).multiply(BigDecimal.valueOf(squares))
        .subtract(BigDecimal.valueOf(sum).multiply(BigDecimal.valueOf(sum)))
        .divide(count.multiply(BigDecimal.valueOf(n - 1)), Rates.EXACT);
    BigDecimal half = Rates.Z.multiply(variance.max(BigDecimal.ZERO).divide(count, Rates.EXACT).sqrt(Rates.EXACT),
        Rates.EXACT);
    return new Mean(mean, mean.subtract(half).max(BigDecimal.ZERO), mean.add(half).min(HUNDRED));
  }

  /** A score on the 0-100 scale in basis points of it (87.25 is 8,725), rounded half-even once. */
  public static int basisPoints(BigDecimal score) {
    return score.movePointRight(2).setScale(0, java.math.RoundingMode.HALF_EVEN).intValueExact();
  }
}
