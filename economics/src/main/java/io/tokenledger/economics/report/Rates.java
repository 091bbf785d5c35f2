package io.tokenledger.economics.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Rates and their 95% intervals, exact to 34 significant digits, rounded once where shown.
 * Wilson's score interval keeps its bounds inside [0, 1] and behaves at 0 and 100%, where the
 * textbook p +/- 1.96 sd does not.
 */
public final class Rates {
  static final MathContext EXACT = MathContext.DECIMAL128;
  /** The 97.5th percentile of the standard normal distribution. */
  static final BigDecimal Z = new BigDecimal("1.959963984540054");
  private static final BigDecimal Z2 = Z.multiply(Z, EXACT);
  private static final BigDecimal TWO = BigDecimal.valueOf(2);
  private static final BigDecimal FOUR = BigDecimal.valueOf(4);
  private static final BigDecimal BASIS_POINTS = BigDecimal.valueOf(10_000);

  private Rates() {}

  /** A rate and its 95% interval, each in [0, 1]. */
  public record Interval(BigDecimal rate, BigDecimal low, BigDecimal high) {}

  public static Interval wilson(long successes, long trials) {
    if (trials <= 0) {
      throw new IllegalArgumentException("no trials");
    }
    BigDecimal n = BigDecimal.valueOf(trials);
    BigDecimal p = BigDecimal.valueOf(successes).divide(n, EXACT);
    BigDecimal denominator = BigDecimal.ONE.add(Z2.divide(n, EXACT), EXACT);
    BigDecimal center = p.add(Z2.divide(TWO.multiply(n), EXACT), EXACT).divide(denominator, EXACT);
    BigDecimal spread = p.multiply(BigDecimal.ONE.subtract(p), EXACT).divide(n, EXACT)
        .add(Z2.divide(FOUR.multiply(n).multiply(n), EXACT), EXACT).sqrt(EXACT);
    BigDecimal half = Z.multiply(spread, EXACT).divide(denominator, EXACT);
    return new Interval(p, center.subtract(half, EXACT).max(BigDecimal.ZERO),
        center.add(half, EXACT).min(BigDecimal.ONE));
  }

  /**
   * Newcombe's interval for the difference of two independent rates, candidate minus current,
   * from their Wilson intervals.
   */
  public static Interval difference(Interval candidate, Interval current) {
    BigDecimal d = candidate.rate().subtract(current.rate(), EXACT);
    BigDecimal low = square(candidate.rate().subtract(candidate.low())).add(square(current.high().subtract(current.rate())))
        .sqrt(EXACT);
    BigDecimal high = square(candidate.high().subtract(candidate.rate())).add(square(current.rate().subtract(current.low())))
        .sqrt(EXACT);
    return new Interval(d, d.subtract(low, EXACT), d.add(high, EXACT));
  }

  /** A rate in [0, 1] (or a difference in [-1, 1]) in basis points, rounded half-even once. */
  public static int basisPoints(BigDecimal rate) {
    return rate.multiply(BASIS_POINTS).setScale(0, RoundingMode.HALF_EVEN).intValueExact();
  }

  /** An exact ratio of nano-USD amounts, rounded half-even to the nano-USD once. */
  public static long divide(BigDecimal numerator, BigDecimal denominator) {
    return numerator.divide(denominator, 0, RoundingMode.HALF_EVEN).longValueExact();
  }

  private static BigDecimal square(BigDecimal x) {
    return x.multiply(x, EXACT);
  }
}
