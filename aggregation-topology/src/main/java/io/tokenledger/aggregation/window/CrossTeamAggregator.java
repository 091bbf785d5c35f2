package io.tokenledger.aggregation.window;

import io.tokenledger.platform.streams.ProcessorWithStores;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-model and per-workflow windows across all teams, built from the per-minute partial sums
 * that each usage partition's rollup sends (the only repartition in the topology; it carries one
 * record per model or workflow per minute per emit, not one per event). The windows are
 * {@link WindowSet}s, like every other aggregate.
 *
 * <p>A window is final, and gets its one final record, once every usage partition's progress
 * mark has passed its end: each mark follows its partition's partial sums in the same partition
 * of the partials topic, so by then every sum for the window has arrived. Marks live in a
 * changelogged store.
 */
public final class CrossTeamAggregator implements Processor<String, Partial, Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(CrossTeamAggregator.class);

  /**
   * @param sources the number of usage partitions, each of which sends progress marks
   */
  public record Settings(List<WindowSet.Spec> windows, String progressStore, int sources, Duration emitInterval) {}

  private final Settings settings;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, Long> progress;
  private final List<WindowSet<Totals>> windows = new ArrayList<>();
  private long[] marks;
  private long latestTimestamp;
  private long refusedPartials;

  /** The processor with the stores it owns: its windows' and its progress store. */
  public static ProcessorSupplier<String, Partial, Object, Object> supplier(Settings settings) {
    List<StoreBuilder<?>> stores = new ArrayList<>();
    settings.windows().forEach(spec -> stores.add(spec.storeBuilder(WindowSet.TOTALS)));
    stores.add(WindowSet.progressStore(settings.progressStore()));
    return ProcessorWithStores.of(() -> new CrossTeamAggregator(settings), stores);
  }

  public CrossTeamAggregator(Settings settings) {
    this.settings = settings;
  }

  /** Leaves each window set's windows not final for the next init on these stores (see {@link WindowSet#close}). */
  @Override
  public void close() {
    windows.forEach(WindowSet::close);
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    windows.clear(); // init runs again on the same instance when a task is revived (see RollupAggregator.init)
    latestTimestamp = 0;
    this.context = context;
    this.progress = context.getStateStore(settings.progressStore());
    for (WindowSet.Spec spec : settings.windows()) {
      WindowSet<Totals> set = WindowSet.of(spec);
      set.init(context, progress, () -> latestTimestamp);
      windows.add(set);
    }
    marks = new long[settings.sources()];
    for (int s = 0; s < marks.length; s++) {
      Long mark = progress.get("mark:" + s);
      marks[s] = mark == null ? -1L : mark;
    }
    // On the wall clock's grid, as the per-team rollup's emits are: one commit for all tasks of a thread.
    EmitGrid emits = new EmitGrid(settings.emitInterval().toMillis(), context.currentSystemTimeMs());
    Duration tick = EmitGrid.tick(settings.emitInterval().toMillis());
    ThreadCommit commit = new ThreadCommit(tick);
    context.schedule(tick, PunctuationType.WALL_CLOCK_TIME,
        now -> {
          if (emits.reached(now)) {
            windows.forEach(WindowSet::emitChanged);
            commit.emitted(emits.point());
          }
          if (commit.due(now)) {
            context.commit(); // one transaction per emit, as the per-team rollup does
          }
        });
  }

  @Override
  public void process(Record<String, Partial> record) {
    latestTimestamp = Math.max(latestTimestamp, record.timestamp());
    Partial partial = record.value();
    if (partial.kind() == Partial.Kind.PROGRESS) {
      onProgress(partial.source(), partial.through());
      return;
    }
    for (WindowSet<Totals> set : windows) {
      if (set.spec().scope() == partial.scope()
          && !WindowSet.addTotals(set, record.key(), partial.minuteStart(), partial.delta())) {
        // Not expected: marks are sent after the sums they cover. The final record stays the only one.
        refusedPartials++;
        log.error("A partial sum for {} {} at {} arrived after its {} window was final; the cross-team figures "
            + "miss it ({} such sums in this task); per-team aggregates and ledgers have it. Were usage partitions "
            + "added without resetting the aggregation application?", partial.scope(), record.key(),
            Instant.ofEpochMilli(partial.minuteStart()), set.spec().name(), refusedPartials);
      }
    }
  }

  private void onProgress(int source, long through) {
    if (source < 0 || source >= marks.length) {
      log.error("Progress mark from usage partition {}, but the topology was built for {} usage partitions; "
          + "cross-team windows will not close correctly. Reset the aggregation application after changing the "
          + "usage topic's partition count.", source, marks.length);
      return;
    }
    if (through <= marks[source]) {
      return;
    }
    marks[source] = through;
    progress.put("mark:" + source, through);
    long everywhere = Arrays.stream(marks).min().orElse(-1L);
    if (everywhere > 0) {
      windows.forEach(set -> set.finalizeThrough(everywhere));
    }
  }
}
