package io.tokenledger.aggregation.window;

import io.tokenledger.aggregation.pricing.PricedUsage;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The running sums of one window, as kept in the state store: a version byte and ten longs, so the per-event store read and write cost no schema work. The published Avro
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

  /** The window's cost so far, in nano-USD. */
  public long costNanoUsd() {
    return costNanoUsd;
  }

  /** Adds another window's totals (a difference, when propagating). */
  public void add(Totals other) {
    events += other.events;
    requests += other.requests;
    uncachedInput += other.uncachedInput;
    cacheRead += other.cacheRead;
    cacheWrite += other.cacheWrite;
    output += other.output;
    reasoning += other.reasoning;
    costNanoUsd = Math.addExact(costNanoUsd, other.costNanoUsd);
    unpricedEvents += other.unpricedEvents;
    outcomeUnits += other.outcomeUnits;
  }

  /** this minus other, field by field. */
  Totals minus(Totals other) {
    Totals d = new Totals();
    d.events = events - other.events;
    d.requests = requests - other.requests;
    d.uncachedInput = uncachedInput - other.uncachedInput;
    d.cacheRead = cacheRead - other.cacheRead;
    d.cacheWrite = cacheWrite - other.cacheWrite;
    d.output = output - other.output;
    d.reasoning = reasoning - other.reasoning;
    d.costNanoUsd = costNanoUsd - other.costNanoUsd;
    d.unpricedEvents = unpricedEvents - other.unpricedEvents;
    d.outcomeUnits = outcomeUnits - other.outcomeUnits;
    return d;
  }

  boolean isZero() {
    return events == 0 && requests == 0 && uncachedInput == 0 && cacheRead == 0 && cacheWrite == 0 && output == 0
        && reasoning == 0 && costNanoUsd == 0 && unpricedEvents == 0 && outcomeUnits == 0;
  }

  Totals copy() {
    Totals c = new Totals();
    c.add(this);
    return c;
  }

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

  /** The store layout: a version byte, then ten longs (80 bytes); unversioned 80-byte records still read. */
  static final StoredLayout LAYOUT = new StoredLayout("window totals", 1, BYTES);

  void write(ByteBuffer b) {
    b.putLong(events).putLong(requests).putLong(uncachedInput).putLong(cacheRead).putLong(cacheWrite)
        .putLong(output).putLong(reasoning).putLong(costNanoUsd).putLong(unpricedEvents).putLong(outcomeUnits);
  }

  static Totals read(ByteBuffer b) {
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
  }

  /** Serde for the store (internal, changelog only). */
  public static Serde<Totals> serde() {
    Serializer<Totals> serializer = (topic, t) -> {
      if (t == null) {
        return null;
      }
      ByteBuffer b = LAYOUT.writer(BYTES);
      t.write(b);
      return b.array();
    };
    Deserializer<Totals> deserializer = (topic, bytes) -> bytes == null ? null : read(LAYOUT.reader(bytes).buffer());
    return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, deserializer);
  }
}
