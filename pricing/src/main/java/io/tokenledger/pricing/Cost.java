package io.tokenledger.pricing;

import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;

/**
 * Exact cost of one event. Prices are micro-USD per million tokens, which is pico-USD per
 * token, so tokens x price is an exact integer in pico-USD; the event's total is rounded
 * once, half-up, to nano-USD. Aggregates then sum these nano-USD integers exactly. An event
 * whose total input is above a version's long-context threshold is priced, all of it, at the
 * tier's prices (as providers bill a long prompt).
 */
public final class Cost {
  private static final long PICO_PER_NANO = 1_000L;

  private Cost() {}

  /** @throws ArithmeticException if the cost does not fit in a long (absurd input) */
  public static long nanoUsd(UsageEvent event, PriceVersion price) {
    PriceTier tier = price.getLongContextTier();
    if (tier != null && totalInput(event) > tier.getAboveInputTokens()) {
      return nanoUsd(event, tier.getUncachedInputMicroUsdPerMtok(), tier.getCacheReadMicroUsdPerMtok(),
          tier.getCacheWriteMicroUsdPerMtok(), tier.getOutputMicroUsdPerMtok(), tier.getReasoningMicroUsdPerMtok());
    }
    return nanoUsd(event, price.getUncachedInputMicroUsdPerMtok(), price.getCacheReadMicroUsdPerMtok(),
        price.getCacheWriteMicroUsdPerMtok(), price.getOutputMicroUsdPerMtok(), price.getReasoningMicroUsdPerMtok());
  }

  /**
   * A ledger bucket's tokens at a price's base vector, rounded half-up once for the bucket (a
   * re-rating: the bucket keeps its sums, not its events). Against pricing each event and
   * rounding each, it differs by at most half a nano-USD per event in the bucket.
   */
  public static long bucketNanoUsd(UsageAggregate bucket, PriceVersion price) {
    return nanoUsd(bucket.getUncachedInputTokens(), bucket.getCacheReadTokens(), bucket.getCacheWriteTokens(),
        bucket.getOutputTokens(), bucket.getReasoningTokens(), price.getUncachedInputMicroUsdPerMtok(),
        price.getCacheReadMicroUsdPerMtok(), price.getCacheWriteMicroUsdPerMtok(), price.getOutputMicroUsdPerMtok(),
        price.getReasoningMicroUsdPerMtok());
  }

  /** Uncached, cache-read and cache-write input: the prompt size a long-context tier is about. */
  public static long totalInput(UsageEvent event) {
    return event.getUncachedInputTokens() + event.getCacheReadTokens() + event.getCacheWriteTokens();
  }

  private static long nanoUsd(UsageEvent event, long input, long cacheRead, long cacheWrite, long output,
      long reasoning) {
    return nanoUsd(event.getUncachedInputTokens(), event.getCacheReadTokens(), event.getCacheWriteTokens(),
        event.getOutputTokens(), event.getReasoningTokens(), input, cacheRead, cacheWrite, output, reasoning);
  }

  private static long nanoUsd(long uncachedTokens, long cacheReadTokens, long cacheWriteTokens, long outputTokens,
      long reasoningTokens, long input, long cacheRead, long cacheWrite, long output, long reasoning) {
    long pico = Math.multiplyExact(uncachedTokens, input);
    pico = Math.addExact(pico, Math.multiplyExact(cacheReadTokens, cacheRead));
    pico = Math.addExact(pico, Math.multiplyExact(cacheWriteTokens, cacheWrite));
    pico = Math.addExact(pico, Math.multiplyExact(outputTokens, output));
    pico = Math.addExact(pico, Math.multiplyExact(reasoningTokens, reasoning));
    return (pico + PICO_PER_NANO / 2) / PICO_PER_NANO;
  }
}
