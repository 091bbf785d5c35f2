package io.tokenledger.platform.streams;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.KeyValue;
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
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids seen within a horizon, for deduplication: looked up and written locally per id (a
 * RocksDB window store keyed by id at its event time, as before), but changelogged per time
 * bucket: the ids a task remembered since its last commit go to the changelog as one record per
 * hour of event time (in chunks of at most {@link #MAX_IDS_PER_RECORD}), written when Kafka
 * Streams flushes the store before the commit, in the same exactly-once transaction as the
 * figures the ids were counted in. A UUID is written as its 16 bytes. Restoring reads those
 * records and writes each id into the local store, so a restore reads a few large records
 * instead of one record per id.
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
  /** Ids held in memory per task, 32-64 bytes each: some 25 s of a partition at 8,000 events/s. */
  static final long RECENT_IDS = 200_000;
  /** The key under which the local store keeps the latest event time of an id it holds. */
  private static final Bytes LATEST = Bytes.wrap(new byte[] {0});
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
  /** Ids held in memory and not yet in the local store: written together at the next flush. */
  private final List<Seen> unwritten = new ArrayList<>();
  /** How the local store writes a batch of its own records (its restore): one RocksDB write batch. */
  private final LocalWrites localWrites = new LocalWrites();

  record Seen(byte[] id, long time) {}

  SeenIdsStore(WindowStore<Bytes, byte[]> local, long recentIds) {
    this.local = local;
    this.recent = new RecentIds(recentIds);
    this.name = local.name();
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

  /** Whether an id was remembered at this event time within the horizon. */
  public boolean seen(String id, long eventTime) {
    start();
    if (recent.covers(eventTime)) {
      return recent.contains(id, eventTime);
    }
    return local.fetch(Bytes.wrap(id.getBytes(StandardCharsets.UTF_8)), eventTime) != null;
  }

  /**
   * Remembers an id at its event time; it reaches the changelog at the next flush. An id memory
   * holds reaches the local store then too, in one write with the others (memory answers for it
   * until then); any other is written to the local store at once.
   */
  public void remember(String id, long eventTime) {
    start();
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    Seen seen = new Seen(key, eventTime);
    if (recent.covers(eventTime)) {
      recent.add(id, eventTime);
      unwritten.add(seen);
    } else {
      local.put(Bytes.wrap(key), timeBytes(eventTime), eventTime);
    }
    latest = Math.max(latest, eventTime);
    pending.computeIfAbsent(Math.floorDiv(eventTime, BUCKET) * BUCKET, b -> new ArrayList<>()).add(seen);
  }

  /** The ids memory took since the last flush into the local store, in one write batch. */
  private void writeUnwritten() {
    if (unwritten.isEmpty()) {
      return;
    }
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(unwritten.size());
    for (Seen seen : unwritten) {
      records.add(new ConsumerRecord<>(name, 0, 0L,
          WindowKeySchema.toStoreKeyBinary(Bytes.wrap(seen.id()), seen.time(), 0).get(), timeBytes(seen.time())));
    }
    if (localWrites.batching()) {
      localWrites.write(records);
    } else {
      for (Seen seen : unwritten) {
        local.put(Bytes.wrap(seen.id()), timeBytes(seen.time()), seen.time());
      }
    }
    unwritten.clear();
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
      while (all.hasNext()) {
        max = Math.max(max, all.next().key.window().start());
        ids++;
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
    forgetRecent();
    // The local store restores through expanded: each record of ids becomes the records of one id.
    local.init(localWrites.capturing(context, root, SeenIdsStore::expanded), root);
  }

  private static RecordBatchingStateRestoreCallback expanded(StateRestoreCallback local) {
    return records -> {
      List<ConsumerRecord<byte[], byte[]>> perId = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        expand(record, perId);
      }
      if (!perId.isEmpty()) {
        perId.add(latestMarker(perId));
      }
      if (local instanceof RecordBatchingStateRestoreCallback batching) {
        batching.restoreBatch(perId);
      } else if (local instanceof BatchingStateRestoreCallback batching) {
        List<KeyValue<byte[], byte[]>> pairs = new ArrayList<>(perId.size());
        perId.forEach(r -> pairs.add(KeyValue.pair(r.key(), r.value())));
        batching.restoreAll(pairs);
      } else {
        perId.forEach(r -> local.restore(r.key(), r.value()));
      }
    };
  }

  /** The marker of the latest event time among restored ids, as the local store's own record. */
  static ConsumerRecord<byte[], byte[]> latestMarker(List<ConsumerRecord<byte[], byte[]>> restored) {
    long max = Long.MIN_VALUE;
    for (ConsumerRecord<byte[], byte[]> record : restored) {
      // the local store's key: the id, its time (8 bytes), a sequence number (4 bytes)
      max = Math.max(max, ByteBuffer.wrap(record.key()).getLong(record.key().length - Long.BYTES - Integer.BYTES));
    }
    ConsumerRecord<byte[], byte[]> last = restored.get(restored.size() - 1);
    return new ConsumerRecord<>(last.topic(), last.partition(), last.offset(),
        WindowKeySchema.toStoreKeyBinary(LATEST, max, 0).get(), timeBytes(max));
  }

  /** The records of one id each that a changelog record stands for. */
  static void expand(ConsumerRecord<byte[], byte[]> record, Collection<ConsumerRecord<byte[], byte[]>> out) {
    if (record.value() == null) {
      return; // nothing is ever deleted by key: ids expire with the local store's segments
    }
    StoredLayout.Body body = LAYOUT.reader(record.value());
    if (body.version() == 0) {
      out.add(record); // an id as the earlier layout logged it: the local store's own key and value
      return;
    }
    ByteBuffer in = body.buffer();
    long bucket = in.getLong();
    int count = in.getInt();
    for (int i = 0; i < count; i++) {
      long time = bucket + in.getInt();
      byte[] id;
      if (in.get() == UUID_ID) {
        id = new UUID(in.getLong(), in.getLong()).toString().getBytes(StandardCharsets.US_ASCII);
      } else {
        id = new byte[in.getShort() & 0xFFFF];
        in.get(id);
      }
      byte[] key = WindowKeySchema.toStoreKeyBinary(Bytes.wrap(id), time, 0).get();
      out.add(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), key, timeBytes(time)));
    }
  }

  /** One changelog record of ids of one hour. */
  static byte[] encode(long bucket, List<Seen> ids) {
    UUID[] uuids = new UUID[ids.size()]; // parsed once per id: sized, then written
    int size = Long.BYTES + Integer.BYTES;
    for (int i = 0; i < ids.size(); i++) {
      uuids[i] = uuid(ids.get(i).id());
      size += Integer.BYTES + 1 + (uuids[i] != null ? 16 : 2 + ids.get(i).id().length);
    }
    ByteBuffer out = LAYOUT.writer(size);
    out.putLong(bucket);
    out.putInt(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      Seen seen = ids.get(i);
      out.putInt((int) (seen.time() - bucket));
      if (uuids[i] != null) {
        out.put(UUID_ID).putLong(uuids[i].getMostSignificantBits()).putLong(uuids[i].getLeastSignificantBits());
      } else {
        out.put(TEXT_ID).putShort((short) seen.id().length).put(seen.id());
      }
    }
    return out.array();
  }

  /** The UUID an id is, when it is one in the canonical lower-case text that comes back from its 16 bytes. */
  private static UUID uuid(byte[] id) {
    if (id.length != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-') {
      return null;
    }
    String text = new String(id, StandardCharsets.US_ASCII);
    try {
      UUID uuid = UUID.fromString(text);
      return uuid.toString().equals(text) ? uuid : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void flushCache() {
    writeUnwritten();
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
    if (latest > latestWritten) {
      local.put(LATEST, timeBytes(latest), latest);
      latestWritten = latest;
    }
    recent.trim(); // only now: every id memory lets go of is in the local store
  }

  @Override
  public void clearCache() {
    pending.clear();
    forgetRecent();
  }

  /** Memory answers nothing until the store's next use reads where to start again. */
  private void forgetRecent() {
    unwritten.clear();
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
    return local.isOpen();
  }

  @Override
  public void commit(Map<org.apache.kafka.common.TopicPartition, Long> changelogOffsets) {
    local.commit(changelogOffsets);
  }

  @Override
  @SuppressWarnings("deprecation")
  public boolean managesOffsets() {
    return local.managesOffsets();
  }

  @Override
  public Long committedOffset(org.apache.kafka.common.TopicPartition partition) {
    return local.committedOffset(partition);
  }

  @Override
  public org.apache.kafka.streams.query.Position getPosition() {
    return local.getPosition();
  }

  @Override
  public void close() {
    pending.clear();
    forgetRecent();
    local.close();
  }
}
