package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.UsageAggregate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-model and per-workflow windows across all teams, built from the per-minute partial sums
 * that each usage partition's rollup sends (the only repartition in the topology; it carries one
 * record per model or workflow per minute per emit, not one per event).
 *
 * <p>Live running totals go out each emit interval. A window is final, and gets its one final
 * record, once every usage partition's progress mark has passed its end: each mark follows its
 * partition's partial sums in the same partition of the partials topic, so by then every sum
 * for the window has arrived. Marks and what has been finalised live in a changelogged store.
 */
public final class CrossTeamAggregator implements Processor<String, Partial, Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(CrossTeamAggregator.class);

  private record WindowKey(String key, long start) {}

  private final List<RollupAggregator.Derived> windows;
  private final String progressStoreName;
  private final int sources;
  private final Duration emitInterval;

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, Long> progress;
  private final List<WindowStore<String, Totals>> stores = new ArrayList<>();
  private final List<Set<WindowKey>> changed = new ArrayList<>();
  private long[] nextToFinalize;
  private long[] marks;
  private long latestTimestamp;

  /** @param sources the number of usage partitions, each of which sends progress marks */
  public CrossTeamAggregator(List<RollupAggregator.Derived> windows, String progressStoreName, int sources,
      Duration emitInterval) {
    this.windows = List.copyOf(windows);
    this.progressStoreName = progressStoreName;
    this.sources = sources;
    this.emitInterval = emitInterval;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.progress = context.getStateStore(progressStoreName);
    nextToFinalize = new long[windows.size()];
    for (int i = 0; i < windows.size(); i++) {
      stores.add(context.getStateStore(windows.get(i).store()));
      changed.add(new LinkedHashSet<>());
      nextToFinalize[i] = stored("next:" + windows.get(i).name(), 0L);
      for (KeyValue<Windowed<String>, Totals> w : WindowRanges.range(stores.get(i), nextToFinalize[i], Long.MAX_VALUE / 2)) {
        changed.get(i).add(new WindowKey(w.key.key(), w.key.window().start()));
      }
    }
    marks = new long[sources];
    for (int s = 0; s < sources; s++) {
      marks[s] = stored("mark:" + s, -1L);
    }
    context.schedule(emitInterval, PunctuationType.WALL_CLOCK_TIME, now -> emitChanged());
  }

  @Override
  public void process(Record<String, Partial> record) {
    latestTimestamp = Math.max(latestTimestamp, record.timestamp());
    Partial partial = record.value();
    if (partial.kind() == Partial.Kind.PROGRESS) {
      onProgress(partial.source(), partial.through());
      return;
    }
    for (int i = 0; i < windows.size(); i++) {
      RollupAggregator.Derived w = windows.get(i);
      if (w.scope() != partial.scope()) {
        continue;
      }
      long start = Windows.start(partial.minuteStart(), w.size().toMillis());
      Totals sum = stores.get(i).fetch(record.key(), start);
      if (sum == null) {
        sum = new Totals();
      }
      sum.add(partial.delta());
      stores.get(i).put(record.key(), sum, start);
      if (start < nextToFinalize[i]) {
        // Not expected: marks are sent after the sums they cover. Count it and say so.
        log.warn("A partial sum for {} {} at {} arrived after its {} window was final; publishing a corrected "
            + "final record. Were usage partitions added without resetting the aggregation application?",
            w.scope(), record.key(), java.time.Instant.ofEpochMilli(partial.minuteStart()), w.name());
        forward(i, record.key(), start, sum, true);
      } else {
        changed.get(i).add(new WindowKey(record.key(), start));
      }
    }
  }

  private void onProgress(int source, long through) {
    if (source < 0 || source >= sources) {
      log.error("Progress mark from usage partition {}, but the topology was built for {} usage partitions; "
          + "cross-team windows will not close correctly. Reset the aggregation application after changing the "
          + "usage topic's partition count.", source, sources);
      return;
    }
    if (through <= marks[source]) {
      return;
    }
    marks[source] = through;
    progress.put("mark:" + source, through);
    long everywhere = Arrays.stream(marks).min().orElse(-1L);
    if (everywhere > 0) {
      finalizeBefore(everywhere);
    }
  }

  /** Publishes the final record of every window that ends at or before {@code end}. */
  private void finalizeBefore(long end) {
    for (int i = 0; i < windows.size(); i++) {
      long size = windows.get(i).size().toMillis();
      long lastClosed = Windows.start(end - size, size);
      if (lastClosed < nextToFinalize[i]) {
        continue;
      }
      for (KeyValue<Windowed<String>, Totals> w : WindowRanges.range(stores.get(i), nextToFinalize[i], lastClosed)) {
        long start = w.key.window().start();
        changed.get(i).remove(new WindowKey(w.key.key(), start));
        forward(i, w.key.key(), start, w.value, true);
      }
      nextToFinalize[i] = lastClosed + size;
      progress.put("next:" + windows.get(i).name(), nextToFinalize[i]);
    }
  }

  private void emitChanged() {
    for (int i = 0; i < windows.size(); i++) {
      for (WindowKey key : changed.get(i)) {
        Totals totals = stores.get(i).fetch(key.key(), key.start());
        if (totals != null) {
          forward(i, key.key(), key.start(), totals, false);
        }
      }
      changed.get(i).clear();
    }
  }

  private void forward(int window, String key, long start, Totals totals, boolean isFinal) {
    RollupAggregator.Derived w = windows.get(window);
    long size = w.size().toMillis();
    UsageAggregate aggregate = WindowRanges.toAggregate(w.scope(), key, start, size, totals, isFinal);
    long timestamp = Math.min(start + size - 1, Math.max(latestTimestamp, start));
    context.forward(new Record<Object, Object>(key, aggregate, timestamp), w.sink());
  }

  private long stored(String key, long fallback) {
    Long value = progress.get(key);
    return value == null ? fallback : value;
  }
}
