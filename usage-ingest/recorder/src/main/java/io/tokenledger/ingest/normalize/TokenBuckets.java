package io.tokenledger.ingest.normalize;

import io.tokenledger.schemas.UsageEvent;

/**
 * Token counts in tokenledger's mutually exclusive buckets ({@code TokenKind}): every token is
 * in exactly one, so pricing each bucket at its own price charges each token once.
 */
public record TokenBuckets(long uncachedInput, long cacheRead, long cacheWrite, long cacheWrite1h, long output,
    long reasoning, long audioInput, long audioOutput) {
  public static final TokenBuckets ZERO = new TokenBuckets(0, 0, 0, 0, 0);

  /** Text buckets only: no 1-hour cache writes, no audio. */
  public TokenBuckets(long uncachedInput, long cacheRead, long cacheWrite, long output, long reasoning) {
    this(uncachedInput, cacheRead, cacheWrite, 0, output, reasoning, 0, 0);
  }

  public long total() {
    return uncachedInput + cacheRead + cacheWrite + cacheWrite1h + output + reasoning + audioInput + audioOutput;
  }

  /** Copies the buckets onto an event builder. */
  public UsageEvent.Builder applyTo(UsageEvent.Builder event) {
    return event.setUncachedInputTokens(uncachedInput).setCacheReadTokens(cacheRead).setCacheWriteTokens(cacheWrite)
        .setCacheWrite1hTokens(cacheWrite1h).setOutputTokens(output).setReasoningTokens(reasoning)
        .setAudioInputTokens(audioInput).setAudioOutputTokens(audioOutput);
  }
}
