package io.tokenledger.aggregation.window;

import io.tokenledger.aggregation.pricing.PricedUsage;
import io.tokenledger.schemas.UsageAggregate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling event-time windows per team, with three outputs:
 * <ul>
 *   <li>live: the running total of every window that changed, each emit interval;
 *   <li>final: exactly one record per window once stream time passes its end plus grace;
 *   <li>late: an event for a window that is already final goes to the late-usage sink,
 *       never silently dropped.
 * </ul>
 * Stream time is the highest accepted event time in this task, kept in a store so that the
 * late/final decisions are the same after a restart.
 */
public final class WindowedAggregator implements Processor<String, PricedUsage, Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(WindowedAggregator.class);
  private static final String STREAM_TIME = "stream-time";
  private static final String NEXT_TO_FINALIZE = "next-to-finalize";

  private final String windowStoreName;
  private final String progressStoreName;
  private final long sizeMillis;
  private final long graceMillis;
  private final Duration emitInterval;
  private final String aggregateChild;
  private final String lateChild;
  private final Set<WindowKey> changed = new LinkedHashSet<>();

  private ProcessorContext<Object, Object> context;
  private WindowStore<String, Totals> windows;
  private KeyValueStore<String, Long> progress;
  private long streamTime;
  private long nextToFinalize;

  private record WindowKey(String key, long start) {}

  public WindowedAggregator(String windowStoreName, String progressStoreName, Duration size, Duration grace,
      Duration emitInterval, String aggregateChild, String lateChild) {
    this.windowStoreName = windowStoreName;
    this.progressStoreName = progressStoreName;
    this.sizeMillis = size.toMillis();
    this.graceMillis = grace.toMillis();
    this.emitInterval = emitInterval;
    this.aggregateChild = aggregateChild;
    this.lateChild = lateChild;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.windows = context.getStateStore(windowStoreName);
    this.progress = context.getStateStore(progressStoreName);
    Long storedTime = progress.get(STREAM_TIME);
    Long storedNext = progress.get(NEXT_TO_FINALIZE);
    this.streamTime = storedTime == null ? Long.MIN_VALUE : storedTime;
    this.nextToFinalize = storedNext == null ? 0L : storedNext;
    markOpenWindowsChanged();
    context.schedule(emitInterval, PunctuationType.WALL_CLOCK_TIME, now -> emitChanged());
  }

  /**
   * After a restart (a crash included) the set of changed windows is gone: re-publish every
   * window that is not final yet, so live figures catch up at the first emit.
   */
  private void markOpenWindowsChanged() {
    if (streamTime == Long.MIN_VALUE) {
      return;
    }
    try (KeyValueIterator<Windowed<String>, Totals> open = windows.fetchAll(
        Instant.ofEpochMilli(nextToFinalize), Instant.ofEpochMilli(Math.max(nextToFinalize, streamTime)))) {
      while (open.hasNext()) {
        Windowed<String> key = open.next().key;
        changed.add(new WindowKey(key.key(), key.window().start()));
      }
    }
  }

  @Override
  public void process(Record<String, PricedUsage> record) {
    PricedUsage usage = record.value();
    long eventTime = record.timestamp();
    long windowStart = Windows.start(eventTime, sizeMillis);
    if (isClosed(windowStart)) {
      log.info("Late usage event {} for team {} at {}: its window closed (stream time {}, grace {} ms); "
          + "sent to the late-usage topic", usage.event().getEventId(), record.key(), usage.event().getEventTime(),
          Instant.ofEpochMilli(streamTime), graceMillis);
      context.forward(new Record<Object, Object>(record.key(), usage.event(), eventTime, record.headers()), lateChild);
      return;
    }
    Totals totals = windows.fetch(record.key(), windowStart);
    if (totals == null) {
      totals = new Totals();
    }
    totals.add(usage);
    windows.put(record.key(), totals, windowStart);
    changed.add(new WindowKey(record.key(), windowStart));
    if (eventTime > streamTime) {
      streamTime = eventTime;
      progress.put(STREAM_TIME, streamTime);
      finalizeClosed();
    }
  }

  private boolean isClosed(long windowStart) {
    return streamTime != Long.MIN_VALUE && windowStart + sizeMillis + graceMillis <= streamTime;
  }

  /** Runs once per window boundary crossed, not per event: the scan is over closed windows only. */
  private void finalizeClosed() {
    long lastClosedStart = Windows.start(streamTime - sizeMillis - graceMillis, sizeMillis);
    if (lastClosedStart < nextToFinalize) {
      return;
    }
    try (KeyValueIterator<Windowed<String>, Totals> closed = windows.fetchAll(
        Instant.ofEpochMilli(nextToFinalize), Instant.ofEpochMilli(lastClosedStart))) {
      while (closed.hasNext()) {
        KeyValue<Windowed<String>, Totals> window = closed.next();
        long start = window.key.window().start();
        changed.remove(new WindowKey(window.key.key(), start));
        forward(window.key.key(), start, window.value, true);
      }
    }
    nextToFinalize = lastClosedStart + sizeMillis;
    progress.put(NEXT_TO_FINALIZE, nextToFinalize);
  }

  private void emitChanged() {
    for (WindowKey key : changed) {
      Totals totals = windows.fetch(key.key(), key.start());
      if (totals != null) {
        forward(key.key(), key.start(), totals, false);
      }
    }
    changed.clear();
  }

  /** Timestamped with the latest event time it can contain, never later than stream time. */
  private void forward(String team, long windowStart, Totals totals, boolean isFinal) {
    UsageAggregate aggregate = aggregate(team, windowStart, windowStart + sizeMillis, totals, isFinal);
    long timestamp = Math.min(windowStart + sizeMillis - 1, streamTime);
    context.forward(new Record<Object, Object>(team, aggregate, timestamp), aggregateChild);
  }

  static UsageAggregate aggregate(String team, long start, long end, Totals t, boolean isFinal) {
    return UsageAggregate.newBuilder()
        .setScope(team).setTeam(team)
        .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(end))
        .setEventCount(t.events).setRequestCount(t.requests)
        .setUncachedInputTokens(t.uncachedInput).setCacheReadTokens(t.cacheRead).setCacheWriteTokens(t.cacheWrite)
        .setOutputTokens(t.output).setReasoningTokens(t.reasoning)
        .setCostNanoUsd(t.costNanoUsd).setUnpricedEventCount(t.unpricedEvents).setOutcomeUnits(t.outcomeUnits)
        .setIsFinal(isFinal)
        .build();
  }
}
