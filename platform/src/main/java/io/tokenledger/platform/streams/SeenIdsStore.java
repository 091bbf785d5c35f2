package io.tokenledger.platform.streams;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorContextUtils;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.AbstractStoreBuilder;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.OffsetCheckpoint;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids seen within a horizon, for deduplication, changelogged per time bucket: the ids a task
 * remembered since its last commit go to the changelog as one record per hour of event time (in
 * chunks of at most {@link #MAX_IDS_PER_RECORD}), written when Kafka Streams flushes the store
 * before the commit, in the same exactly-once transaction as the figures the ids were counted
 * in. A UUID is written as its 16 bytes.
 *
 * <p>Locally (a RocksDB window store) the ids memory holds (below) reach RocksDB only when memory
 * lets go of them, or when the store is closed or recycled after a commit: then the ids of each
 * ten-second slice of event time are written as one entry per hash group ({@link #GROUPS}),
 * keyed by the group, the slice and a random suffix, in the changelog's own encoding; a restore
 * writes its ids the same way. So there is no RocksDB insert per id (it was a sixth of the stream
 * thread), and a lookup of an id in RocksDB reads the few entries of its group and slice. The
 * changelog gets every id before every commit; RocksDB only ids whose transaction has committed.
 * Ids at times memory does not cover (late ones) are written at the flush after the one that
 * logged them, one entry per id, as earlier versions wrote every id; those are still found.
 *
 * <p>Under exactly-once the store is kept across a crash ({@link StoreOffsetsFile}): every
 * checkpoint interval it makes RocksDB's writes durable and records the changelog offset up to
 * which RocksDB holds every committed id (where the oldest flush with ids memory still holds
 * alone began); after a crash Kafka Streams restores the ids logged since.
 *
 * <p>The changelog is the topology's own (created and restored by Kafka Streams); records
 * written per id by the earlier layout (an 8-byte value) are still restored as they are.
 *
 * <p>The ids remembered at recent event times are also held in memory ({@link RecentIds}), so
 * that a new id (nearly every event's) is looked up without a RocksDB read, which costs more
 * than the rest of an event's dedup. Memory answers for event times after the latest id the local
 * store held when the task started: the store keeps that time under a marker key (a single NUL
 * byte, which no id is: ids are printable), written at each flush and at each restored batch.
 */
public final class SeenIdsStore implements StateStore, CachedStateStore<Object, Object> {
  /** Ids per changelog record: about 20 bytes each, well under a broker's 1 MiB record limit. */
  static final int MAX_IDS_PER_RECORD = 20_000;
  private static final long BUCKET = Duration.ofHours(1).toMillis();
  /** Version 1: ids of one hour; a record of the earlier layout is the 8-byte event time of one id. */
  private static final StoredLayout LAYOUT = new StoredLayout("seen ids", 1, Long.BYTES);
  private static final byte UUID_ID = 0;
  private static final byte TEXT_ID = 1;
  /**
   * Ids held in memory per task, 32-64 bytes each: some 25 s of a partition at 8,000 events/s
   * (and the newest ten seconds whole).
   */
  static final long RECENT_IDS = 200_000;
  /** The key under which the local store keeps the latest event time of an id it holds. */
  private static final Bytes LATEST = Bytes.wrap(new byte[] {0});
  /**
   * Hash groups of a slice's ids in the local store: part of the stored layout, never changed. A
   * lookup in RocksDB reads its group's entries of the slice: 1/256 of a slice's ids (about a
   * thousand at 28,000 events/s of a task); a slice let go of is 256 writes at most.
   */
  static final int GROUPS = 256;
  private static final long SLICE = RecentIds.SLICE_MILLIS;
  /** The first byte of a group's key: not the marker's (0), nor any printable id's. */
  private static final byte GROUP_TAG = 1;
  private static final int GROUP_KEY_BYTES = 2 + 2 * Long.BYTES;
  private static final Logger log = LoggerFactory.getLogger(SeenIdsStore.class);

  private final WindowStore<Bytes, byte[]> local;
  private final String name;
  /** Ids remembered since the last flush, by hour of event time. */
  private final Map<Long, List<Seen>> pending = new TreeMap<>();
  private InternalProcessorContext<?, ?> context;
  private final RecentIds recent;
  /** Whether {@link #recent} has been started since the store was opened (after its restore). */
  private boolean started;
  private long latest = Long.MIN_VALUE;
  private long latestWritten = Long.MIN_VALUE;
  /** Ids at times memory does not cover, remembered since the last flush: logged at the next flush. */
  private final Set<Seen> unwritten = new java.util.LinkedHashSet<>();
  /**
   * Ids logged by the last flush that memory does not hold (late ones, and those of slices it let
   * go of): written to the local store at the next flush, once their transaction has committed.
   */
  private final Set<Seen> deferred = new java.util.LinkedHashSet<>();
  /** The earliest event time among the ids remembered since the last flush. */
  private long pendingOldest = Long.MAX_VALUE;
  /** The latest event time among the ids remembered in memory since the last flush. */
  private long pendingInMemory = Long.MIN_VALUE;
  /**
   * For each flush whose ids may still be in memory only, oldest first: where its records began
   * in the changelog (-1: not known) and the latest time of its ids memory took. Once memory has
   * let go of that time, they are all in RocksDB.
   */
  private final ArrayDeque<long[]> inMemoryByFlush = new ArrayDeque<>();
  private final Checkpoints checkpoints;
  /**
   * Whether the local store survives a crash (see {@link StoreOffsetsFile}): under exactly-once,
   * where it only ever gets ids whose transaction committed, and checkpoints say up to where.
   */
  private boolean kept;
  /**
   * Whether nothing was logged since Kafka Streams last committed the store (or since it opened):
   * a close then is a clean one.
   */
  private boolean committedSinceFlush;
  /** How the local store writes a batch of its own records (its restore): one RocksDB write batch. */
  private final LocalWrites localWrites = new LocalWrites();
  private final StoreOffsetsFile offsetsFile;

  /**
   * An id at its event time, read once: a canonical lower-case UUID as its two halves (and no
   * text), any other id as its UTF-8 text (and {@code high} = {@link RecentIds.Uuids#NOT_A_UUID}).
   */
  record Seen(byte[] text, long time, long high, long low) {
    static Seen of(String id, long time) {
      long high = RecentIds.Uuids.high(id);
      return high == RecentIds.Uuids.NOT_A_UUID ? new Seen(id.getBytes(StandardCharsets.UTF_8), time, high, 0)
          : new Seen(null, time, high, RecentIds.Uuids.low(id));
    }

    boolean uuid() {
      return text == null;
    }

    /** The id's text as UTF-8 (a UUID's canonical form). */
    byte[] idBytes() {
      return uuid() ? new UUID(high, low).toString().getBytes(StandardCharsets.US_ASCII) : text;
    }

    /** The id's hash group in the local store. */
    int group() {
      int h = uuid() ? Long.hashCode(high * 0x9E3779B97F4A7C15L ^ low) : Arrays.hashCode(text);
      return Math.floorMod(h ^ (h >>> 16), GROUPS);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Seen other && time == other.time && high == other.high && low == other.low
          && Arrays.equals(text, other.text);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(time * 31 + high) ^ Long.hashCode(low) ^ Arrays.hashCode(text);
    }
  }

  SeenIdsStore(WindowStore<Bytes, byte[]> local, long recentIds) {
    this.local = local;
    this.recent = new RecentIds(recentIds);
    this.name = local.name();
    this.offsetsFile = new StoreOffsetsFile(name);
    this.checkpoints = new Checkpoints(offsetsFile);
  }

  /**
   * The store for ids remembered for {@code horizon}. Its changelog deletes by time only (its
   * keys never repeat), keeping records for the horizon and a day.
   */
  public static StoreBuilder<SeenIdsStore> builder(String name, Duration horizon) {
    return builder(name, horizon, RECENT_IDS);
  }

  /** The same, holding at most {@code recentIds} of the latest ids of a task in memory. */
  public static StoreBuilder<SeenIdsStore> builder(String name, Duration horizon, long recentIds) {
    Builder builder = new Builder(name, horizon, recentIds);
    builder.withLoggingEnabled(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(horizon.plusDays(1).toMillis())));
    return builder;
  }

  private static final class Builder extends AbstractStoreBuilder<Bytes, byte[], SeenIdsStore> {
    private final Duration horizon;
    private final long recentIds;

    Builder(String name, Duration horizon, long recentIds) {
      super(name, org.apache.kafka.common.serialization.Serdes.Bytes(),
          org.apache.kafka.common.serialization.Serdes.ByteArray(), Time.SYSTEM);
      this.horizon = horizon;
      this.recentIds = recentIds;
    }

    @Override
    public SeenIdsStore build() {
      // One-millisecond windows at the event time: a point lookup per id, expired by segment.
      return new SeenIdsStore(Stores.persistentWindowStore(name, horizon, Duration.ofMillis(1), false).get(),
          recentIds);
    }
  }

  /** The store connected to a processor. */
  public static SeenIdsStore of(ProcessorContext<?, ?> context, String name) {
    return context.getStateStore(name);
  }

  /**
   * Remembers an id at its event time unless it was remembered there within the horizon: true
   * when it is new. It reaches the changelog at the next flush, and the local store then (a late
   * id) or when memory lets it go; memory, or the ids held for that flush, answer for it until then.
   */
  public boolean rememberIfNew(String id, long eventTime) {
    start();
    Seen seen = Seen.of(id, eventTime);
    if (recent.covers(eventTime)) {
      if (!recent.add(id, seen.high(), seen.low(), eventTime)) {
        return false;
      }
      pendingInMemory = Math.max(pendingInMemory, eventTime);
    } else if (stored(id, seen) || !unwritten.add(seen)) {
      return false;
    }
    held(seen);
    return true;
  }

  private void held(Seen seen) {
    latest = Math.max(latest, seen.time());
    pendingOldest = Math.min(pendingOldest, seen.time());
    pending.computeIfAbsent(Math.floorDiv(seen.time(), BUCKET) * BUCKET, b -> new ArrayList<>()).add(seen);
  }

  /** Whether the local store holds the id at its time, or it is held for the next flush. */
  private boolean stored(String id, Seen seen) {
    if (unwritten.contains(seen) || deferred.contains(seen)) {
      return true;
    }
    // an entry of this id alone
    if (local.fetch(Bytes.wrap(id.getBytes(StandardCharsets.UTF_8)), seen.time()) != null) {
      return true;
    }
    long slice = Math.floorDiv(seen.time(), SLICE) * SLICE;
    int group = seen.group();
    try (KeyValueIterator<Windowed<Bytes>, byte[]> entries = local.fetch(groupKey(group, slice, 0L),
        groupKey(group, slice, -1L), slice, slice)) {
      while (entries.hasNext()) {
        if (holds(entries.next().value, seen)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A group entry's key: the tag, the group, the slice, and a suffix that keeps each flush's entry apart. */
  static Bytes groupKey(int group, long slice, long suffix) {
    return Bytes.wrap(ByteBuffer.allocate(GROUP_KEY_BYTES).put(GROUP_TAG).put((byte) group).putLong(slice)
        .putLong(suffix).array());
  }

  /** The ids the last flush logged and memory does not hold, an entry each, in one write batch. */
  private void writeDeferred() {
    if (deferred.isEmpty()) {
      return;
    }
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(deferred.size());
    for (Seen seen : deferred) {
      records.add(new ConsumerRecord<>(name, 0, 0L,
          WindowKeySchema.toStoreKeyBinary(Bytes.wrap(seen.idBytes()), seen.time(), 0).get(), timeBytes(seen.time())));
    }
    write(records);
    deferred.clear();
  }

  /** Ids memory lets go of, or holds at a close, as group entries in one write batch. */
  private void writeGrouped(List<Seen> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    grouped(ids, (key, slice, value) -> records.add(new ConsumerRecord<>(name, 0, 0L,
        WindowKeySchema.toStoreKeyBinary(key, slice, 0).get(), value)));
    write(records);
  }

  /** Records of the local store's own keys and values: one RocksDB write batch, or a put each. */
  private void write(List<ConsumerRecord<byte[], byte[]>> records) {
    if (localWrites.batching()) {
      localWrites.write(records);
      return;
    }
    for (ConsumerRecord<byte[], byte[]> record : records) {
      byte[] key = record.key();
      // the local store's key: the key, the window's start (8 bytes), a sequence number (4 bytes)
      long start = ByteBuffer.wrap(key).getLong(key.length - Long.BYTES - Integer.BYTES);
      local.put(Bytes.wrap(Arrays.copyOf(key, key.length - Long.BYTES - Integer.BYTES)), record.value(), start);
    }
  }

  /** The ids memory holds, as {@link Seen}s. */
  private static final class Collected implements RecentIds.Ids {
    final List<Seen> ids = new ArrayList<>();

    @Override
    public void uuid(long high, long low, long time) {
      ids.add(new Seen(null, time, high, low));
    }

    @Override
    public void text(String id, long time) {
      ids.add(new Seen(id.getBytes(StandardCharsets.UTF_8), time, RecentIds.Uuids.NOT_A_UUID, 0));
    }
  }

  interface Entries {
    void entry(Bytes key, long slice, byte[] value);
  }

  /** Ids as the local store's entries: one per group and slice, each under a key of its own. */
  static void grouped(List<Seen> ids, Entries out) {
    Map<Long, List<Seen>> groups = new HashMap<>();
    for (Seen seen : ids) {
      groups.computeIfAbsent(Math.floorDiv(seen.time(), SLICE) * GROUPS + seen.group(), g -> new ArrayList<>())
          .add(seen);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (Map.Entry<Long, List<Seen>> group : groups.entrySet()) {
      long slice = Math.floorDiv(group.getKey(), GROUPS) * SLICE;
      out.entry(groupKey((int) Math.floorMod(group.getKey(), GROUPS), slice, random.nextLong()), slice,
          encode(slice, group.getValue()));
    }
  }

  /** Whether an entry (the changelog's encoding) holds the id at its time. */
  static boolean holds(byte[] entry, Seen seen) {
    return walk(LAYOUT.reader(entry).buffer(), new EncodedIds() {
      @Override
      public boolean uuid(long time, long high, long low) {
        return time == seen.time() && seen.uuid() && high == seen.high() && low == seen.low();
      }

      @Override
      public boolean text(long time, byte[] bytes, int from, int length) {
        return time == seen.time() && !seen.uuid() && length == seen.text().length
            && Arrays.equals(bytes, from, from + length, seen.text(), 0, length);
      }
    });
  }

  /** What {@link #walk} finds in a body of ids; true stops the walk. */
  interface EncodedIds {
    boolean uuid(long time, long high, long low);

    boolean text(long time, byte[] bytes, int from, int length);
  }

  /** Walks the ids of a changelog record's (or a group entry's) body, without copying them; true when stopped. */
  private static boolean walk(ByteBuffer in, EncodedIds ids) {
    long base = in.getLong();
    int count = in.getInt();
    for (int i = 0; i < count; i++) {
      long time = base + in.getInt();
      if (in.get() == UUID_ID) {
        if (ids.uuid(time, in.getLong(), in.getLong())) {
          return true;
        }
      } else {
        int length = in.getShort() & 0xFFFF;
        int from = in.arrayOffset() + in.position();
        in.position(in.position() + length);
        if (ids.text(time, in.array(), from, length)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Once the store is restored (at its first use), memory takes over the event times after the
   * latest id the local store holds.
   */
  private void start() {
    if (started) {
      return;
    }
    started = true;
    long stored = latestStored();
    latest = Math.max(latest, stored);
    latestWritten = latest;
    recent.startAt(stored == Long.MIN_VALUE ? Long.MIN_VALUE : stored + 1);
  }

  /** The latest event time of an id in the local store, or {@code Long.MIN_VALUE} when it holds none. */
  private long latestStored() {
    try (WindowStoreIterator<byte[]> marked = local.backwardFetch(LATEST, 0L, Long.MAX_VALUE)) {
      if (marked.hasNext()) {
        return marked.next().key;
      }
    }
    // No marker: empty, or written by a version that kept none. Then read every id once.
    long began = System.nanoTime();
    long max = Long.MIN_VALUE;
    long ids = 0;
    try (KeyValueIterator<Windowed<Bytes>, byte[]> all = local.all()) {
      List<Seen> grouped = new ArrayList<>();
      while (all.hasNext()) {
        KeyValue<Windowed<Bytes>, byte[]> next = all.next();
        byte[] key = next.key.key().get();
        if (key.length == GROUP_KEY_BYTES && key[0] == GROUP_TAG) {
          grouped.clear();
          decode(LAYOUT.reader(next.value).buffer(), grouped); // an entry's start is its slice's, not its ids' times
          for (Seen seen : grouped) {
            max = Math.max(max, seen.time());
            ids++;
          }
        } else {
          max = Math.max(max, next.key.window().start());
          ids++;
        }
      }
    }
    if (ids > 0) {
      log.info("Dedup store {}: found no marker of its latest id, so read its {} ids once ({} ms) to find it; "
          + "from now on the marker is kept", name, ids, (System.nanoTime() - began) / 1_000_000);
    }
    return max;
  }

  private static byte[] timeBytes(long time) {
    return ByteBuffer.allocate(Long.BYTES).putLong(time).array();
  }

  @Override
  public void init(StateStoreContext stateStoreContext, StateStore root) {
    context = ProcessorContextUtils.asInternalProcessorContext(stateStoreContext);
    pending.clear();
    pendingOldest = Long.MAX_VALUE;
    forgetRecent();
    kept = StreamsConfig.EXACTLY_ONCE_V2.equals(
        stateStoreContext.appConfigs().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    committedSinceFlush = true;
    if (offsetsFile.initFromFile(stateStoreContext, root, kept)) {
      return;
    }
    // The local store restores through expanded: each record of ids becomes the records of one id.
    local.init(localWrites.capturing(context, root, SeenIdsStore::expanded, kept), root);
    if (kept && !localWrites.batching()) {
      throw new IllegalStateException("Dedup store " + name + " is kept across crashes but its local store cannot "
          + "write in batches");
    }
    checkpoints.init(context, kept ? ProcessorContextUtils.changelogFor(stateStoreContext, name, Boolean.FALSE) : null);
  }

  private static RecordBatchingStateRestoreCallback expanded(StateRestoreCallback local) {
    return records -> {
      List<ConsumerRecord<byte[], byte[]>> entries = restored(records);
      if (local instanceof RecordBatchingStateRestoreCallback batching) {
        batching.restoreBatch(entries);
      } else if (local instanceof BatchingStateRestoreCallback batching) {
        List<KeyValue<byte[], byte[]>> pairs = new ArrayList<>(entries.size());
        entries.forEach(r -> pairs.add(KeyValue.pair(r.key(), r.value())));
        batching.restoreAll(pairs);
      } else {
        entries.forEach(r -> local.restore(r.key(), r.value()));
      }
    };
  }

  /**
   * The local store's records for changelog records: their ids as group entries, a record of the
   * earlier per-id layout as it is, and the marker of the latest event time among them.
   */
  static List<ConsumerRecord<byte[], byte[]>> restored(Collection<ConsumerRecord<byte[], byte[]>> records) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    List<Seen> ids = new ArrayList<>();
    ConsumerRecord<byte[], byte[]> last = null;
    long max = Long.MIN_VALUE;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (record.value() == null) {
        continue; // nothing is ever deleted by key: ids expire with the local store's segments
      }
      last = record;
      StoredLayout.Body body = LAYOUT.reader(record.value());
      if (body.version() == 0) {
        out.add(record); // an id as the earlier layout logged it: the local store's own key and value
        // the local store's key: the id, its time (8 bytes), a sequence number (4 bytes)
        max = Math.max(max, ByteBuffer.wrap(record.key()).getLong(record.key().length - Long.BYTES - Integer.BYTES));
      } else {
        decode(body.buffer(), ids);
      }
    }
    if (last == null) {
      return out;
    }
    for (Seen seen : ids) {
      max = Math.max(max, seen.time());
    }
    ConsumerRecord<byte[], byte[]> at = last;
    grouped(ids, (key, slice, value) -> out.add(new ConsumerRecord<>(at.topic(), at.partition(), at.offset(),
        WindowKeySchema.toStoreKeyBinary(key, slice, 0).get(), value)));
    out.add(new ConsumerRecord<>(at.topic(), at.partition(), at.offset(),
        WindowKeySchema.toStoreKeyBinary(LATEST, max, 0).get(), timeBytes(max)));
    return out;
  }

  /** The ids of a changelog record's (or a group entry's) body. */
  static void decode(ByteBuffer in, Collection<Seen> out) {
    walk(in, new EncodedIds() {
      @Override
      public boolean uuid(long time, long high, long low) {
        // the one UUID whose high half is the text marker: logged as a UUID by earlier versions, read as text
        out.add(high == RecentIds.Uuids.NOT_A_UUID
            ? new Seen(new UUID(high, low).toString().getBytes(StandardCharsets.US_ASCII), time, high, 0)
            : new Seen(null, time, high, low));
        return false;
      }

      @Override
      public boolean text(long time, byte[] bytes, int from, int length) {
        out.add(new Seen(Arrays.copyOfRange(bytes, from, from + length), time, RecentIds.Uuids.NOT_A_UUID, 0));
        return false;
      }
    });
  }

  /** Ids of one hour (a changelog record) or of one group and slice (a local entry), after {@code base}. */
  static byte[] encode(long base, List<Seen> ids) {
    int size = Long.BYTES + Integer.BYTES;
    for (Seen seen : ids) {
      size += Integer.BYTES + 1 + (seen.uuid() ? 16 : 2 + seen.text().length);
    }
    ByteBuffer out = LAYOUT.writer(size);
    out.putLong(base);
    out.putInt(ids.size());
    for (Seen seen : ids) {
      out.putInt((int) (seen.time() - base));
      if (seen.uuid()) {
        out.put(UUID_ID).putLong(seen.high()).putLong(seen.low());
      } else {
        out.put(TEXT_ID).putShort((short) seen.text().length).put(seen.text());
      }
    }
    return out.array();
  }

  /**
   * Logs the ids remembered since the last flush. Every local write here is of ids logged by
   * earlier flushes, whose transactions have committed (a flush comes after the commit of the one
   * before; a commit that failed closes the task dirty, which wipes it), except the marker of the
   * latest time: a marker ahead of the committed ids only sends lookups of the times in between
   * to RocksDB, which holds every committed id there.
   */
  @Override
  public void flushCache() {
    Long loggedUpTo = checkpoints.loggedUpTo();
    writeDeferred();
    if (kept && checkpoints.due()) {
      checkpoint(loggedUpTo);
    }
    if (pendingInMemory != Long.MIN_VALUE) {
      inMemoryByFlush.addLast(new long[] {loggedUpTo == null ? -1 : loggedUpTo, pendingInMemory});
      pendingInMemory = Long.MIN_VALUE;
    }
    List<List<Seen>> logging = new ArrayList<>(pending.values());
    if (!logging.isEmpty()) {
      committedSinceFlush = false;
    }
    for (Map.Entry<Long, List<Seen>> bucket : pending.entrySet()) {
      List<Seen> ids = bucket.getValue();
      for (int from = 0; from < ids.size(); from += MAX_IDS_PER_RECORD) {
        List<Seen> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_RECORD));
        long newest = chunk.stream().mapToLong(Seen::time).max().orElseThrow();
        // Keys never repeat (the topic deletes by time only); the record is stamped with its latest
        // event time, so the broker keeps it at least as long as the local store keeps its ids.
        byte[] key = ByteBuffer.allocate(2 * Long.BYTES).putLong(bucket.getKey())
            .putLong(ThreadLocalRandom.current().nextLong()).array();
        context.logChange(name, Bytes.wrap(key), encode(bucket.getKey(), chunk), newest, new RecordHeaders(),
            local.getPosition());
      }
    }
    pending.clear();
    long loggedOldest = pendingOldest;
    pendingOldest = Long.MAX_VALUE;
    deferred.addAll(unwritten);
    unwritten.clear();
    if (latest > latestWritten) {
      local.put(LATEST, timeBytes(latest), latest);
      latestWritten = latest;
    }
    // Only now, with every id of theirs logged: the slices memory lets go of, to RocksDB, but the
    // ids this flush logged only once their transaction has committed, at the next flush.
    Collected letGo = new Collected();
    recent.trim(letGo);
    if (!letGo.ids.isEmpty() && letGo.ids.stream().anyMatch(seen -> seen.time() >= loggedOldest)) {
      Set<Seen> loggedNow = new HashSet<>();
      logging.forEach(loggedNow::addAll);
      letGo.ids.removeIf(seen -> loggedNow.contains(seen) && deferred.add(seen));
    }
    writeGrouped(letGo.ids);
    while (!inMemoryByFlush.isEmpty() && inMemoryByFlush.peekFirst()[1] < recent.from()) {
      inMemoryByFlush.pollFirst(); // memory let go of all its ids: written above, or deferred to the next flush
    }
  }

  /**
   * At the start of a flush every id logged so far is committed, and RocksDB holds each of them
   * but those memory still holds alone (the deferred ones were written just before): so it holds
   * every committed id up to where the oldest flush with ids still in memory began, or
   * {@code loggedUpTo} when there is none. Made durable, that is the checkpoint's offset; after a
   * crash the ids logged since are restored (about what memory holds: some seconds of the stream).
   * Where that flush began is not known when the store had no offset at all before it (a first
   * start): then "unknown", and a crash restores the whole changelog on top, as before (adding ids
   * it holds already changes nothing) until memory lets go of that flush's ids.
   */
  private void checkpoint(Long loggedUpTo) {
    Long offset = inMemoryByFlush.isEmpty() ? loggedUpTo : Long.valueOf(inMemoryByFlush.peekFirst()[0]);
    checkpoints.write(local, offset == null || offset < 0 ? OffsetCheckpoint.OFFSET_UNKNOWN : offset);
  }

  /**
   * Kafka Streams clears a store's cache when it recycles a task's stores (after a clean close),
   * as their next writes may come from a restore: what memory holds goes to RocksDB first.
   */
  @Override
  public void clearCache() {
    writeDeferred();
    keepWhatMemoryHolds();
    pending.clear();
    forgetRecent();
  }

  /**
   * Writes the ids memory holds to RocksDB, except those not logged yet (none after a commit; the
   * ids of a task closed without one are not kept: the changelog never got them).
   */
  private void keepWhatMemoryHolds() {
    if (!local.isOpen() || recent.size() == 0) {
      return;
    }
    Set<Seen> notLogged = new HashSet<>();
    pending.values().forEach(notLogged::addAll);
    Collected held = new Collected();
    recent.forEach(held);
    held.ids.removeIf(notLogged::contains);
    writeGrouped(held.ids);
  }

  /** Memory answers nothing until the store's next use reads where to start again. */
  private void forgetRecent() {
    unwritten.clear();
    deferred.clear();
    inMemoryByFlush.clear();
    pendingInMemory = Long.MIN_VALUE;
    recent.clear();
    started = false;
    latest = Long.MIN_VALUE;
    latestWritten = Long.MIN_VALUE;
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public boolean isOpen() {
    return offsetsFile.fromFile() || local.isOpen();
  }

  @Override
  public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {
    if (offsetsFile.fromFile()) {
      return;
    }
    offsetsFile.committed(changelogOffsets);
    writeDeferred(); // their transaction has committed
    local.commit(changelogOffsets);
    committedSinceFlush = true;
  }

  @Override
  @SuppressWarnings("deprecation")
  public boolean managesOffsets() {
    return local.managesOffsets();
  }

  /**
   * The local store's offset, or "unknown" when it holds nothing (see {@link EmptyStoreOffsets}); in
   * Kafka Streams' start-up pass, and for a store kept across crashes, what its file says (its last
   * close, or its last checkpoint: see {@link StoreOffsetsFile}).
   */
  @Override
  public Long committedOffset(org.apache.kafka.common.TopicPartition partition) {
    if (offsetsFile.fromFile()) {
      return offsetsFile.offset(partition);
    }
    if (kept) {
      // What Kafka Streams committed it with since it opened, else its checkpoint: not the offsets of
      // the RocksDB store below, which a crash may have left ahead of what it left durable.
      Long known = offsetsFile.known(partition);
      return known != null ? known : EmptyStoreOffsets.orUnknownWhenEmpty(null, local);
    }
    return committedOffsetBelow(partition);
  }

  private Long committedOffsetBelow(org.apache.kafka.common.TopicPartition partition) {
    return EmptyStoreOffsets.orUnknownWhenEmpty(local.committedOffset(partition), local);
  }

  @Override
  public org.apache.kafka.streams.query.Position getPosition() {
    return local.getPosition();
  }

  /**
   * After a clean close (committed since the last flush) what memory holds goes to RocksDB. After
   * any other nothing does: ids of a transaction that may not have committed must not reach it
   * (exactly-once wipes the local store then; if the process dies first, its checkpoint is still true).
   */
  @Override
  public void close() {
    if (offsetsFile.fromFile()) {
      offsetsFile.closing(this::committedOffsetBelow, true); // nothing was opened: the file stays
      return;
    }
    boolean clean = committedSinceFlush || !kept;
    if (clean) {
      writeDeferred();
      keepWhatMemoryHolds();
    }
    if (local.isOpen()) {
      offsetsFile.closing(this::committedOffsetBelow, clean);
    }
    pending.clear();
    forgetRecent();
    local.close();
  }
}
