package io.tokenledger.schemas.tokens;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;

/**
 * All the tokens of an event or an aggregate: the five buckets are mutually exclusive, so their
 * sum counts every token once. The one place it is added up, so that no figure leaves a bucket out.
 */
public final class TotalTokens {
  private TotalTokens() {
  }

  public static long of(UsageEvent e) {
    return Math.addExact(Math.addExact(Math.addExact(e.getUncachedInputTokens(), e.getCacheReadTokens()),
        Math.addExact(e.getCacheWriteTokens(), e.getOutputTokens())), e.getReasoningTokens());
  }

  public static long of(UsageAggregate a) {
    return Math.addExact(Math.addExact(Math.addExact(a.getUncachedInputTokens(), a.getCacheReadTokens()),
        Math.addExact(a.getCacheWriteTokens(), a.getOutputTokens())), a.getReasoningTokens());
  }
}
