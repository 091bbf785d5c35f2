package io.tokenledger.alerting.forecast;

import java.math.BigInteger;

/**
 * Projects a period's end from the trailing burn rate, in exact integer arithmetic:
 * {@code projected = spend + trailing x (periodEnd - now) / elapsed}, and, when that passes the
 * limit, the moment the limit is reached: {@code now + (limit - spend) x elapsed / trailing}.
 *
 * @param spend period-to-date amount (nano-USD or tokens)
 * @param trailing amount spent over the trailing window
 * @param elapsedMillis length of the trailing window actually covered (warm-up shortens it)
 */
public record BurnRateForecast(long spend, long trailing, long elapsedMillis, long nowMillis, long periodEndMillis) {
  private static final long HOUR = 3_600_000L;

  public long projectedEndOfPeriod() {
    if (elapsedMillis <= 0 || trailing <= 0 || periodEndMillis <= nowMillis) {
      return spend;
    }
    BigInteger more = BigInteger.valueOf(trailing).multiply(BigInteger.valueOf(periodEndMillis - nowMillis))
        .divide(BigInteger.valueOf(elapsedMillis));
    return BigInteger.valueOf(spend).add(more).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
  }

  /** When the limit is projected to be reached before the period ends; -1 if it is not. */
  public long projectedBreachAt(long limit) {
    if (spend >= limit || projectedEndOfPeriod() < limit) {
      return -1;
    }
    long untilBreach = BigInteger.valueOf(limit - spend).multiply(BigInteger.valueOf(elapsedMillis))
        .divide(BigInteger.valueOf(trailing)).longValueExact();
    return nowMillis + untilBreach;
  }

  public long burnRatePerHour() {
    return elapsedMillis <= 0 ? 0 : BigInteger.valueOf(trailing).multiply(BigInteger.valueOf(HOUR))
        .divide(BigInteger.valueOf(elapsedMillis)).longValueExact();
  }
}
