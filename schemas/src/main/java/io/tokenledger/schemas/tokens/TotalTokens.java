package io.tokenledger.schemas.tokens;

import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;

/**
 * All the tokens of an event or an aggregate: the buckets ({@link TokenKind}) are mutually
 * exclusive, so their sum counts every token once. The one place it is added up, so that no
 * figure leaves a bucket out.
 */
public final class TotalTokens {
  private TotalTokens() {
  }

  public static long of(UsageEvent e) {
    long total = 0;
    for (TokenKind kind : TokenKind.ALL) {
      total = Math.addExact(total, kind.of(e));
    }
    return total;
  }

  /** A priced event's: the same buckets, the event's fields as its producer sent them. */
  public static long of(PricedUsageEvent e) {
    long[] buckets = {e.getUncachedInputTokens(), e.getCacheReadTokens(), e.getCacheWriteTokens(),
        e.getCacheWrite1hTokens(), e.getOutputTokens(), e.getReasoningTokens(), e.getAudioInputTokens(),
        e.getAudioOutputTokens()};
    if (buckets.length != TokenKind.ALL.length) {
      throw new IllegalStateException("a token kind is missing from the priced event's total");
    }
    long total = 0;
    for (long bucket : buckets) {
      total = Math.addExact(total, bucket);
    }
    return total;
  }

  public static long of(UsageAggregate a) {
    long total = 0;
    for (TokenKind kind : TokenKind.ALL) {
      total = Math.addExact(total, kind.of(a));
    }
    return total;
  }
}
