package io.tokenledger.pricing;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;

/**
 * Exact cost of one event, or of a ledger bucket: the prices it pays ({@link PricedVersion})
 * times its tokens, in pico-USD, rounded once half-up to nano-USD ({@link Rates}). Aggregates
 * then sum these nano-USD integers exactly.
 */
public final class Cost {
  private Cost() {}

  /** @throws ArithmeticException if the cost does not fit in a long (absurd input) */
  public static long nanoUsd(UsageEvent event, PriceVersion price) {
    return PricedVersion.of(price).nanoUsd(event);
  }

  /**
   * A ledger bucket's tokens at a price's vector for the bucket's service tier, rounded half-up
   * once for the bucket (a re-rating: the bucket keeps its sums, not its events). Against
   * pricing each event and rounding each, it differs by at most half a nano-USD per event.
   */
  public static long bucketNanoUsd(UsageAggregate bucket, PriceVersion price) {
    return PricedVersion.of(price).bucketNanoUsd(bucket);
  }

  /** Every kind of input: the prompt size a long-context tier is about. */
  public static long totalInput(UsageEvent event) {
    return PricedVersion.totalInput(event);
  }
}
