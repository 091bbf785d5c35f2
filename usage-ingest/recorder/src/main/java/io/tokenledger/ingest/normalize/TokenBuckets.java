package io.tokenledger.ingest.normalize;

import io.tokenledger.schemas.UsageEvent;

/**
 * Token counts in tokenledger's mutually exclusive buckets: every token is in exactly one,
 * so pricing each bucket at its own price charges each token once.
 */
public record TokenBuckets(long uncachedInput, long cacheRead, long cacheWrite, long output, long reasoning) {
  public static final TokenBuckets ZERO = new TokenBuckets(0, 0, 0, 0, 0);

  public long total() {
    return uncachedInput + cacheRead + cacheWrite + output + reasoning;
  }

  /** Copies the buckets onto an event builder. */
  public UsageEvent.Builder applyTo(UsageEvent.Builder event) {
    return event.setUncachedInputTokens(uncachedInput).setCacheReadTokens(cacheRead)
        .setCacheWriteTokens(cacheWrite).setOutputTokens(output).setReasoningTokens(reasoning);
  }
}
