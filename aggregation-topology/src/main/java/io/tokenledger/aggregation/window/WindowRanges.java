package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.UsageAggregate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/** Reading windows out of a store and turning one into the published record. */
public final class WindowRanges {
  private WindowRanges() {}

  /** Windows starting in [from, to], read out before anything is written back to the store. */
  static <V> List<KeyValue<Windowed<String>, V>> range(WindowStore<String, V> store, long from, long to) {
    List<KeyValue<Windowed<String>, V>> windows = new ArrayList<>();
    if (to < from) {
      return windows;
    }
    try (KeyValueIterator<Windowed<String>, V> it = store.fetchAll(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to))) {
      it.forEachRemaining(windows::add);
    }
    return windows;
  }

  /** The published form of one window's totals. */
  public static UsageAggregate toAggregate(Scope scope, String key, long start, long size, Totals t, boolean isFinal) {
    UsageAggregate.Builder aggregate = UsageAggregate.newBuilder().setScope(key);
    scope.describe(key, aggregate);
    return aggregate.setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(start + size))
        .setEventCount(t.events).setRequestCount(t.requests)
        .setUncachedInputTokens(t.uncachedInput).setCacheReadTokens(t.cacheRead).setCacheWriteTokens(t.cacheWrite)
        .setOutputTokens(t.output).setReasoningTokens(t.reasoning)
        .setCostNanoUsd(t.costNanoUsd).setUnpricedEventCount(t.unpricedEvents).setOutcomeUnits(t.outcomeUnits)
        .setIsFinal(isFinal)
        .build();
  }
}
