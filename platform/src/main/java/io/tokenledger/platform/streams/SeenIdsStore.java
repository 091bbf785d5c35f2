package io.tokenledger.platform.streams;

import io.tokenledger.schemas.serde.StoredLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorContextUtils;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.internals.AbstractStoreBuilder;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.WindowKeySchema;

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
 */
public final class SeenIdsStore implements StateStore, CachedStateStore<Object, Object> {
  /** Ids per changelog record: about 20 bytes each, well under a broker's 1 MiB record limit. */
  static final int MAX_IDS_PER_RECORD = 20_000;
  private static final long BUCKET = Duration.ofHours(1).toMillis();
  /** Version 1: ids of one hour; a record of the earlier layout is the 8-byte event time of one id. */
  private static final StoredLayout LAYOUT = new StoredLayout("seen ids", 1, Long.BYTES);
  private static final byte UUID_ID = 0;
  private static final byte TEXT_ID = 1;

  private final WindowStore<Bytes, byte[]> local;
  private final String name;
  /** Ids remembered since the last flush, by hour of event time. */
  private final Map<Long, List<Seen>> pending = new TreeMap<>();
  private InternalProcessorContext<?, ?> context;

  record Seen(byte[] id, long time) {}

  SeenIdsStore(WindowStore<Bytes, byte[]> local) {
    this.local = local;
    this.name = local.name();
  }

  /**
   * The store for ids remembered for {@code horizon}. Its changelog deletes by time only (its
   * keys never repeat), keeping records for the horizon and a day.
   */
  public static StoreBuilder<SeenIdsStore> builder(String name, Duration horizon) {
    Builder builder = new Builder(name, horizon);
    builder.withLoggingEnabled(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(horizon.plusDays(1).toMillis())));
    return builder;
  }

  private static final class Builder extends AbstractStoreBuilder<Bytes, byte[], SeenIdsStore> {
    private final Duration horizon;

    Builder(String name, Duration horizon) {
      super(name, org.apache.kafka.common.serialization.Serdes.Bytes(),
          org.apache.kafka.common.serialization.Serdes.ByteArray(), Time.SYSTEM);
      this.horizon = horizon;
    }

    @Override
    public SeenIdsStore build() {
      // One-millisecond windows at the event time: a point lookup per id, expired by segment.
      return new SeenIdsStore(Stores.persistentWindowStore(name, horizon, Duration.ofMillis(1), false).get());
    }
  }

  /** The store connected to a processor. */
  public static SeenIdsStore of(ProcessorContext<?, ?> context, String name) {
    return context.getStateStore(name);
  }

  /** Whether an id was remembered at this event time within the horizon. */
  public boolean seen(String id, long eventTime) {
    return local.fetch(Bytes.wrap(id.getBytes(StandardCharsets.UTF_8)), eventTime) != null;
  }

  /** Remembers an id at its event time; it reaches the changelog at the next flush. */
  public void remember(String id, long eventTime) {
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    local.put(Bytes.wrap(key), timeBytes(eventTime), eventTime);
    pending.computeIfAbsent(Math.floorDiv(eventTime, BUCKET) * BUCKET, b -> new ArrayList<>()).add(new Seen(key, eventTime));
  }

  private static byte[] timeBytes(long time) {
    return ByteBuffer.allocate(Long.BYTES).putLong(time).array();
  }

  @Override
  public void init(StateStoreContext stateStoreContext, StateStore root) {
    context = ProcessorContextUtils.asInternalProcessorContext(stateStoreContext);
    pending.clear();
    local.init(registeringAs(context, root), root);
  }

  /**
   * The context the local store is opened with: everything as the task's, but its registration
   * reads the changelog through {@link #expanded}, which turns each record of ids into the
   * records of one id the local store restores from.
   */
  private InternalProcessorContext<?, ?> registeringAs(InternalProcessorContext<?, ?> real, StateStore root) {
    return (InternalProcessorContext<?, ?>) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {InternalProcessorContext.class}, (proxy, method, args) -> {
          if (method.getName().equals("register") && args != null && args.length >= 2) {
            Object[] registered = args.clone();
            registered[0] = root;
            registered[1] = expanded((StateRestoreCallback) args[1]);
            return invoke(method, real, registered);
          }
          return invoke(method, real, args);
        });
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static RecordBatchingStateRestoreCallback expanded(StateRestoreCallback local) {
    return records -> {
      List<ConsumerRecord<byte[], byte[]>> perId = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        expand(record, perId);
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
    for (Map.Entry<Long, List<Seen>> bucket : pending.entrySet()) {
      List<Seen> ids = bucket.getValue();
      for (int from = 0; from < ids.size(); from += MAX_IDS_PER_RECORD) {
        List<Seen> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_RECORD));
        long latest = chunk.stream().mapToLong(Seen::time).max().orElseThrow();
        // Keys never repeat (the topic deletes by time only); the record is stamped with its latest
        // event time, so the broker keeps it at least as long as the local store keeps its ids.
        byte[] key = ByteBuffer.allocate(2 * Long.BYTES).putLong(bucket.getKey())
            .putLong(ThreadLocalRandom.current().nextLong()).array();
        context.logChange(name, Bytes.wrap(key), encode(bucket.getKey(), chunk), latest, new RecordHeaders(),
            local.getPosition());
      }
    }
    pending.clear();
  }

  @Override
  public void clearCache() {
    pending.clear();
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
    local.close();
  }
}
