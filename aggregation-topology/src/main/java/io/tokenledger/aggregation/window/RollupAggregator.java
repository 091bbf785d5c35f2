package io.tokenledger.aggregation.window;

import io.tokenledger.aggregation.intake.UsageMeters;
import io.tokenledger.aggregation.pricing.PricedUsage;
import io.tokenledger.platform.streams.ProcessorWithStores;
import io.tokenledger.schemas.topics.SeriesKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Every windowed aggregate of a team's usage, with one store update per event. The windows
 * themselves (adding, live emits, one final record each, restarts) are {@link WindowSet}s;
 * this class decides what goes where.
 *
 * <p>Each event updates only its finest window: (team, workflow, model) x 1 minute. Coarser
 * windows and dimensions (team x 1m/1h/1d, team/workflow/model x 1h/1d) are derived from the
 * finest ones: the part of a minute's totals not yet propagated is added to every derived
 * window before the minute goes final, and in between at the cadence its figures are published
 * at: the team windows, the team ledger and the cross-team partial sums at every live emit, the
 * per-series windows and ledger at the detail interval (a per-series window changes with every
 * minute of its series, so bringing them up to date every second would write and publish about
 * one record per series per second that nobody reads sooner). So every derived window is
 * exactly the sum of its minutes, the per-event cost does not grow with the number of
 * aggregates, and because the propagated parts live in the changelogged store, a crash neither
 * loses nor repeats a propagation.
 *
 * <p>A window is final once stream time passes its end plus grace; an event whose minute is
 * already final goes to the late sink and counts in no window.
 *
 * <p>The period ledgers (team, and team/workflow/model, x 15-minute buckets) are never
 * finalised: they receive what the minutes propagate (the team ledger live, the per-series one
 * at the detail interval) and, directly and published at once, every late event, so
 * calendar periods in any time zone (all offsets are multiples of 15 minutes) are exact sums of
 * buckets, late usage included. Stream time is the highest accepted event time of the task,
 * kept in a store. A task that has had no record for the idle-advance time moves its stream
 * time to wall clock minus that time, so a quiet partition still closes its windows (and does
 * not hold back cross-team ones).
 *
 * <p>Price corrections ({@link LedgerCorrection}) change the period ledgers only, by their
 * difference, and are published at once, as late usage is.
 *
 * <p>Cross-team figures: each propagation also adds its delta to per-(model, minute) and
 * per-(workflow, minute) partial sums, combined within the task and sent to the partials topic
 * with the task's progress mark after each emit or finalisation (see {@link CrossTeamAggregator}).
 */
public final class RollupAggregator implements Processor<String, Object, Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(RollupAggregator.class);
  private static final long MINUTE = Duration.ofMinutes(1).toMillis();
  private static final String STREAM_TIME = "stream-time";
  /** Emits per live emit interval while a minute that just ended settles (see onTick). */
  private static final int SETTLING_EMITS = 4;
  /** Where the finest windows' next minute to finalise is kept (named before the engine existed). */
  public static final String FINE_PROGRESS_KEY = "next:fine";

  /**
   * What the rollup keeps and where it sends it.
   *
   * @param fine the finest windows (team/workflow/model x 1 minute); progress key {@link #FINE_PROGRESS_KEY}
   * @param derived windows summed from the finest ones, each finalised after grace
   * @param ledgers never-final buckets that also take late usage
   * @param grace how long after a window's end events are still added to it (stream time)
   * @param emitInterval how often changed windows are brought up to date and team figures published
   * @param seriesEmitInterval how often the per-series windows and ledger (those of {@link
   *     Scope#SERIES}) are brought up to date and publish their running totals; their final
   *     records, late usage and corrections are never delayed
   * @param idleAdvance after this long without a record, stream time moves to wall clock minus this
   * @param closeChunk how many minute windows are finalised at a time (per record, per emit) when
   *     a minute closes, so that the live figures are not held up by closing all of them at once
   */
  public record Settings(WindowSet.Spec fine, List<WindowSet.Spec> derived, List<WindowSet.Spec> ledgers,
      String progressStore, String lateSink, String partialsSink, Duration grace, Duration emitInterval,
      Duration seriesEmitInterval, Duration idleAdvance, int closeChunk) {}

  private record PartialKey(Scope scope, String key, long minuteStart) {
    // Written out, as WindowSet's window keys: the generated methods were not inlined.
    @Override
    public int hashCode() {
      return (31 * scope.hashCode() + key.hashCode()) * 31 + Long.hashCode(minuteStart);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof PartialKey partial && minuteStart == partial.minuteStart && scope == partial.scope
          && key.equals(partial.key);
    }
  }

  /**
   * Where a series' minutes propagate to, worked out once per series rather than per minute and
   * emit: its key in each of {@code liveSets} and {@code detailSets} (index for index) and its
   * cross-team partial keys. The same String instances every time, so the derived windows' map
   * lookups compare references, not characters.
   */
  private record Routes(SeriesKey series, String[] live, String[] detail, String workflow, String model) {}

  /** Series whose routes are kept; beyond it they are worked out again (the same figures). */
  private static final int MAX_ROUTES = 100_000;

  private final Settings settings;
  private final long graceMillis;
  private final long idleAdvanceMillis;

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, Long> progress;
  private WindowSet<FineTotals> fine;
  private final List<WindowSet<Totals>> derived = new ArrayList<>();
  private final List<WindowSet<Totals>> ledgers = new ArrayList<>();
  /** The derived windows and ledgers brought up to date at every live emit: all but the per-series ones. */
  private final List<WindowSet<Totals>> liveSets = new ArrayList<>();
  /** The per-series derived windows and ledger, brought up to date at the detail interval. */
  private final List<WindowSet<Totals>> detailSets = new ArrayList<>();
  private final Map<String, Routes> routes = new HashMap<>();
  private final Map<PartialKey, Totals> pendingPartials = new LinkedHashMap<>();
  private long streamTime;
  private long savedStreamTime;
  private long progressSent = -1;
  private long lastRecordWallClock;
  private long lastSeriesEmit;
  /** The regular emits: every interval, on the wall clock's grid (see {@link EmitGrid}). */
  private EmitGrid regularEmits;
  /** The settling emits: every {@link #SETTLING_EMITS}th of the interval, on the same grid. */
  private EmitGrid settlingEmits;
  /** Wall clock when stream time entered its current minute, live (not catching up). */
  private long minuteEntered;
  /** The settling emits' step: a {@link #SETTLING_EMITS}th of the live emit interval. */
  private final long settlingStep;
  /** How often the emit tick runs. */
  private final Duration tick;
  /** The commit after an emit, shared with the thread's other tasks. */
  private final ThreadCommit commit;

  /** The processor with the stores it owns: its windows' and its progress store. */
  public static ProcessorSupplier<String, Object, Object, Object> supplier(Settings settings) {
    List<StoreBuilder<?>> stores = new ArrayList<>();
    stores.add(settings.fine().storeBuilder(FineTotals.VALUES));
    settings.derived().forEach(spec -> stores.add(spec.storeBuilder(WindowSet.TOTALS)));
    settings.ledgers().forEach(spec -> stores.add(spec.storeBuilder(WindowSet.TOTALS)));
    stores.add(WindowSet.progressStore(settings.progressStore()));
    return ProcessorWithStores.of(() -> new RollupAggregator(settings), stores);
  }

  public RollupAggregator(Settings settings) {
    this.settings = settings;
    this.graceMillis = settings.grace().toMillis();
    this.idleAdvanceMillis = settings.idleAdvance().toMillis();
    this.settlingStep = Math.max(1, settings.emitInterval().toMillis() / SETTLING_EMITS);
    this.tick = EmitGrid.tick(settlingStep);
    this.commit = new ThreadCommit(tick);
  }

  /** Leaves each window set's windows not final for the next init on these stores (see {@link WindowSet#close}). */
  @Override
  public void close() {
    if (fine != null) {
      fine.close();
    }
    derived.forEach(WindowSet::close);
    ledgers.forEach(WindowSet::close);
  }

  /**
   * Starts from the stores alone. Kafka Streams calls this again on the same instance when it
   * revives a task after corruption (the stores rebuilt from their changelogs), so nothing kept
   * in memory from before may survive it: windows opened twice would count every delta twice.
   */
  @Override
  public void init(ProcessorContext<Object, Object> context) {
    derived.clear();
    ledgers.clear();
    liveSets.clear();
    detailSets.clear();
    routes.clear();
    pendingPartials.clear();
    progressSent = -1;
    this.context = context;
    this.progress = context.getStateStore(settings.progressStore());
    Long stored = progress.get(STREAM_TIME);
    streamTime = stored == null ? Long.MIN_VALUE : stored;
    savedStreamTime = streamTime;
    fine = new WindowSet<>(settings.fine(), FineTotals.VALUES, this::propagate);
    fine.init(context, progress, () -> streamTime);
    for (WindowSet.Spec spec : settings.derived()) {
      derived.add(opened(spec));
    }
    for (WindowSet.Spec spec : settings.ledgers()) {
      ledgers.add(opened(spec));
    }
    for (List<WindowSet<Totals>> sets : List.of(derived, ledgers)) {
      sets.forEach(set -> (set.spec().scope() == Scope.SERIES ? detailSets : liveSets).add(set));
    }
    lastRecordWallClock = context.currentSystemTimeMs();
    lastSeriesEmit = lastRecordWallClock;
    regularEmits = new EmitGrid(settings.emitInterval().toMillis(), lastRecordWallClock);
    settlingEmits = new EmitGrid(settlingStep, lastRecordWallClock);
    minuteEntered = Long.MIN_VALUE / 2;
    context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
  }

  private WindowSet<Totals> opened(WindowSet.Spec spec) {
    WindowSet<Totals> set = WindowSet.of(spec);
    set.init(context, progress, () -> streamTime);
    return set;
  }

  @Override
  public void process(Record<String, Object> record) {
    if (record.value() instanceof LedgerCorrection correction) {
      // A re-rating: the period ledgers only; published final aggregates are never rewritten.
      addToAll(ledgers, correction.series(), correction.bucketStart(), correction.totals());
      ledgers.forEach(WindowSet::publishIfNeverFinal);
      return;
    }
    PricedUsage usage = (PricedUsage) record.value();
    long eventTime = record.timestamp();
    lastRecordWallClock = context.currentSystemTimeMs();
    if (fine.isFinal(eventTime)) {
      SeriesKey series = new SeriesKey(usage.event().getTeam(), usage.event().getWorkflow(), usage.model());
      log.info("Late usage event {} for team {} at {}: its minute window is final (stream time {}, grace {} ms); "
          + "sent to the late-usage topic and counted in the period ledgers", usage.event().getEventId(),
          record.key(), usage.event().getEventTime(), Instant.ofEpochMilli(streamTime), graceMillis);
      context.forward(new Record<Object, Object>(record.key(), usage.event(), eventTime, record.headers()),
          settings.lateSink());
      UsageMeters.LATE.increment();
      Totals late = new Totals();
      late.add(usage);
      addToAll(ledgers, series, eventTime, late);
      ledgers.forEach(WindowSet::publishIfNeverFinal);
      closeSome(settings.closeChunk());
      return;
    }
    // The model's text is worked out once per model, not per event.
    String seriesKey = SeriesKey.text(usage.event().getTeam(), usage.event().getWorkflow(), usage.modelText());
    fine.add(seriesKey, eventTime, totals -> totals.current.add(usage));
    UsageMeters.COUNTED.increment();
    if (eventTime > streamTime) {
      long minute = EpochWindows.start(eventTime, MINUTE);
      if (minute > streamTime && lastRecordWallClock - minute < settings.emitInterval().toMillis()) {
        minuteEntered = lastRecordWallClock; // live, and the minute before settles now: see onTick
      }
      streamTime = eventTime; // stored at the next emit or window close, not per event (see saveStreamTime)
      finalizeClosed();
    } else {
      closeSome(settings.closeChunk()); // a minute boundary's windows, a chunk per event until done
    }
  }

  /**
   * Stores stream time. Not per event: it rises with nearly every event, and a stored value a
   * little behind is harmless, because which windows are final is kept exactly by the windows'
   * own progress; after a crash, windows close at the next event instead. Stored at each emit
   * (a commit is requested right after it) and whenever a window closes.
   */
  private void saveStreamTime() {
    if (streamTime != savedStreamTime) {
      progress.put(STREAM_TIME, streamTime);
      savedStreamTime = streamTime;
    }
  }

  /**
   * Emits every live emit interval, and every {@link #SETTLING_EMITS}th of it during the interval
   * after stream time enters a new minute. Then the minute that just ended takes its last
   * events still in flight, and each one would otherwise wait up to a whole interval before its
   * team's figures for that minute showed it: at a 1 s interval that wait was the p99 of the
   * live figures' freshness. Only live: a task catching up on a backlog enters minutes faster
   * than wall clock, and emitting four times as often would slow the catching up. A few extra
   * emits a minute cost little; ticks that emit nothing cost a clock read. Both cadences are on
   * the wall clock's grid, as every task's are, so the tasks of a thread share each commit.
   */
  private void onTick(long now) {
    boolean regular = regularEmits.reached(now);
    boolean settling = settlingEmits.reached(now) && now - minuteEntered < settings.emitInterval().toMillis();
    if (regular || settling) {
      onEmitInterval(now);
      commit.emitted((regular ? regularEmits : settlingEmits).point());
    }
    if (commit.due(now)) {
      context.commit(); // one transaction per emit: the live figures become visible now
    }
  }

  private void onEmitInterval(long now) {
    if (now - lastRecordWallClock >= idleAdvanceMillis && now - idleAdvanceMillis > streamTime) {
      streamTime = now - idleAdvanceMillis;
      finalizeClosed();
    }
    // Without records since the last emit nothing else is waiting: what is still closing closes now.
    closeSome(now - lastRecordWallClock >= settings.emitInterval().toMillis() ? Integer.MAX_VALUE
        : settings.closeChunk());
    boolean seriesDue = now - lastSeriesEmit >= settings.seriesEmitInterval().toMillis();
    if (seriesDue) {
      lastSeriesEmit = now;
    }
    // Minutes first: propagating them brings the aggregates published now up to date.
    if (seriesDue) {
      fine.emitChanged();
    } else {
      fine.refreshChanged(this::propagateLive);
    }
    for (WindowSet<Totals> set : derived) {
      if (seriesDue || set.spec().scope() != Scope.SERIES) {
        set.emitChanged(); // a per-series set between its emits keeps its changes for the next one
      }
    }
    ledgers.forEach(WindowSet::emitChanged);
    sendPartials();
    saveStreamTime(); // the commit is asked for a tick later, with every other task's (see ThreadCommit)
  }

  /**
   * Runs when stream time rises: the minutes that ended (plus grace) stop taking events, and a
   * first chunk of them is finalised (see {@link #closeSome}).
   */
  private void finalizeClosed() {
    if (fine.beginClosing(streamTime - graceMillis)) {
      saveStreamTime(); // the closing is stored with the stream time that started it
    }
    closeSome(settings.closeChunk());
  }

  /**
   * Finalises up to {@code windows} closing minute windows. Minutes first: they feed the rest, so
   * a coarser window closes only once every minute in it is final, and the partial sums and the
   * progress mark go out whenever a whole minute is done.
   */
  private void closeSome(int windows) {
    if (!fine.closing()) {
      return;
    }
    long before = fine.nextToFinalize();
    fine.finalizeSome(windows);
    if (fine.nextToFinalize() != before) {
      saveStreamTime();
      sendPartials();
      long finalThrough = fine.nextToFinalize();
      derived.forEach(d -> d.finalizeThrough(finalThrough));
    }
    ledgers.forEach(WindowSet::publishIfNeverFinal);
  }

  /** Partial sums first, then the progress mark: the mark promises those sums were sent. */
  private void sendPartials() {
    for (Map.Entry<PartialKey, Totals> entry : pendingPartials.entrySet()) {
      PartialKey key = entry.getKey();
      long timestamp = Math.min(key.minuteStart() + MINUTE - 1, streamTime);
      context.forward(new Record<Object, Object>(key.key(), Partial.delta(key.scope(), key.minuteStart(),
          entry.getValue()), timestamp), settings.partialsSink());
    }
    pendingPartials.clear();
    long through = fine.nextToFinalize();
    if (progressSent != through) {
      Partial mark = Partial.progress(context.taskId().partition(), through);
      context.forward(new Record<Object, Object>("", mark, Math.max(0L, streamTime)), settings.partialsSink());
      progressSent = through;
    }
  }

  /**
   * Before a minute window is published (at the detail interval, or as its final record): adds
   * what it has gained since its last propagations to every derived window, the ledgers and the
   * cross-team partial sums.
   */
  private boolean propagate(String fineKey, long minuteStart, FineTotals totals) {
    return propagate(fineKey, minuteStart, totals, true);
  }

  /** At a live emit between detail emits: the team windows, the team ledger and the partial sums only. */
  private boolean propagateLive(String fineKey, long minuteStart, FineTotals totals) {
    return propagate(fineKey, minuteStart, totals, false);
  }

  private boolean propagate(String fineKey, long minuteStart, FineTotals totals, boolean detail) {
    Totals live = totals.current.minus(totals.propagated);
    Totals perSeries = detail ? totals.current.minus(totals.propagatedDetail) : null;
    boolean liveDue = !live.isZero();
    boolean detailDue = perSeries != null && !perSeries.isZero();
    if (!liveDue && !detailDue) {
      return false;
    }
    Routes to = routes(fineKey);
    if (liveDue) {
      addToAll(liveSets, to.live(), to.series(), minuteStart, live);
      addPartial(Scope.WORKFLOW, to.workflow(), minuteStart, live);
      addPartial(Scope.MODEL, to.model(), minuteStart, live);
      totals.propagated = totals.current.copy();
    }
    if (detailDue) {
      addToAll(detailSets, to.detail(), to.series(), minuteStart, perSeries);
      totals.propagatedDetail = totals.current.copy();
    }
    return true;
  }

  private Routes routes(String fineKey) {
    Routes known = routes.get(fineKey);
    if (known != null) {
      return known;
    }
    if (routes.size() >= MAX_ROUTES) {
      routes.clear();
    }
    SeriesKey series = SeriesKey.parse(fineKey);
    Routes worked = new Routes(series, keysOf(liveSets, series), keysOf(detailSets, series), series.workflow(),
        series.providerModel().toString());
    routes.put(fineKey, worked);
    return worked;
  }

  private static String[] keysOf(List<WindowSet<Totals>> sets, SeriesKey series) {
    return sets.stream().map(set -> set.spec().scope().keyOf(series)).toArray(String[]::new);
  }

  private void addPartial(Scope scope, String key, long minuteStart, Totals delta) {
    pendingPartials.computeIfAbsent(new PartialKey(scope, key, minuteStart), k -> new Totals()).add(delta);
  }

  /** Adds a delta of one minute to the window containing it in each of the given aggregates. */
  private void addToAll(List<WindowSet<Totals>> sets, SeriesKey series, long minuteStart, Totals delta) {
    addToAll(sets, keysOf(sets, series), series, minuteStart, delta);
  }

  /** The same, with the series' key in each aggregate ({@code keys}, index for index with {@code sets}). */
  private void addToAll(List<WindowSet<Totals>> sets, String[] keys, SeriesKey series, long minuteStart,
      Totals delta) {
    for (int i = 0; i < keys.length; i++) {
      WindowSet<Totals> set = sets.get(i);
      if (!WindowSet.addTotals(set, keys[i], minuteStart, delta)) {
        // Cannot happen: a coarser window ends after every minute in it, so it is final only after them.
        log.error("A minute of {} at {} reached the final {} window; that window's record misses it",
            series, Instant.ofEpochMilli(minuteStart), set.spec().name());
      }
    }
  }
}
