package io.tokenledger.platform.streams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.TimeWindow;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorContextUtils;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.query.internals.InternalQueryResultUtil;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.apache.kafka.streams.state.internals.WindowStoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A window store that holds the objects its processor changes and serialises them only when
 * Kafka Streams flushes it. A {@code put} keeps a reference to the value; the value is written
 * to the store below (serialised, into RocksDB and the changelog) when the task flushes its
 * stores, which Kafka Streams does before every commit it makes, whoever asked for it (the
 * commit interval, a processor, a rebalance, another task under exactly-once, a clean close).
 * So every change is in the changelog before the transaction that commits the input it came
 * from, exactly as with a caching store, and a value changed a thousand times between commits
 * is serialised once, not a thousand times.
 *
 * <p>The rule for the processor: a value it has put is held by reference until the flush, so it
 * changes it through {@link #update} (under the store's lock), never behind the store's back.
 *
 * <p>Local writes: under exactly-once a flush sends the changelog records of the changed values
 * and keeps them held; RocksDB gets a value in one batch once it has been quiet for a while (a
 * minute window changed every second is written once, not sixty times), at a checkpoint, or
 * when Kafka Streams commits the store (see {@code logChanged}); only values of earlier flushes,
 * whose transactions have committed. Under at-least-once a flush writes them at once.
 *
 * <p>Reads: the stream thread reads the held objects themselves; any other thread (interactive
 * queries) reads copies taken under the lock, merged with what the store below holds, so a
 * query never sees a value half changed.
 *
 * <p>Crashes: under exactly-once the store is kept across a crash ({@link StoreOffsetsFile}).
 * Every checkpoint interval it writes the held values that have not changed since they were
 * logged, makes RocksDB's writes durable and records the changelog offset up to which RocksDB
 * holds every committed value; after a crash Kafka Streams restores from there. The held values
 * are gone with the transaction that did not commit, as a cache's are.
 *
 * @param <V> the value of a window
 */
public final class ObjectWindowStore<V> extends WrappedStateStore<WindowStore<String, V>, String, V>
    implements WindowStore<String, V> {
  /**
   * A held value: the record context of its latest change (its changelog record carries that
   * timestamp), whether it changed since its changelog record was last sent, and the flush that
   * sent it (-1: never, or let go).
   */
  private static final class Held<V> {
    final WindowSlot slot;
    V value;
    ProcessorRecordContext changedBy;
    boolean changed;
    long loggedAt = -1;
    /**
     * The changelog offset its latest record came after (the store's records were in the
     * changelog up to it when that flush began); -1 when not known.
     */
    long loggedFrom = -1;
    /** The key Kafka Streams' window stores keep it under, made at its first flush: it is logged at every flush it changed in. */
    private Bytes storeKey;

    Held(WindowSlot slot, V value, ProcessorRecordContext changedBy) {
      this.slot = slot;
      this.value = value;
      this.changedBy = changedBy;
    }

    /** Its key, sequence number 0 (keys of one window never repeat here). */
    Bytes storeKey() {
      if (storeKey == null) {
        storeKey = WindowKeySchema.toStoreKeyBinary(Bytes.wrap(slot.key().getBytes(StandardCharsets.UTF_8)),
            slot.start(), 0);
      }
      return storeKey;
    }
  }

  /** How a flush writes the held values to the stores below. */
  enum Below {
    /** Through the typed store's {@code put}, one value at a time (layers not known to this store). */
    PUT,
    /**
     * Kafka Streams' metered and change-logging layers over a store of bytes: each value's
     * changelog record is sent as the logging layer would, and the bytes store takes them all in
     * one batch (its restore's write: one RocksDB write batch per segment).
     */
    LOGGED_BATCH,
    /** The same without a changelog. */
    BATCH
  }

  /**
   * Flushes a logged value stays out of RocksDB while it keeps changing: a minute window changed
   * every second is written locally once, after it went quiet, not sixty times (Kafka Streams
   * flushes before each commit, about once a second here).
   */
  static final int QUIET_FLUSHES = 30;
  /**
   * Values held at most per store; beyond it the longest-logged are written. Most are the
   * windows their processor keeps in memory anyway, so holding them costs a map entry each.
   */
  static final int MAX_HELD = 100_000;

  private final Serde<V> serde;
  private final long windowSize;
  private final Below below;
  /** Every value changed and not yet in the store below: changed since the last flush, or logged and not quiet yet. */
  private final Map<WindowSlot, Held<V>> held = new HashMap<>();
  /** The values changed since the last flush, each once. */
  private List<Held<V>> changed = new ArrayList<>();
  /** The values each of the latest flushes logged, oldest flush first (one list per flush). */
  private final ArrayDeque<List<Held<V>>> loggedByFlush = new ArrayDeque<>();
  private long flushes;
  /**
   * Whether RocksDB may lag the changelog until the store is committed: under exactly-once,
   * where Kafka Streams commits a store only before it records its changelog offset. Under
   * at-least-once it commits the stores after every flush, so a flush writes RocksDB too.
   */
  private boolean deferLocal;
  private final LocalWrites localWrites = new LocalWrites();
  private final StoreOffsetsFile offsetsFile;
  private final Checkpoints checkpoints;
  /**
   * Whether the local store survives a crash (see {@link StoreOffsetsFile}): under exactly-once,
   * where it only ever gets committed values (written flushes after they were logged), and
   * checkpoints say up to where it holds them all.
   */
  private boolean kept;
  /**
   * Whether nothing was logged since Kafka Streams last committed the store (or since it opened):
   * a close then is a clean one.
   */
  private boolean committedSinceFlush;
  private InternalProcessorContext<?, ?> context;
  private String changelogTopic;
  private volatile Thread owner;

  ObjectWindowStore(WindowStore<String, V> inner, Serde<V> serde, long windowSize, Below below) {
    super(inner);
    this.serde = serde;
    this.windowSize = windowSize;
    this.below = below;
    this.offsetsFile = new StoreOffsetsFile(inner.name());
    this.checkpoints = new Checkpoints(offsetsFile);
  }

  /**
   * A persistent, changelogged store of this kind, with Kafka Streams' window retention and
   * changelog settings (it is a window store to the topology builder), and no record cache below
   * it: it is its own cache.
   */
  public static <V> StoreBuilder<WindowStore<String, V>> builder(String name, Duration retention, Duration size,
      Serde<V> values) {
    return builder(Stores.persistentWindowStore(name, retention, size, false), values);
  }

  /**
   * How often a window changelog's segment rolls. The broker compacts only rolled segments, and
   * a window is written at each commit it changed in, so the segment not rolled yet is what a
   * restore reads update by update (with the broker's default of 1 GiB or 7 days, hours of
   * updates); with a minute, a restore reads about one record per window and the last minute's
   * updates.
   */
  static final Duration CHANGELOG_SEGMENT = Duration.ofMinutes(1);

  /** The same over another store of bytes (in memory, for instance). */
  public static <V> StoreBuilder<WindowStore<String, V>> builder(WindowBytesStoreSupplier bytes, Serde<V> values) {
    return new WindowStoreBuilder<String, V>(bytes, Serdes.String(), values, Time.SYSTEM) {
      @Override
      public WindowStore<String, V> build() {
        // Keys of one window never repeat here (no duplicates kept), so each is its store key with sequence number 0.
        Below below = bytes.retainDuplicates() ? Below.PUT : loggingEnabled() ? Below.LOGGED_BATCH : Below.BATCH;
        return new ObjectWindowStore<>(super.build(), values, bytes.windowSize(), below);
      }

      @Override
      public StoreBuilder<WindowStore<String, V>> withCachingEnabled() {
        return this; // the held objects are the cache; a byte cache below them would be a second copy
      }
    }.withLoggingEnabled(Map.of(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(CHANGELOG_SEGMENT.toMillis())));
  }

  /** This layer over a typed window store of windows {@code windowSize} ms long. */
  public static <V> ObjectWindowStore<V> over(WindowStore<String, V> typed, Serde<V> values, long windowSize) {
    return new ObjectWindowStore<>(typed, values, windowSize, Below.PUT);
  }

  /** The store of this kind connected to a processor (Kafka Streams hands processors a wrapper around it). */
  @SuppressWarnings("unchecked")
  public static <V> ObjectWindowStore<V> of(ProcessorContext<?, ?> context, String name) {
    StateStore store = context.getStateStore(name);
    while (!(store instanceof ObjectWindowStore) && store instanceof WrappedStateStore<?, ?, ?> wrapper) {
      store = wrapper.wrapped();
    }
    if (!(store instanceof ObjectWindowStore)) {
      throw new IllegalStateException("Store " + name + " is not an ObjectWindowStore: build it with "
          + "ObjectWindowStore.builder");
    }
    return (ObjectWindowStore<V>) store;
  }

  @Override
  public void init(StateStoreContext stateStoreContext, StateStore root) {
    context = ProcessorContextUtils.asInternalProcessorContext(stateStoreContext);
    owner = Thread.currentThread();
    synchronized (this) {
      releaseAll();
    }
    changelogTopic = ProcessorContextUtils.changelogFor(stateStoreContext, name(), Boolean.FALSE);
    deferLocal = StreamsConfig.EXACTLY_ONCE_V2.equals(
        stateStoreContext.appConfigs().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    kept = deferLocal && below != Below.PUT;
    committedSinceFlush = true;
    if (below == Below.PUT) {
      super.init(stateStoreContext, root);
    } else if (!offsetsFile.initFromFile(stateStoreContext, root, kept)) {
      wrapped().init(localWrites.capturing(context, root, UnaryOperator.identity(), kept), root);
      if (kept && !localWrites.batching()) {
        throw new IllegalStateException("Store " + name() + " is kept across crashes but its store below cannot "
            + "write in batches; build it with ObjectWindowStore.builder over a RocksDB window store");
      }
    }
    checkpoints.init(context, kept ? changelogTopic : null);
  }

  /**
   * The store below's offset, or "unknown" when it holds nothing (see {@link EmptyStoreOffsets}); in
   * Kafka Streams' start-up pass, and for a store kept across crashes, what its file says (its last
   * close, or its last checkpoint: see {@link StoreOffsetsFile}).
   */
  @Override
  public Long committedOffset(TopicPartition partition) {
    if (offsetsFile.fromFile()) {
      return offsetsFile.offset(partition);
    }
    if (kept) {
      // What Kafka Streams committed it with since it opened, else its checkpoint: not the offsets of
      // the RocksDB store below, which a crash may have left ahead of what it left durable.
      Long known = offsetsFile.known(partition);
      return known != null ? known : EmptyStoreOffsets.orUnknownWhenEmpty(null, wrapped());
    }
    return committedOffsetBelow(partition);
  }

  private Long committedOffsetBelow(TopicPartition partition) {
    return EmptyStoreOffsets.orUnknownWhenEmpty(super.committedOffset(partition), wrapped());
  }

  @Override
  public boolean isOpen() {
    return offsetsFile.fromFile() || super.isOpen();
  }

  /**
   * A window a processor keeps in memory across changes: its value, and whether the store holds
   * it for the next flush, so that a change to a window already held costs no map lookup.
   */
  public static final class Window<V> {
    private final WindowSlot slot;
    private final V value;
    private Held<V> held;

    public Window(String key, long start, V value) {
      this.slot = new WindowSlot(key, start);
      this.value = value;
    }

    public V value() {
      return value;
    }
  }

  /** Changes a window the processor keeps and holds it for the next flush. */
  public synchronized void update(Window<V> window, Consumer<V> change) {
    change.accept(window.value);
    hold(window);
  }

  /** Like {@link #update}, holding the window only when {@code change} says it changed it. */
  public synchronized boolean updateIf(Window<V> window, Predicate<V> change) {
    boolean changed = change.test(window.value);
    if (changed) {
      hold(window);
    }
    return changed;
  }

  private void hold(Window<V> window) {
    Held<V> entry = window.held;
    if (entry != null && entry.value == window.value) {
      entry.changedBy = context.recordContext(); // held already, this very object: nothing to look up
      markChanged(entry);
      return;
    }
    window.held = hold(window.slot.key(), window.slot.start(), window.value);
  }

  /** Changes a value read from this store (not kept by the processor) and holds it for the next flush. */
  public synchronized void update(String key, long windowStart, V value, Consumer<V> change) {
    change.accept(value);
    hold(key, windowStart, value);
  }

  /** Like {@link #update}, holding the value only when {@code change} says it changed it. */
  public synchronized boolean updateIf(String key, long windowStart, V value, Predicate<V> change) {
    boolean changed = change.test(value);
    if (changed) {
      hold(key, windowStart, value);
    }
    return changed;
  }

  @Override
  public synchronized void put(String key, V value, long windowStart) {
    Objects.requireNonNull(key, "key");
    hold(key, windowStart, value);
  }

  private Held<V> hold(String key, long windowStart, V value) {
    WindowSlot slot = new WindowSlot(key, windowStart);
    Held<V> entry = held.get(slot);
    if (entry == null) {
      entry = new Held<>(slot, value, context.recordContext());
      held.put(slot, entry);
    } else {
      entry.value = value;
      entry.changedBy = context.recordContext();
    }
    markChanged(entry);
    return entry;
  }

  private void markChanged(Held<V> entry) {
    if (!entry.changed) {
      entry.changed = true;
      changed.add(entry);
    }
  }

  /** How many values wait for the next flush. */
  public synchronized int heldCount() {
    return changed.size();
  }

  /** How many values are held in all: changed, or logged and not yet in the store below. */
  synchronized int heldInAll() {
    return held.size();
  }

  @Override
  public void flushCache() {
    if (below != Below.PUT && localWrites.batching()) {
      Long loggedUpTo = checkpoints.loggedUpTo();
      if (kept && checkpoints.due()) {
        checkpoint(loggedUpTo);
      }
      List<ConsumerRecord<byte[], byte[]>> records = logChanged(loggedUpTo);
      if (deferLocal) {
        writeBelow(quiet());
      } else {
        localWrites.write(records);
        List<Held<V>> written = loggedByFlush.pollLast();
        synchronized (this) {
          written.forEach(entry -> held.remove(entry.slot));
          written.forEach(ObjectWindowStore::release);
        }
      }
    } else if (!held.isEmpty()) {
      ProcessorRecordContext current = context.recordContext();
      try {
        List<WindowSlot> slots = new ArrayList<>(held.keySet());
        for (WindowSlot slot : slots) {
          // Written and released under the lock, so a query finds the value in one place or the other.
          synchronized (this) {
            Held<V> entry = held.remove(slot);
            V value = entry.value;
            release(entry);
            context.setRecordContext(entry.changedBy);
            wrapped().put(slot.key(), value, slot.start());
          }
        }
        changed.clear();
      } finally {
        context.setRecordContext(current);
      }
    }
    super.flushCache();
  }

  /**
   * At the start of a flush, every value logged so far is committed (under exactly-once a flush
   * comes after the commit of the one before; a commit that failed closes the task dirty, which
   * wipes its state). The logged values that have not changed since go to the local store now;
   * then it holds every committed value whose latest record came up to the oldest offset a held
   * value changed since it was logged came after (about a flush ago for a value that keeps
   * changing), or {@code loggedUpTo} when there is none: made durable, that is the checkpoint's
   * offset, and a restart after a crash restores about what the changelog got since.
   */
  private void checkpoint(Long loggedUpTo) {
    if (loggedUpTo == null) {
      return;
    }
    List<Held<V>> unchanged = new ArrayList<>();
    for (Held<V> entry : held.values()) {
      if (entry.loggedAt >= 0 && !entry.changed) {
        unchanged.add(entry);
      }
    }
    writeBelow(unchanged);
    long offset = loggedUpTo;
    for (Held<V> entry : held.values()) {
      if (entry.loggedAt >= 0) {
        if (entry.loggedFrom < 0) {
          return; // logged before this run knew its changelog's offset: no checkpoint until it is written
        }
        offset = Math.min(offset, entry.loggedFrom);
      }
    }
    checkpoints.write(wrapped(), offset);
  }

  /**
   * Sends the changelog record of every value changed since the last flush (what the logging
   * layer sends for a put: the store key, the value's bytes, the timestamp of its latest change),
   * in the transaction of the commit this flush precedes. The values stay held, as logged: RocksDB
   * gets them once quiet ({@link #quiet}), at a checkpoint, or at the store's {@link #commit}.
   * That is as safe as writing at once: after a crash the store restores from its checkpoint,
   * from which the changelog has every value RocksDB lacks; before Kafka Streams records a store's
   * changelog offset (a clean close, a suspension; without exactly-once, every commit) it commits
   * the store, which writes what is held. Only the stream thread changes a held value,
   * and it is here; a query copies under the lock, so values are serialised under it too.
   *
   * @return the bytes store's records of the values logged, when RocksDB does not lag (else none)
   */
  private List<ConsumerRecord<byte[], byte[]>> logChanged(Long loggedUpTo) {
    flushes++;
    List<Held<V>> logging = changed;
    changed = new ArrayList<>();
    if (!logging.isEmpty()) {
      committedSinceFlush = false;
    }
    ProcessorRecordContext current = context.recordContext();
    Position position = getPosition();
    String topic = topic();
    List<ConsumerRecord<byte[], byte[]>> records = deferLocal ? List.of() : new ArrayList<>(logging.size());
    Reached reached = new Reached();
    try {
      for (Held<V> entry : logging) {
        byte[] value;
        synchronized (this) {
          value = entry.value == null ? null : serde.serializer().serialize(topic, entry.value);
          entry.changed = false;
          entry.loggedAt = flushes;
          entry.loggedFrom = loggedUpTo == null ? -1 : loggedUpTo;
        }
        context.setRecordContext(entry.changedBy);
        reached.add(entry.changedBy);
        Bytes key = entry.storeKey();
        if (below == Below.LOGGED_BATCH) {
          context.logChange(name(), key, value, entry.changedBy.timestamp(), new RecordHeaders(), position);
        }
        if (!deferLocal) {
          records.add(new ConsumerRecord<>(topic, 0, 0L, key.get(), value));
        }
      }
    } finally {
      context.setRecordContext(current);
    }
    reached.moveTo(position);
    loggedByFlush.addLast(logging);
    return records;
  }

  /**
   * The newest input record per topic partition among the changes a flush logs: the store's
   * position moves once per flush as far as each value's put would have moved it (the position
   * rides in no changelog record here: Kafka Streams adds it only with IQ consistency on).
   */
  private static final class Reached {
    private final List<ProcessorRecordContext> newest = new ArrayList<>(2);

    void add(ProcessorRecordContext by) {
      if (by == null || by.topic() == null || by.offset() < 0) {
        return; // a punctuation's change: no input record, as the bytes store's put would skip it
      }
      for (int i = 0; i < newest.size(); i++) {
        ProcessorRecordContext seen = newest.get(i);
        if (seen.partition() == by.partition() && seen.topic().equals(by.topic())) {
          if (by.offset() > seen.offset()) {
            newest.set(i, by);
          }
          return;
        }
      }
      newest.add(by);
    }

    void moveTo(Position position) {
      synchronized (position) {
        newest.forEach(by -> position.withComponent(by.topic(), by.partition(), by.offset()));
      }
    }
  }

  /**
   * The held values whose latest changelog record is {@value #QUIET_FLUSHES} flushes old and that
   * have not changed since, and the longest-logged beyond {@value #MAX_HELD} values held, never
   * those of the flush just made: their transaction has not committed yet, and the local store
   * gets committed values only.
   */
  private List<Held<V>> quiet() {
    List<Held<V>> quiet = new ArrayList<>();
    while (!loggedByFlush.isEmpty()) {
      long flush = flushes - loggedByFlush.size() + 1;
      if (flush == flushes || flush > flushes - QUIET_FLUSHES && held.size() - quiet.size() <= MAX_HELD) {
        break;
      }
      for (Held<V> entry : loggedByFlush.pollFirst()) {
        if (entry.loggedAt == flush && !entry.changed) { // else logged again later, or changed since
          quiet.add(entry);
        }
      }
    }
    return quiet;
  }

  /**
   * Writes logged values into the bytes store in one batch (one RocksDB write batch per segment,
   * not a {@code put} each), and only then lets them go, under the lock, so a query finds each
   * value held or stored.
   */
  private void writeBelow(List<Held<V>> logged) {
    if (logged.isEmpty()) {
      return;
    }
    String topic = topic();
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(logged.size());
    for (Held<V> entry : logged) {
      byte[] value;
      synchronized (this) {
        value = entry.value == null ? null : serde.serializer().serialize(topic, entry.value);
      }
      records.add(new ConsumerRecord<>(topic, 0, 0L, entry.storeKey().get(), value));
    }
    localWrites.write(records);
    synchronized (this) {
      for (Held<V> entry : logged) {
        held.remove(entry.slot);
        release(entry);
      }
    }
  }

  /** Every logged value into the store below: Kafka Streams is about to record the store's changelog offset. */
  private void writeAllLogged() {
    if (below == Below.PUT || !localWrites.batching() || held.isEmpty()) {
      return;
    }
    List<Held<V>> logged = new ArrayList<>();
    synchronized (this) {
      held.values().forEach(entry -> {
        if (entry.loggedAt >= 0 && !entry.changed) {
          logged.add(entry);
        }
      });
    }
    writeBelow(logged);
  }

  /** A window that still points at a released value is held again at its next change. */
  private static <V> void release(Held<V> entry) {
    entry.value = null;
    entry.loggedAt = -1;
    entry.changed = false;
  }

  private String topic() {
    return changelogTopic != null ? changelogTopic : name();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    if (offsetsFile.fromFile()) {
      return;
    }
    offsetsFile.committed(changelogOffsets);
    writeAllLogged();
    super.commit(changelogOffsets);
    committedSinceFlush = true;
  }

  /**
   * Kafka Streams recycles the task (after a commit that committed the store, so what is logged
   * is written already; written here all the same, as at close); the store below is then written
   * directly (a standby's restore), so what is held would go stale.
   */
  @Override
  public void clearCache() {
    writeAllLogged();
    synchronized (this) {
      releaseAll();
    }
    super.clearCache();
  }

  /**
   * A clean close has committed the store already (nothing logged is left unwritten). After any
   * other, what is logged is not written: its transaction may not have committed, and the local
   * store gets committed values only (exactly-once wipes it then; if the process dies first, its
   * last checkpoint is still true).
   */
  @Override
  public void close() {
    if (offsetsFile.fromFile()) {
      offsetsFile.closing(this::committedOffsetBelow, true); // nothing was opened: the file stays
      return;
    }
    if (isOpen()) {
      offsetsFile.closing(this::committedOffsetBelow, committedSinceFlush || !deferLocal);
    }
    synchronized (this) {
      releaseAll();
    }
    super.close();
  }

  /** Forgets what is held (values of a transaction that will not commit, or stale before a restore). */
  private void releaseAll() {
    held.values().forEach(ObjectWindowStore::release);
    held.clear();
    changed = new ArrayList<>();
    loggedByFlush.clear();
  }

  private boolean onOwner() {
    return Thread.currentThread() == owner;
  }

  /** A held value as a reader may see it: itself on the stream thread, else a copy. */
  private V readable(V value) {
    if (value == null || onOwner()) {
      return value;
    }
    byte[] bytes = serde.serializer().serialize(name(), value);
    return serde.deserializer().deserialize(name(), bytes);
  }

  @Override
  public V fetch(String key, long time) {
    synchronized (this) {
      WindowSlot slot = new WindowSlot(key, time);
      Held<V> entry = held.get(slot);
      if (entry != null) {
        return readable(entry.value);
      }
    }
    return wrapped().fetch(key, time);
  }

  // Range reads: what the store below holds in the range, with the held values (copies off
  // the stream thread) in place of or beside it. Materialised: they serve queries
  // and restarts, not the per-event path.

  private List<KeyValue<Windowed<String>, V>> merged(Supplier<KeyValueIterator<Windowed<String>, V>> below,
      Predicate<WindowSlot> inRange) {
    Map<WindowSlot, V> overlay = overlay(inRange);
    return merged(overlay, below.get());
  }

  /**
   * What is held in a range, taken before the store below is read: a value is let go only once
   * written below, so a read of the store below that starts after this finds every value this
   * missed (an iterator opened before would not see a write made after it).
   */
  private Map<WindowSlot, V> overlay(Predicate<WindowSlot> inRange) {
    Map<WindowSlot, V> overlay = new HashMap<>();
    synchronized (this) {
      held.forEach((slot, entry) -> {
        if (inRange.test(slot)) {
          overlay.put(slot, readable(entry.value));
        }
      });
    }
    return overlay;
  }

  private List<KeyValue<Windowed<String>, V>> merged(Map<WindowSlot, V> overlay,
      KeyValueIterator<Windowed<String>, V> below) {
    List<KeyValue<Windowed<String>, V>> out = new ArrayList<>();
    try (below) {
      below.forEachRemaining(kv -> {
        WindowSlot slot = new WindowSlot(kv.key.key(), kv.key.window().start());
        if (!overlay.containsKey(slot)) {
          out.add(kv);
        }
      });
    }
    overlay.forEach((slot, value) -> {
      if (value != null) {
        out.add(KeyValue.pair(windowed(slot), value));
      }
    });
    out.sort(Comparator.<KeyValue<Windowed<String>, V>, String>comparing(kv -> kv.key.key())
        .thenComparingLong(kv -> kv.key.window().start()));
    return out;
  }

  private Windowed<String> windowed(WindowSlot slot) {
    return new Windowed<>(slot.key(), new TimeWindow(slot.start(), slot.start() + windowSize));
  }

  private static boolean between(long start, long from, long to) {
    return start >= from && start <= to;
  }

  private static boolean keyBetween(String key, String from, String to) {
    return (from == null || key.compareTo(from) >= 0) && (to == null || key.compareTo(to) <= 0);
  }

  private WindowStoreIterator<V> timesOf(List<KeyValue<Windowed<String>, V>> windows, boolean backward) {
    List<KeyValue<Long, V>> times = new ArrayList<>(windows.size());
    windows.forEach(kv -> times.add(KeyValue.pair(kv.key.window().start(), kv.value)));
    if (backward) {
      Collections.reverse(times);
    }
    return new ListWindowIterator<>(times);
  }

  private static <K, T> KeyValueIterator<K, T> iterate(List<KeyValue<K, T>> list, boolean backward) {
    if (backward) {
      list = new ArrayList<>(list);
      Collections.reverse(list);
    }
    return new ListIterator<>(list);
  }

  @Override
  public WindowStoreIterator<V> fetch(String key, long timeFrom, long timeTo) {
    return timesOf(merged(() -> wrapped().fetch(key, key, timeFrom, timeTo),
        slot -> slot.key().equals(key) && between(slot.start(), timeFrom, timeTo)), false);
  }

  @Override
  public WindowStoreIterator<V> fetch(String key, Instant timeFrom, Instant timeTo) {
    return fetch(key, timeFrom.toEpochMilli(), timeTo.toEpochMilli());
  }

  @Override
  public WindowStoreIterator<V> backwardFetch(String key, Instant timeFrom, Instant timeTo) {
    long from = timeFrom.toEpochMilli();
    long to = timeTo.toEpochMilli();
    return timesOf(merged(() -> wrapped().fetch(key, key, from, to),
        slot -> slot.key().equals(key) && between(slot.start(), from, to)), true);
  }

  @Override
  public KeyValueIterator<Windowed<String>, V> fetch(String keyFrom, String keyTo, long timeFrom, long timeTo) {
    return iterate(merged(() -> wrapped().fetch(keyFrom, keyTo, timeFrom, timeTo),
        slot -> keyBetween(slot.key(), keyFrom, keyTo) && between(slot.start(), timeFrom, timeTo)), false);
  }

  @Override
  public KeyValueIterator<Windowed<String>, V> fetch(String keyFrom, String keyTo, Instant timeFrom,
      Instant timeTo) {
    return fetch(keyFrom, keyTo, timeFrom.toEpochMilli(), timeTo.toEpochMilli());
  }

  @Override
  public KeyValueIterator<Windowed<String>, V> backwardFetch(String keyFrom, String keyTo, Instant timeFrom,
      Instant timeTo) {
    long from = timeFrom.toEpochMilli();
    long to = timeTo.toEpochMilli();
    return iterate(merged(() -> wrapped().fetch(keyFrom, keyTo, from, to),
        slot -> keyBetween(slot.key(), keyFrom, keyTo) && between(slot.start(), from, to)), true);
  }

  @Override
  public KeyValueIterator<Windowed<String>, V> fetchAll(long timeFrom, long timeTo) {
    return iterate(merged(() -> wrapped().fetchAll(timeFrom, timeTo), slot -> between(slot.start(), timeFrom, timeTo)),
        false);
  }

  @Override
  public KeyValueIterator<Windowed<String>, V> fetchAll(Instant timeFrom, Instant timeTo) {
    return fetchAll(timeFrom.toEpochMilli(), timeTo.toEpochMilli());
  }

  @Override
  public KeyValueIterator<Windowed<String>, V> backwardFetchAll(Instant timeFrom, Instant timeTo) {
    long from = timeFrom.toEpochMilli();
    long to = timeTo.toEpochMilli();
    return iterate(merged(() -> wrapped().fetchAll(from, to), slot -> between(slot.start(), from, to)), true);
  }

  @Override
  public KeyValueIterator<Windowed<String>, V> all() {
    return iterate(merged(() -> wrapped().all(), slot -> true), false);
  }

  @Override
  public KeyValueIterator<Windowed<String>, V> backwardAll() {
    return iterate(merged(() -> wrapped().all(), slot -> true), true);
  }

  /**
   * Kafka 4.3's {@code WindowKeyQuery.withKeyAndWindowStartRange(key, from, to)} answers
   * {@code getTimeFrom()} with {@code to} and {@code getTimeTo()} with {@code from} (its
   * constructor takes them the other way round); its own metered store builds the query again
   * from the getters, which swaps them back. Asked once, so that a Kafka that fixes it is read right too.
   */
  static final boolean KEY_QUERY_BOUNDS_SWAPPED = WindowKeyQuery.withKeyAndWindowStartRange("probe",
      Instant.ofEpochMilli(1), Instant.ofEpochMilli(2)).getTimeFrom().orElseThrow().toEpochMilli() == 2;

  /**
   * Interactive queries (IQv2): the store below answers, with what is held merged in
   * (taken first, see {@link #overlay}).
   */
  @Override
  @SuppressWarnings("unchecked")
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    if (query instanceof WindowKeyQuery<?, ?> asked) {
      String key = (String) asked.getKey();
      Optional<Instant> fromAsked = KEY_QUERY_BOUNDS_SWAPPED ? asked.getTimeTo() : asked.getTimeFrom();
      Optional<Instant> toAsked = KEY_QUERY_BOUNDS_SWAPPED ? asked.getTimeFrom() : asked.getTimeTo();
      long from = fromAsked.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
      long to = toAsked.map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
      Map<WindowSlot, V> overlay = overlay(slot -> slot.key().equals(key) && between(slot.start(), from, to));
      QueryResult<R> below = wrapped().query(query, positionBound, config);
      if (!below.isSuccess()) {
        return below;
      }
      WindowStoreIterator<V> times = (WindowStoreIterator<V>) below.getResult();
      List<KeyValue<Windowed<String>, V>> windows = new ArrayList<>();
      try (times) {
        times.forEachRemaining(kv -> windows.add(KeyValue.pair(windowed(new WindowSlot(key, kv.key)), kv.value)));
      }
      R result = (R) timesOf(merged(overlay, iterate(windows, false)), false);
      return InternalQueryResultUtil.copyAndSubstituteDeserializedResult(below, result);
    }
    if (query instanceof WindowRangeQuery<?, ?> asked) {
      String key = (String) asked.getKey().orElse(null);
      long from = asked.getTimeFrom().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
      long to = asked.getTimeTo().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
      Map<WindowSlot, V> overlay = overlay(
          slot -> (key == null || slot.key().equals(key)) && between(slot.start(), from, to));
      QueryResult<R> below = wrapped().query(query, positionBound, config);
      if (!below.isSuccess()) {
        return below;
      }
      R result = (R) iterate(merged(overlay, (KeyValueIterator<Windowed<String>, V>) below.getResult()), false);
      return InternalQueryResultUtil.copyAndSubstituteDeserializedResult(below, result);
    }
    return wrapped().query(query, positionBound, config);
  }

  private static final class ListIterator<K, T> implements KeyValueIterator<K, T> {
    private final List<KeyValue<K, T>> list;
    private final Iterator<KeyValue<K, T>> it;
    private int index;

    ListIterator(List<KeyValue<K, T>> list) {
      this.list = list;
      this.it = list.iterator();
    }

    @Override
    public boolean hasNext() {
      return it.hasNext();
    }

    @Override
    public KeyValue<K, T> next() {
      index++;
      return it.next();
    }

    @Override
    public K peekNextKey() {
      if (index >= list.size()) {
        throw new java.util.NoSuchElementException();
      }
      return list.get(index).key;
    }

    @Override
    public void close() {}
  }

  private static final class ListWindowIterator<T> implements WindowStoreIterator<T> {
    private final ListIterator<Long, T> delegate;

    ListWindowIterator(List<KeyValue<Long, T>> list) {
      this.delegate = new ListIterator<>(list);
    }

    @Override
    public boolean hasNext() {
      return delegate.hasNext();
    }

    @Override
    public KeyValue<Long, T> next() {
      return delegate.next();
    }

    @Override
    public Long peekNextKey() {
      return delegate.peekNextKey();
    }

    @Override
    public void close() {}
  }
}
