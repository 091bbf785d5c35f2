package io.tokenledger.aggregation.window;

import io.tokenledger.aggregation.pricing.PricedUsage;
import io.tokenledger.schemas.UsageAggregate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 * Every windowed aggregate of a team's usage, with one store update per event.
 *
 * <p>Each event updates only its finest window: (team, workflow, model) x 1 minute. Coarser
 * windows and dimensions (team x 1m/1h/1d, team/workflow/model x 1h/1d) are derived from the
 * finest ones: each emit interval, and before a minute window goes final, the part of its
 * totals not yet propagated is added to every derived window. So every derived window is
 * exactly the sum of its minutes, the per-event cost does not grow with the number of
 * aggregates, and because the propagated part lives in the changelogged store, a crash
 * neither loses nor repeats a propagation.
 *
 * <p>Outputs: live running totals of changed windows each emit interval; exactly one final
 * record per window once stream time passes its end plus grace; an event whose minute window
 * is already final goes to the late sink and counts in no window.
 *
 * <p>The period ledgers (team, and team/workflow/model, x 15-minute buckets) are never finalised: it receives what the
 * minutes propagate and, directly, every late event, so calendar periods in any time zone
 * (all offsets are multiples of 15 minutes) are exact sums of buckets, late usage included.
 * Stream time is the highest accepted event time of the task, kept in a store. A task that
 * has had no record for the idle-advance time moves its stream time to wall clock minus that
 * time, so a quiet partition still closes its windows (and does not hold back cross-team ones).
 *
 * <p>Cross-team figures: each propagation also adds its delta to per-(model, minute) and
 * per-(workflow, minute) partial sums, combined within the task and sent to the partials topic
 * with the task's progress mark after each emit or finalisation (see {@link CrossTeamAggregator}).
 */
public final class RollupAggregator implements Processor<String, PricedUsage, Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(RollupAggregator.class);
  private static final long MINUTE = Duration.ofMinutes(1).toMillis();
  private static final String STREAM_TIME = "stream-time";

  /** A window derived from the finest ones: its scope, size, store and sink. */
  public record Derived(String name, Scope scope, Duration size, String store, String sink) {}

  private record WindowKey(String key, long start) {}

  private final String fineStoreName;
  private final String fineSink;
  private final String progressStoreName;
  private final String lateSink;
  private final List<Derived> derived;
  private final List<Derived> ledgers;
  private final long graceMillis;
  private final Duration emitInterval;
  private final String partialsSink;
  private final long idleAdvanceMillis;

  private ProcessorContext<Object, Object> context;
  private WindowStore<String, FineTotals> fine;
  private final List<WindowStore<String, Totals>> coarse = new ArrayList<>();
  private final List<WindowStore<String, Totals>> ledgerStores = new ArrayList<>();
  private final List<Set<WindowKey>> changedLedgers = new ArrayList<>();
  private KeyValueStore<String, Long> progress;
  private long streamTime;
  private long fineNextToFinalize;
  private long[] coarseNextToFinalize;
  private final Set<WindowKey> changedFine = new LinkedHashSet<>();
  private final List<Set<WindowKey>> changedCoarse = new ArrayList<>();
  private final Map<PartialKey, Totals> pendingPartials = new LinkedHashMap<>();
  private long progressSent = -1;
  private long lastRecordWallClock;

  private record PartialKey(Scope scope, String key, long minuteStart) {}

  public RollupAggregator(String fineStoreName, String fineSink, String progressStoreName, String lateSink,
      List<Derived> derived, List<Derived> ledgers, Duration grace, Duration emitInterval, String partialsSink,
      Duration idleAdvance) {
    this.fineStoreName = fineStoreName;
    this.fineSink = fineSink;
    this.progressStoreName = progressStoreName;
    this.lateSink = lateSink;
    this.derived = List.copyOf(derived);
    this.ledgers = List.copyOf(ledgers);
    this.graceMillis = grace.toMillis();
    this.emitInterval = emitInterval;
    this.partialsSink = partialsSink;
    this.idleAdvanceMillis = idleAdvance.toMillis();
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.fine = context.getStateStore(fineStoreName);
    this.progress = context.getStateStore(progressStoreName);
    for (Derived ledger : ledgers) {
      ledgerStores.add(context.getStateStore(ledger.store()));
      changedLedgers.add(new LinkedHashSet<>());
    }
    coarseNextToFinalize = new long[derived.size()];
    for (int i = 0; i < derived.size(); i++) {
      coarse.add(context.getStateStore(derived.get(i).store()));
      changedCoarse.add(new LinkedHashSet<>());
      coarseNextToFinalize[i] = stored("next:" + derived.get(i).name(), 0L);
    }
    streamTime = stored(STREAM_TIME, Long.MIN_VALUE);
    fineNextToFinalize = stored("next:fine", 0L);
    markOpenWindowsChanged();
    lastRecordWallClock = context.currentSystemTimeMs();
    context.schedule(emitInterval, PunctuationType.WALL_CLOCK_TIME, this::onEmitInterval);
  }

  @Override
  public void process(Record<String, PricedUsage> record) {
    PricedUsage usage = record.value();
    long eventTime = record.timestamp();
    lastRecordWallClock = context.currentSystemTimeMs();
    long windowStart = Windows.start(eventTime, MINUTE);
    if (streamTime != Long.MIN_VALUE && windowStart + MINUTE + graceMillis <= streamTime) {
      log.info("Late usage event {} for team {} at {}: its minute window is final (stream time {}, grace {} ms); "
          + "sent to the late-usage topic", usage.event().getEventId(), record.key(), usage.event().getEventTime(),
          Instant.ofEpochMilli(streamTime), graceMillis);
      context.forward(new Record<Object, Object>(record.key(), usage.event(), eventTime, record.headers()), lateSink);
      Totals late = new Totals();
      late.add(usage);
      addTo(ledgers, ledgerStores, changedLedgers, Scope.TEAM_WORKFLOW_MODEL.key(usage), usage.event().getTeam(),
          windowStart, late);
      return;
    }
    String key = Scope.TEAM_WORKFLOW_MODEL.key(usage);
    FineTotals totals = fine.fetch(key, windowStart);
    if (totals == null) {
      totals = FineTotals.empty();
    }
    totals.current.add(usage);
    fine.put(key, totals, windowStart);
    changedFine.add(new WindowKey(key, windowStart));
    if (eventTime > streamTime) {
      streamTime = eventTime;
      progress.put(STREAM_TIME, streamTime);
      finalizeClosed();
    }
  }

  private void onEmitInterval(long now) {
    if (now - lastRecordWallClock >= idleAdvanceMillis && now - idleAdvanceMillis > streamTime) {
      streamTime = now - idleAdvanceMillis;
      progress.put(STREAM_TIME, streamTime);
      finalizeClosed();
    }
    emitChanged();
    sendPartials();
  }

  /** Partial sums first, then the progress mark: the mark promises those sums were sent. */
  private void sendPartials() {
    for (Map.Entry<PartialKey, Totals> entry : pendingPartials.entrySet()) {
      PartialKey key = entry.getKey();
      long timestamp = Math.min(key.minuteStart() + MINUTE - 1, streamTime);
      context.forward(new Record<Object, Object>(key.key(), Partial.delta(key.scope(), key.minuteStart(),
          entry.getValue()), timestamp), partialsSink);
    }
    pendingPartials.clear();
    if (progressSent != fineNextToFinalize) {
      Partial mark = Partial.progress(context.taskId().partition(), fineNextToFinalize);
      context.forward(new Record<Object, Object>("", mark, Math.max(0L, streamTime)), partialsSink);
      progressSent = fineNextToFinalize;
    }
  }

  /** Runs once per window boundary crossed, not per event. Minutes first: they feed the rest. */
  private void finalizeClosed() {
    long lastClosed = Windows.start(streamTime - MINUTE - graceMillis, MINUTE);
    if (lastClosed >= fineNextToFinalize) {
      for (KeyValue<Windowed<String>, FineTotals> window : WindowRanges.range(fine, fineNextToFinalize, lastClosed)) {
        long start = window.key.window().start();
        propagate(window.key.key(), start, window.value);
        changedFine.remove(new WindowKey(window.key.key(), start));
        forward(fineSink, Scope.TEAM_WORKFLOW_MODEL, window.key.key(), start, MINUTE, window.value.current, true);
      }
      fineNextToFinalize = lastClosed + MINUTE;
      progress.put("next:fine", fineNextToFinalize);
      sendPartials();
    }
    for (int i = 0; i < derived.size(); i++) {
      Derived d = derived.get(i);
      long size = d.size().toMillis();
      long lastClosedDerived = Windows.start(streamTime - size - graceMillis, size);
      if (lastClosedDerived >= coarseNextToFinalize[i]) {
        for (KeyValue<Windowed<String>, Totals> window : WindowRanges.range(coarse.get(i), coarseNextToFinalize[i], lastClosedDerived)) {
          long start = window.key.window().start();
          changedCoarse.get(i).remove(new WindowKey(window.key.key(), start));
          forward(d.sink(), d.scope(), window.key.key(), start, size, window.value, true);
        }
        coarseNextToFinalize[i] = lastClosedDerived + size;
        progress.put("next:" + d.name(), coarseNextToFinalize[i]);
      }
    }
  }

  /** Adds what a minute window has gained since its last propagation to every derived window. */
  private void propagate(String fineKey, long windowStart, FineTotals totals) {
    Totals delta = totals.current.minus(totals.propagated);
    if (delta.isZero()) {
      return;
    }
    String team = fineKey.substring(0, fineKey.indexOf('|'));
    addTo(derived, coarse, changedCoarse, fineKey, team, windowStart, delta);
    addTo(ledgers, ledgerStores, changedLedgers, fineKey, team, windowStart, delta);
    int workflowEnd = fineKey.indexOf('|', team.length() + 1);
    addPartial(Scope.WORKFLOW, fineKey.substring(team.length() + 1, workflowEnd), windowStart, delta);
    addPartial(Scope.MODEL, fineKey.substring(workflowEnd + 1), windowStart, delta);
    totals.propagated = totals.current.copy();
    fine.put(fineKey, totals, windowStart);
  }

  private void addPartial(Scope scope, String key, long minuteStart, Totals delta) {
    pendingPartials.computeIfAbsent(new PartialKey(scope, key, minuteStart), k -> new Totals()).add(delta);
  }

  /** Adds a delta of one minute to the window containing it in each of the given aggregates. */
  private static void addTo(List<Derived> windows, List<WindowStore<String, Totals>> stores,
      List<Set<WindowKey>> changed, String fineKey, String team, long minuteStart, Totals delta) {
    for (int i = 0; i < windows.size(); i++) {
      Derived w = windows.get(i);
      String key = w.scope() == Scope.TEAM ? team : fineKey;
      long start = Windows.start(minuteStart, w.size().toMillis());
      Totals sum = stores.get(i).fetch(key, start);
      if (sum == null) {
        sum = new Totals();
      }
      sum.add(delta);
      stores.get(i).put(key, sum, start);
      changed.get(i).add(new WindowKey(key, start));
    }
  }

  /** Publishes the live totals of every changed window of the given aggregates. */
  private void emit(List<Derived> windows, List<WindowStore<String, Totals>> stores, List<Set<WindowKey>> changed) {
    for (int i = 0; i < windows.size(); i++) {
      Derived w = windows.get(i);
      for (WindowKey key : changed.get(i)) {
        Totals totals = stores.get(i).fetch(key.key(), key.start());
        if (totals != null) {
          forward(w.sink(), w.scope(), key.key(), key.start(), w.size().toMillis(), totals, false);
        }
      }
      changed.get(i).clear();
    }
  }

  private void emitChanged() {
    for (WindowKey key : changedFine) {
      FineTotals totals = fine.fetch(key.key(), key.start());
      if (totals != null) {
        propagate(key.key(), key.start(), totals);
        forward(fineSink, Scope.TEAM_WORKFLOW_MODEL, key.key(), key.start(), MINUTE, totals.current, false);
      }
    }
    changedFine.clear();
    emit(derived, coarse, changedCoarse);
    emit(ledgers, ledgerStores, changedLedgers);
  }

  /**
   * After a restart (a crash included) the sets of changed windows are gone: re-publish every
   * window that is not final yet, and propagate what was not propagated, at the first emit.
   */
  private void markOpenWindowsChanged() {
    if (streamTime == Long.MIN_VALUE) {
      return;
    }
    for (KeyValue<Windowed<String>, FineTotals> window : WindowRanges.range(fine, fineNextToFinalize, streamTime)) {
      changedFine.add(new WindowKey(window.key.key(), window.key.window().start()));
    }
    for (int i = 0; i < derived.size(); i++) {
      for (KeyValue<Windowed<String>, Totals> window : WindowRanges.range(coarse.get(i), coarseNextToFinalize[i], streamTime)) {
        changedCoarse.get(i).add(new WindowKey(window.key.key(), window.key.window().start()));
      }
    }
  }

  /** Timestamped with the latest event time it can contain, never later than stream time. */
  private void forward(String sink, Scope scope, String key, long start, long size, Totals t, boolean isFinal) {
    UsageAggregate aggregate = WindowRanges.toAggregate(scope, key, start, size, t, isFinal);
    context.forward(new Record<Object, Object>(key, aggregate, Math.min(start + size - 1, streamTime)), sink);
  }

  private long stored(String key, long fallback) {
    Long value = progress.get(key);
    return value == null ? fallback : value;
  }
}
