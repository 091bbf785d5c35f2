package io.tokenledger.aggregation.window;

import io.tokenledger.platform.streams.ObjectWindowStore;
import io.tokenledger.platform.streams.WindowSlot;
import io.tokenledger.schemas.UsageAggregate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * One aggregate: the windows of one scope and size, kept in one store and published to one
 * sink. What every aggregate of the topology needs is written here once, as Kafka Streams keeps
 * it once for its own windows: adding to a window, remembering which windows changed, live
 * running totals at each emit, exactly one final record per window, and recovery after a
 * restart.
 *
 * <p>Finalising: the owner says up to which time windows have ended ({@link #beginClosing});
 * from then on they take no more additions ({@link #add} refuses them), and {@link
 * #finalizeSome} gives each its one final record, a bounded number at a time, so that closing
 * ten thousand minute windows does not stall the thread for the live figures. How far the
 * closing has come (the next window start to finalise, how many of its windows are final, and
 * the closing's end) is kept in the owner's changelogged progress store in the same transaction
 * as the final records. {@link #finalizeThrough} does it all at once.
 *
 * <p>Restarts: the set of changed windows lives in memory. For an aggregate that finalises,
 * every window not final yet is marked changed again when the processor starts (the index its
 * last close left, else a scan from the next window to finalise), so whatever changed after the
 * last emit is published at the first
 * one. A ledger never finalises, so no range bounds what may have changed before a crash: it
 * publishes its changes before the processor call that made them returns ({@link
 * #publishIfNeverFinal}), in the same exactly-once transaction as the change.
 *
 * <p>Stores: each aggregate's store is an {@link ObjectWindowStore}, which holds the changed
 * values by reference and serialises them when Kafka Streams flushes it before a commit, so a
 * window changed by a thousand events between commits is encoded once. Every change is handed
 * to the store when it is made ({@code update}), so no commit, whoever starts it, can miss one.
 *
 * <p>Reads: an aggregate that finalises keeps the values of its open windows in memory as well
 * ({@code open}), the very objects it hands to the store, so the per-event update and the emits
 * do not look them up and decode them after a flush. Each init of the processor starts with an
 * empty map, refilled from the store. Ledgers, never final, would only grow it, so they read the
 * store (which answers a value it holds with that object).
 *
 * <p>Which windows to finalise comes from an index of the windows not final yet ({@code
 * notFinal}: starts to keys), filled when a window is created and, at init, from the file the
 * last clean close left ({@link NotFinalFile}) or else one scan of the store. A time range over a
 * window store cannot be asked instead: its keys are ordered by key first, so Kafka Streams reads
 * every window of every segment the range touches, and a segment of the minute windows holds days
 * of them: each minute's close would read them all (and the init's scan does, once).
 *
 * @param <V> what the store keeps per window
 */
public final class WindowSet<V> {
  /** How far past every possible window a scan for open windows reaches. */
  private static final long FOREVER = Long.MAX_VALUE / 2;
  /** Open windows kept in memory per aggregate and task: a few hundred bytes each, so tens of MiB at most. */
  static final int MAX_OPEN = 100_000;

  /**
   * An aggregate as this topology keeps it: how long its windows are retained, whether they are
   * finalised, and where its next window to finalise is kept ({@code progressKey}).
   */
  public record Spec(Aggregate aggregate, Duration retention, boolean finalizes, String progressKey) {
    /** An aggregate whose windows each get one final record. */
    public static Spec finalizing(Aggregate aggregate, Duration retention) {
      return new Spec(aggregate, retention, true, "next:" + aggregate.aggregateName());
    }

    /** A ledger: buckets that take late usage for as long as they are retained, never final. */
    public static Spec ledger(Aggregate aggregate, Duration retention) {
      return new Spec(aggregate, retention, false, "next:" + aggregate.aggregateName());
    }

    public String name() {
      return aggregate.aggregateName();
    }

    public Scope scope() {
      return aggregate.scope();
    }

    public Duration size() {
      return aggregate.size();
    }

    public String store() {
      return aggregate.store();
    }

    public String sink() {
      return aggregate.sink();
    }

    /** The aggregate's store, to be connected to the processor that owns it. */
    public <V> StoreBuilder<WindowStore<String, V>> storeBuilder(Values<V> values) {
      return ObjectWindowStore.builder(store(), retention, size(), values.serde());
    }

    long sizeMillis() {
      return size().toMillis();
    }
  }

  /**
   * The changelogged store in which an owner of window sets keeps each set's next window to
   * finalise (and its own marks), in the same transaction as the windows. In memory: a few keys
   * per set, restored whole at every start from a compacted changelog, where a RocksDB instance
   * per task would cost an open (or a creation, after a crash) at every start.
   */
  public static StoreBuilder<KeyValueStore<String, Long>> progressStore(String name) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.Long())
        .withCachingEnabled();
  }

  /** How a store's values are made, read and written. */
  public interface Values<V> {
    V empty();

    /** The figures a window publishes. */
    Totals totals(V value);

    Serde<V> serde();
  }

  /** Plain running totals. */
  public static final Values<Totals> TOTALS = new Values<>() {
    @Override
    public Totals empty() {
      return new Totals();
    }

    @Override
    public Totals totals(Totals value) {
      return value;
    }

    @Override
    public Serde<Totals> serde() {
      return Totals.serde();
    }
  };

  /**
   * Called before a window is published, live or final, with the value about to be published;
   * returns true when it changed the value, which is then written back to the store.
   */
  @FunctionalInterface
  public interface BeforePublish<V> {
    boolean apply(String key, long start, V value);
  }

  /**
   * A window kept in memory: its key, the store's handle on its value (the very object the store
   * holds for its next flush), and whether it is in {@code changed} already, so an event costs
   * one map lookup and an emit none.
   */
  private static final class OpenWindow<V> {
    final WindowSlot key;
    final ObjectWindowStore.Window<V> window;
    final V value;
    boolean changed;

    OpenWindow(WindowSlot key, V value) {
      this.key = key;
      this.window = new ObjectWindowStore.Window<>(key.key(), key.start(), value);
      this.value = value;
    }
  }

  private final Spec spec;
  private final Values<V> values;
  private final BeforePublish<V> beforePublish;
  /** The windows changed since the last emit, in the order they changed, with their window in memory if any. */
  private final Map<WindowSlot, OpenWindow<V>> changed = new LinkedHashMap<>();
  private final Map<WindowSlot, OpenWindow<V>> open = new HashMap<>();
  private final NavigableMap<Long, KeysOfStart> notFinal = new TreeMap<>();
  /** The same windows, to ask whether one is among them in a hash lookup (the sets above compare keys). */
  private final Set<WindowSlot> indexed = new java.util.HashSet<>();
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, Long> progress;
  private ObjectWindowStore<V> store;
  private LongSupplier clock;
  /** Every window starting before it is final. */
  private long nextToFinalize;
  /** Every window starting before it is final or closing: it takes no more additions. */
  private long closeTarget;
  /** How many windows starting at {@code nextToFinalize} are final already (a minute closed in part). */
  private long doneInFirst;
  /** This init's token, in the progress store from its first commit on (see {@link NotFinalFile}). */
  private long token;

  public WindowSet(Spec spec, Values<V> values, BeforePublish<V> beforePublish) {
    this.spec = spec;
    this.values = values;
    this.beforePublish = beforePublish;
  }

  public static WindowSet<Totals> of(Spec spec) {
    return new WindowSet<>(spec, TOTALS, (key, start, value) -> false);
  }

  /**
   * Opens the store and, for an aggregate that finalises, marks every window not final yet as
   * changed (see the class comment).
   *
   * @param clock the owner's time: published records are stamped with it, within their window
   */
  public void init(ProcessorContext<Object, Object> context, KeyValueStore<String, Long> progress, LongSupplier clock) {
    this.context = context;
    this.progress = progress;
    this.clock = clock;
    this.store = ObjectWindowStore.of(context, spec.store());
    Long next = progress.get(spec.progressKey());
    nextToFinalize = next == null ? 0L : next;
    Long target = progress.get(closingKey());
    closeTarget = target == null ? nextToFinalize : Math.max(target, nextToFinalize);
    Long done = progress.get(doneKey());
    doneInFirst = done == null ? 0 : done;
    if (spec.finalizes()) {
      // The token of the init these stores last committed under; this init's goes with its first commit.
      Long committedToken = progress.get(tokenKey());
      token = java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
      progress.put(tokenKey(), token);
      long fits = committedToken == null ? 0 : committedToken;
      if (!NotFinalFile.read(indexFile(), fits, nextToFinalize, doneInFirst, stored -> {
        changed.put(stored, null);
        indexNotFinal(stored);
      })) {
        try (KeyValueIterator<Windowed<String>, V> it = store.fetchAll(Instant.ofEpochMilli(nextToFinalize),
            Instant.ofEpochMilli(FOREVER))) {
          it.forEachRemaining(w -> {
            WindowSlot stored = new WindowSlot(w.key.key(), w.key.window().start());
            changed.put(stored, null);
            indexNotFinal(stored);
          });
        }
      }
      // The windows of a minute closed in part before a restart: the first ones, in key order, are final.
      KeysOfStart first = notFinal.get(nextToFinalize);
      for (long i = 0; first != null && i < doneInFirst && first.hasNext(); i++) {
        WindowSlot finalAlready = new WindowSlot(first.next(), nextToFinalize);
        changed.remove(finalAlready);
        indexed.remove(finalAlready);
      }
    }
  }

  /**
   * Leaves the windows not final in a file of the task's directory, so that the next init on
   * these stores reads them instead of scanning the store (see {@link NotFinalFile}). The owner
   * calls it from its processor's close.
   */
  public void close() {
    if (spec.finalizes() && context != null) {
      // Kafka Streams closes processors after a task's last commit: the file carries the token
      // this init committed, which the next init finds only if no other init committed since.
      NotFinalFile.write(indexFile(), token, nextToFinalize, doneInFirst, notFinal.entrySet().stream()
          .map(e -> Map.entry(e.getKey(), e.getValue().all())).toList());
    }
  }

  private String tokenKey() {
    return spec.progressKey() + ":token";
  }

  private java.nio.file.Path indexFile() {
    return context.stateDir().toPath().resolve(spec.store() + ".not-final");
  }

  private String closingKey() {
    return spec.progressKey() + ":closing";
  }

  private String doneKey() {
    return spec.progressKey() + ":done";
  }

  public Spec spec() {
    return spec;
  }

  /** The start of the window containing a time. */
  private long windowStart(long time) {
    return EpochWindows.start(time, spec.sizeMillis());
  }

  /** Whether the window containing this time has had its final record, or is being closed. */
  public boolean isFinal(long time) {
    return spec.finalizes() && windowStart(time) < closeTarget;
  }

  /** The start of the earliest window that may still change: every earlier one is final. */
  public long nextToFinalize() {
    return nextToFinalize;
  }

  /**
   * Changes the window of {@code key} containing {@code time}, and marks it changed.
   *
   * @return false, changing nothing, when that window is already final
   */
  public boolean add(String key, long time, Consumer<V> change) {
    if (isFinal(time)) {
      return false;
    }
    WindowSlot window = new WindowSlot(key, windowStart(time));
    OpenWindow<V> entry = open.get(window);
    // Every change goes to the store at once, by reference: the store serialises it when Kafka Streams flushes it.
    if (entry != null) {
      store.update(entry.window, change);
    } else {
      V value = mayBeStored(window) ? store.fetch(key, window.start()) : null;
      if (value == null) {
        value = values.empty();
        indexNotFinal(window); // a new window: the only time it is indexed
      }
      entry = keepOpen(window, value);
      if (entry != null) {
        store.update(entry.window, change);
      } else {
        store.update(key, window.start(), value, change);
      }
    }
    if (entry == null) {
      changed.putIfAbsent(window, null);
    } else if (!entry.changed) {
      entry.changed = true;
      changed.put(entry.key, entry); // a window marked changed before it was in memory keeps its place
    }
    return true;
  }

  /**
   * Whether a window not in memory may be in the store. For a set that finalises, only if it is
   * indexed: every window not final is (indexed when created, and at init from a scan), so the
   * first event of a series' new minute costs no store read (a RocksDB read of a missing key).
   */
  private boolean mayBeStored(WindowSlot window) {
    return !spec.finalizes() || indexed.contains(window);
  }

  /** Remembers a window that will need its final record (the store's order would not find it cheaply). */
  private void indexNotFinal(WindowSlot window) {
    if (spec.finalizes() && indexed.add(window)) {
      notFinal.computeIfAbsent(window.start(), s -> new KeysOfStart()).add(window.key());
    }
  }

  /**
   * The keys of one window start not final yet, in the order they close: key order. Kept as a
   * list and sorted once, when closing first reaches them (no window of a start is created once
   * its closing has begun), not inserted in order one by one: a sorted set of ten thousand keys
   * cost a cache miss per comparison, for every new window.
   */
  private static final class KeysOfStart {
    private final java.util.ArrayList<String> keys = new java.util.ArrayList<>();
    private boolean sorted = true;
    /** Keys before it have closed. */
    private int next;

    void add(String key) {
      if (sorted && !keys.isEmpty() && keys.get(keys.size() - 1).compareTo(key) > 0) {
        sorted = false;
      }
      keys.add(key);
    }

    boolean hasNext() {
      return next < keys.size();
    }

    /** Every key of the start, the final ones among them: what the store holds at that start. */
    java.util.List<String> all() {
      return keys;
    }

    String next() {
      if (!sorted) {
        keys.subList(next, keys.size()).sort(null);
        sorted = true;
      }
      return keys.get(next++);
    }
  }

  /**
   * A changed window: the one in memory, else read from the store (and kept, if there is room,
   * marked changed as it is); null if it has no value.
   */
  private Read<V> read(WindowSlot window, OpenWindow<V> known) {
    if (known != null) {
      return new Read<>(known, known.value);
    }
    OpenWindow<V> entry = open.get(window);
    if (entry != null) {
      entry.changed = true;
      return new Read<>(entry, entry.value);
    }
    V value = store.fetch(window.key(), window.start());
    if (value == null) {
      return null;
    }
    OpenWindow<V> kept = keepOpen(window, value);
    if (kept != null) {
      kept.changed = true;
    }
    return new Read<>(kept, value);
  }

  /** A window's value, and the window in memory that holds it when there is one. */
  private record Read<V>(OpenWindow<V> open, V value) {}

  /** Runs a before-publish step, handing a changed value to the store. */
  private void beforePublish(WindowSlot window, Read<V> read, BeforePublish<V> step) {
    if (read.open() != null) {
      store.updateIf(read.open().window, v -> step.apply(window.key(), window.start(), v));
    } else {
      store.updateIf(window.key(), window.start(), read.value(), v -> step.apply(window.key(), window.start(), v));
    }
  }

  /**
   * Keeps a window that is not in memory yet, unless {@link #MAX_OPEN} windows are (a very
   * large number of series): the rest are read from the store. Ledgers are never kept.
   */
  private OpenWindow<V> keepOpen(WindowSlot window, V value) {
    if (!spec.finalizes() || open.size() >= MAX_OPEN) {
      return null;
    }
    OpenWindow<V> entry = new OpenWindow<>(window, value);
    open.put(window, entry);
    return entry;
  }

  /** Adds totals (a delta of a finer window) to the window of {@code key} containing {@code time}. */
  public static boolean addTotals(WindowSet<Totals> set, String key, long time, Totals delta) {
    return set.add(key, time, sum -> sum.add(delta));
  }

  /** Publishes the running totals of every window changed since the last emit. */
  public void emitChanged() {
    for (Map.Entry<WindowSlot, OpenWindow<V>> window : changed.entrySet()) {
      Read<V> read = read(window.getKey(), window.getValue());
      if (read != null) {
        if (read.open() != null) {
          read.open().changed = false;
        }
        publish(window.getKey(), read, false);
      }
    }
    changed.clear();
  }

  /**
   * Runs {@code step} on every changed window without publishing it: they stay changed and are
   * published at the next {@link #emitChanged}. For windows that feed others (the minutes'
   * propagation) but publish less often; {@code step} may do part of what the before-publish
   * step does, which still runs before each publish.
   */
  public void refreshChanged(BeforePublish<V> step) {
    for (Map.Entry<WindowSlot, OpenWindow<V>> window : changed.entrySet()) {
      Read<V> read = read(window.getKey(), window.getValue());
      if (read != null) {
        if (read.open() != null && window.getValue() == null) {
          window.setValue(read.open()); // in memory from now on: the next emit does not look it up
        }
        beforePublish(window.getKey(), read, step);
      }
    }
  }

  /** A ledger publishes its changes before the call that made them returns (see the class comment). */
  public void publishIfNeverFinal() {
    if (!spec.finalizes() && !changed.isEmpty()) {
      emitChanged();
    }
  }

  /**
   * Publishes the one final record of every window that ends at or before {@code end}, at once.
   *
   * @return whether any window became final
   */
  public boolean finalizeThrough(long end) {
    long before = nextToFinalize;
    beginClosing(end);
    finalizeSome(Integer.MAX_VALUE);
    return nextToFinalize != before;
  }

  /**
   * Starts closing every window that ends at or before {@code end}: from now on none of them
   * takes additions ({@link #isFinal}), and {@link #finalizeSome} publishes their final records.
   *
   * @return whether more windows are closing than before
   */
  public boolean beginClosing(long end) {
    long size = spec.sizeMillis();
    long target = EpochWindows.start(end - size, size) + size;
    if (!spec.finalizes() || target <= closeTarget) {
      return false;
    }
    closeTarget = target;
    progress.put(closingKey(), closeTarget);
    return true;
  }

  /** Whether some windows are closing and not all of them have their final record yet. */
  public boolean closing() {
    return nextToFinalize < closeTarget;
  }

  /**
   * Publishes the final records of at most {@code max} closing windows, oldest first and in key
   * order within a window start, so that closing thousands of windows need not hold the stream
   * thread in one go. Which are final is stored with them (the next window start to finalise and
   * how many of its windows are final), so a restart neither repeats nor skips one.
   *
   * @return how many final records were published
   */
  public int finalizeSome(int max) {
    int published = 0;
    long size = spec.sizeMillis();
    long nextBefore = nextToFinalize;
    while (nextToFinalize < closeTarget && published < max) {
      Map.Entry<Long, KeysOfStart> first = notFinal.firstEntry();
      if (first == null || first.getKey() >= closeTarget) {
        advanceTo(closeTarget);
        break;
      }
      if (first.getKey() > nextToFinalize) {
        advanceTo(first.getKey()); // no windows between
      }
      KeysOfStart keys = first.getValue();
      while (keys.hasNext() && published < max) {
        WindowSlot key = new WindowSlot(keys.next(), first.getKey());
        indexed.remove(key);
        changed.remove(key);
        OpenWindow<V> inMemory = open.remove(key); // the same figures as the store's, already decoded
        V value = inMemory != null ? inMemory.value : store.fetch(key.key(), key.start());
        if (value != null) {
          publish(key, new Read<>(inMemory, value), true);
        }
        published++;
        doneInFirst++;
      }
      if (!keys.hasNext()) {
        notFinal.remove(first.getKey());
        advanceTo(first.getKey() + size);
      }
    }
    if (published > 0 || nextToFinalize != nextBefore) {
      progress.put(spec.progressKey(), nextToFinalize);
      progress.put(doneKey(), doneInFirst);
    }
    return published;
  }

  private void advanceTo(long next) {
    nextToFinalize = next;
    doneInFirst = 0;
  }

  private void publish(WindowSlot window, Read<V> read, boolean isFinal) {
    String key = window.key();
    long start = window.start();
    beforePublish(window, read, beforePublish);
    V value = read.value();
    long size = spec.sizeMillis();
    UsageAggregate aggregate = WindowRanges.toAggregate(spec.scope(), key, start, size, values.totals(value), isFinal);
    // Stamped with the latest time the window can hold, never later than the owner's clock.
    long timestamp = Math.min(start + size - 1, Math.max(clock.getAsLong(), start));
    context.forward(new Record<Object, Object>(key, aggregate, timestamp), spec.sink());
  }
}
