package io.tokenledger.economics.baseline;

import io.tokenledger.schemas.HumanBaseline;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * What a person's work costs, from a baseline, computed exactly and rounded once (half-even,
 * to the nano-USD) where a figure is shown.
 */
public final class HumanCost {
  private static final BigInteger SECONDS_PER_HOUR = BigInteger.valueOf(3_600);
  private static final BigInteger BASIS_POINTS = BigInteger.valueOf(BaselineRules.BASIS_POINTS);

  private HumanCost() {}

  /**
   * Cost per successful unit = seconds per unit x cost per hour / 3,600 / success rate: a
   * person who succeeds 95% of the time spends 1/0.95 attempts per success.
   */
  public static long perSuccessfulUnitNanoUsd(HumanBaseline b) {
    BigInteger numerator = BigInteger.valueOf(b.getSecondsPerUnit())
        .multiply(BigInteger.valueOf(b.getLoadedCostNanoUsdPerHour())).multiply(BASIS_POINTS);
    BigInteger denominator = SECONDS_PER_HOUR.multiply(BigInteger.valueOf(b.getSuccessRateBasisPoints()));
    return new java.math.BigDecimal(numerator).divide(new java.math.BigDecimal(denominator), 0, RoundingMode.HALF_EVEN)
        .longValueExact();
  }
}
