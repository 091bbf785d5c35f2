package io.tokenledger.aggregation.intake;

import io.tokenledger.schemas.UsageEvent;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a usage event whose event_id was already seen within the dedup horizon. The ids live
 * in a window store keyed by event_id at the event's time: old ids expire with its segments,
 * and because the store's changelog is written in the same exactly-once transaction as the
 * aggregates, an id is never remembered for an event whose counts were not committed.
 */
public final class Deduplicator implements Processor<String, UsageEvent, String, UsageEvent> {
  private static final Logger log = LoggerFactory.getLogger(Deduplicator.class);

  private final String storeName;
  private final long horizonMillis;
  private ProcessorContext<String, UsageEvent> context;
  private WindowStore<String, Long> seen;
  private long duplicates;

  public Deduplicator(String storeName, Duration horizon) {
    this.storeName = storeName;
    this.horizonMillis = horizon.toMillis();
  }

  @Override
  public void init(ProcessorContext<String, UsageEvent> context) {
    this.context = context;
    this.seen = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, UsageEvent> record) {
    String eventId = record.value().getEventId();
    long eventTime = record.timestamp();
    try (WindowStoreIterator<Long> earlier = seen.fetch(eventId, eventTime - horizonMillis, eventTime + horizonMillis)) {
      if (earlier.hasNext()) {
        duplicates++;
        log.debug("Duplicate usage event {} for team {} dropped ({} duplicates so far in this task)",
            eventId, record.key(), duplicates);
        return;
      }
    }
    seen.put(eventId, eventTime, eventTime);
    context.forward(record);
  }
}
