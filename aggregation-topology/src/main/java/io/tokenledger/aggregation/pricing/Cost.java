package io.tokenledger.aggregation.pricing;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;

/**
 * Exact cost of one event. Prices are micro-USD per million tokens, which is pico-USD per
 * token, so tokens x price is an exact integer in pico-USD; the event's total is rounded
 * once, half-up, to nano-USD. Aggregates then sum these nano-USD integers exactly.
 */
public final class Cost {
  private static final long PICO_PER_NANO = 1_000L;

  private Cost() {}

  /** @throws ArithmeticException if the cost does not fit in a long (absurd input) */
  public static long nanoUsd(UsageEvent event, PriceVersion price) {
    long pico = Math.multiplyExact(event.getUncachedInputTokens(), price.getUncachedInputMicroUsdPerMtok());
    pico = Math.addExact(pico, Math.multiplyExact(event.getCacheReadTokens(), price.getCacheReadMicroUsdPerMtok()));
    pico = Math.addExact(pico, Math.multiplyExact(event.getCacheWriteTokens(), price.getCacheWriteMicroUsdPerMtok()));
    pico = Math.addExact(pico, Math.multiplyExact(event.getOutputTokens(), price.getOutputMicroUsdPerMtok()));
    pico = Math.addExact(pico, Math.multiplyExact(event.getReasoningTokens(), price.getReasoningMicroUsdPerMtok()));
    return (pico + PICO_PER_NANO / 2) / PICO_PER_NANO;
  }
}
