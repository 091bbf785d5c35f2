package io.tokenledger.aggregation.window;

import io.tokenledger.aggregation.pricing.PricedUsage;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The running sums of one window, as kept in the state store: a version byte and thirteen longs, so the per-event store read and write cost no schema work. The published Avro
 * {@code UsageAggregate} is built from these only when a window is emitted.
 */
public final class Totals {
  static final int BYTES = 13 * Long.BYTES;
  /** Layout 1 (and before versions): ten longs, without the 1-hour cache-write and audio buckets. */
  static final int BYTES_V1 = 10 * Long.BYTES;

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
  long cacheWrite1h;
  long audioInput;
  long audioOutput;

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
    cacheWrite1h += other.cacheWrite1h;
    audioInput += other.audioInput;
    audioOutput += other.audioOutput;
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
    d.cacheWrite1h = cacheWrite1h - other.cacheWrite1h;
    d.audioInput = audioInput - other.audioInput;
    d.audioOutput = audioOutput - other.audioOutput;
    return d;
  }

  boolean isZero() {
    return events == 0 && requests == 0 && uncachedInput == 0 && cacheRead == 0 && cacheWrite == 0 && output == 0
        && reasoning == 0 && costNanoUsd == 0 && unpricedEvents == 0 && outcomeUnits == 0 && cacheWrite1h == 0
        && audioInput == 0 && audioOutput == 0;
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
    cacheWrite1h += event.getCacheWrite1hTokens();
    audioInput += event.getAudioInputTokens();
    audioOutput += event.getAudioOutputTokens();
    if (usage.priced()) {
      costNanoUsd = Math.addExact(costNanoUsd, usage.costNanoUsd());
    } else {
      unpricedEvents++;
    }
    if (event.getOutcomeUnits() != null) {
      outcomeUnits += event.getOutcomeUnits();
    }
  }

  /**
   * The store layout: a version byte, then thirteen longs (104 bytes). Layout 1 (ten longs) and
   * unversioned 80-byte records still read, with the buckets they did not have at 0.
   */
  static final StoredLayout LAYOUT = new StoredLayout("window totals", 2, BYTES_V1);

  void write(ByteBuffer b) {
    b.putLong(events).putLong(requests).putLong(uncachedInput).putLong(cacheRead).putLong(cacheWrite)
        .putLong(output).putLong(reasoning).putLong(costNanoUsd).putLong(unpricedEvents).putLong(outcomeUnits)
        .putLong(cacheWrite1h).putLong(audioInput).putLong(audioOutput);
  }

  /** Totals of a layout ({@link StoredLayout.Body#version()}: 0 and 1 have ten longs, 2 thirteen). */
  static Totals read(ByteBuffer b, int version) {
    Totals t = readV1(b);
    if (version >= 2) {
      t.cacheWrite1h = b.getLong();
      t.audioInput = b.getLong();
      t.audioOutput = b.getLong();
    }
    return t;
  }

  private static Totals readV1(ByteBuffer b) {
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
    Deserializer<Totals> deserializer = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      StoredLayout.Body body = LAYOUT.reader(bytes);
      return read(body.buffer(), body.version());
    };
    return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, deserializer);
  }
}
