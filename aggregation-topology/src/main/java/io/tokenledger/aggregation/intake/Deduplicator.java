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
 */
public final class Deduplicator<V> implements Processor<String, V, String, V> {
  private static final Logger log = LoggerFactory.getLogger(Deduplicator.class);

  private final String storeName;
  private final Function<V, String> eventId;
  private ProcessorContext<String, V> context;
  private SeenIdsStore seen;
  private long duplicates;

  /** The processor with its store, which remembers ids for {@code horizon}. */
  public static <V> ProcessorSupplier<String, V, String, V> supplier(String storeName, Duration horizon,
      Function<V, String> eventId) {
    return ProcessorWithStores.of(() -> new Deduplicator<>(storeName, eventId),
        List.of(SeenIdsStore.builder(storeName, horizon)));
  }

  /** The horizon is the store's retention; the store is built with it. */
  public Deduplicator(String storeName, Function<V, String> eventId) {
    this.storeName = storeName;
    this.eventId = eventId;
  }

  @Override
  public void init(ProcessorContext<String, V> context) {
    this.context = context;
    this.seen = SeenIdsStore.of(context, storeName);
  }

  @Override
  public void process(Record<String, V> record) {
    String eventId = this.eventId.apply(record.value());
    long eventTime = record.timestamp();
    if (seen.seen(eventId, eventTime)) {
      duplicates++;
      UsageMeters.DUPLICATE.increment();
      log.debug("Duplicate usage event {} for team {} dropped ({} duplicates so far in this task)",
          eventId, record.key(), duplicates);
      return;
    }
    seen.remember(eventId, eventTime);
    context.forward(record);
  }
}
