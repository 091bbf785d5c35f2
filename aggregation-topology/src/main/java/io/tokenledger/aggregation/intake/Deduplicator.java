package io.tokenledger.aggregation.intake;

import io.tokenledger.platform.streams.ProcessorWithStores;
import io.tokenledger.platform.streams.SeenIdsStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a usage event already seen within the dedup horizon. A retry or replay of a record
 * carries the same event_id and the same event_time (both are set once, when the usage
 * happened), so the pair identifies it: a point lookup in a window store keyed by event_id
 * at the event time, one RocksDB get instead of a range scan. Old ids expire with the store's
 * segments, and because its changelog is written in the same exactly-once transaction as the
 * aggregates, an id is never remembered for an event whose counts were not committed. The
 * changelog holds the ids of an hour per record ({@link SeenIdsStore}), not a record per id.
 * A record may hold several events ({@link Events}): each is checked on its own, and the record
 * goes on with those not seen before, or not at all.
 */
public final class Deduplicator<V> implements Processor<String, V, String, V> {
  private static final Logger log = LoggerFactory.getLogger(Deduplicator.class);

  /** The events of a record: their ids and times, and the record made of those to keep. */
  public interface Events<V> {
    int count(V value);

    String id(V value, int index);

    long time(V value, int index, long recordTime);

    /** The value with only the events whose index is in {@code kept} (ascending, not empty, not all). */
    V keep(V value, int[] kept, int count);
  }

  /** A record that is one event, at the record's time. */
  public static <V> Events<V> single(Function<V, String> eventId) {
    return new Events<>() {
      @Override
      public int count(V value) {
        return 1;
      }

      @Override
      public String id(V value, int index) {
        return eventId.apply(value);
      }

      @Override
      public long time(V value, int index, long recordTime) {
        return recordTime;
      }

      @Override
      public V keep(V value, int[] kept, int count) {
        throw new IllegalStateException("a single event is kept whole or dropped");
      }
    };
  }

  private final String storeName;
  private final Events<V> events;
  private ProcessorContext<String, V> context;
  private SeenIdsStore seen;
  private long duplicates;
  private int[] kept = new int[16];

  /** The processor with its store, which remembers ids for {@code horizon}. */
  public static <V> ProcessorSupplier<String, V, String, V> supplier(String storeName, Duration horizon,
      Function<V, String> eventId) {
    return supplier(storeName, horizon, single(eventId));
  }

  /** The same for records of several events. */
  public static <V> ProcessorSupplier<String, V, String, V> supplier(String storeName, Duration horizon,
      Events<V> events) {
    return ProcessorWithStores.of(() -> new Deduplicator<>(storeName, events),
        List.of(SeenIdsStore.builder(storeName, horizon)));
  }

  /** The same, with at most {@code recentIds} of a task's latest ids held in memory. */
  public static <V> ProcessorSupplier<String, V, String, V> supplier(String storeName, Duration horizon,
      Events<V> events, long recentIds) {
    return ProcessorWithStores.of(() -> new Deduplicator<>(storeName, events),
        List.of(SeenIdsStore.builder(storeName, horizon, recentIds)));
  }

  /** Single events, with at most {@code recentIds} of a task's latest ids held in memory. */
  public static <V> ProcessorSupplier<String, V, String, V> supplier(String storeName, Duration horizon,
      Function<V, String> eventId, long recentIds) {
    return ProcessorWithStores.of(() -> new Deduplicator<>(storeName, single(eventId)),
        List.of(SeenIdsStore.builder(storeName, horizon, recentIds)));
  }

  /** The horizon is the store's retention; the store is built with it. */
  public Deduplicator(String storeName, Events<V> events) {
    this.storeName = storeName;
    this.events = events;
  }

  @Override
  public void init(ProcessorContext<String, V> context) {
    this.context = context;
    this.seen = SeenIdsStore.of(context, storeName);
  }

  @Override
  public void process(Record<String, V> record) {
    V value = record.value();
    int count = events.count(value);
    if (kept.length < count) {
      kept = new int[Math.max(count, kept.length * 2)];
    }
    int keptCount = 0;
    for (int i = 0; i < count; i++) {
      String eventId = events.id(value, i);
      long eventTime = events.time(value, i, record.timestamp());
      if (!seen.rememberIfNew(eventId, eventTime)) { // a second copy later in the same record is a duplicate too
        duplicates++;
        UsageMeters.DUPLICATE.increment();
        log.debug("Duplicate usage event {} for team {} dropped ({} duplicates so far in this task)",
            eventId, record.key(), duplicates);
      } else {
        kept[keptCount++] = i;
      }
    }
    if (keptCount == count) {
      context.forward(record);
    } else if (keptCount > 0) {
      context.forward(record.withValue(events.keep(value, kept, keptCount)));
    }
  }
}
