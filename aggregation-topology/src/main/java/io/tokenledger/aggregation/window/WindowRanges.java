package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.UsageAggregate;
import java.time.Instant;

/** Turning a window into the record published for it. */
public final class WindowRanges {
  private WindowRanges() {}

  /** The published form of one window's totals. */
  public static UsageAggregate toAggregate(Scope scope, String key, long start, long size, Totals t, boolean isFinal) {
    UsageAggregate.Builder aggregate = UsageAggregate.newBuilder().setScope(key);
    scope.describe(key, aggregate);
    return aggregate.setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(start + size))
        .setEventCount(t.events).setRequestCount(t.requests)
        .setUncachedInputTokens(t.uncachedInput).setCacheReadTokens(t.cacheRead).setCacheWriteTokens(t.cacheWrite)
        .setOutputTokens(t.output).setReasoningTokens(t.reasoning).setCacheWrite1hTokens(t.cacheWrite1h)
        .setAudioInputTokens(t.audioInput).setAudioOutputTokens(t.audioOutput)
        .setCostNanoUsd(t.costNanoUsd).setUnpricedEventCount(t.unpricedEvents).setOutcomeUnits(t.outcomeUnits)
        .setIsFinal(isFinal)
        .build();
  }
}
