package io.tokenledger.pricing.capacity;

import io.tokenledger.schemas.UsageAggregate;

/** A ledger bucket's tokens as a pool measures them: its buckets are exclusive, so they add up. */
final class Measure {
  private Measure() {}

  static long input(UsageAggregate b) {
    return b.getUncachedInputTokens() + b.getCacheReadTokens() + b.getCacheWriteTokens() + b.getAudioInputTokens();
  }

  static long output(UsageAggregate b) {
    return b.getOutputTokens() + b.getReasoningTokens() + b.getAudioOutputTokens();
  }

  static long tokens(UsageAggregate b) {
    return input(b) + output(b);
  }
}
