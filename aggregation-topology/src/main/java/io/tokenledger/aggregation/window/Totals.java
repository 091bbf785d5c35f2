package io.tokenledger.aggregation.window;

import io.tokenledger.aggregation.pricing.PricedUsage;
import io.tokenledger.schemas.UsageEvent;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The running sums of one window, as kept in the state store: ten longs in a fixed 80-byte
 * layout, so the per-event store read and write cost no schema work. The published Avro
 * {@code UsageAggregate} is built from these only when a window is emitted.
 */
public final class Totals {
  static final int BYTES = 10 * Long.BYTES;

  long events;
  long requests;
  long uncachedInput;
  long cacheRead;
  long cacheWrite;
  long output;
  long reasoning;
  long costNanoUsd;
  long unpricedEvents;
  long outcomeUnits;

  void add(PricedUsage usage) {
    UsageEvent event = usage.event();
    events++;
    requests += event.getRequestCount();
    uncachedInput += event.getUncachedInputTokens();
    cacheRead += event.getCacheReadTokens();
    cacheWrite += event.getCacheWriteTokens();
    output += event.getOutputTokens();
    reasoning += event.getReasoningTokens();
    if (usage.priced()) {
      costNanoUsd = Math.addExact(costNanoUsd, usage.costNanoUsd());
    } else {
      unpricedEvents++;
    }
    if (event.getOutcomeUnits() != null) {
      outcomeUnits += event.getOutcomeUnits();
    }
  }

  /** Serde for the store: the layout is internal (changelog only), fixed and versionless. */
  public static Serde<Totals> serde() {
    Serializer<Totals> serializer = (topic, t) -> t == null ? null : ByteBuffer.allocate(BYTES)
        .putLong(t.events).putLong(t.requests).putLong(t.uncachedInput).putLong(t.cacheRead).putLong(t.cacheWrite)
        .putLong(t.output).putLong(t.reasoning).putLong(t.costNanoUsd).putLong(t.unpricedEvents).putLong(t.outcomeUnits)
        .array();
    Deserializer<Totals> deserializer = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      Totals t = new Totals();
      t.events = b.getLong();
      t.requests = b.getLong();
      t.uncachedInput = b.getLong();
      t.cacheRead = b.getLong();
      t.cacheWrite = b.getLong();
      t.output = b.getLong();
      t.reasoning = b.getLong();
      t.costNanoUsd = b.getLong();
      t.unpricedEvents = b.getLong();
      t.outcomeUnits = b.getLong();
      return t;
    };
    return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, deserializer);
  }
}
