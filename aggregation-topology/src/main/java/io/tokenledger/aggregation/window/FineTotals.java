package io.tokenledger.aggregation.window;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A finest-grain window (team, workflow, model, minute): its current totals and the part of
 * them already added to the derived windows. Keeping both in the changelogged store makes
 * propagation exactly-once: after a crash, whatever was not propagated still shows as the
 * difference.
 */
public final class FineTotals {
  final Totals current;
  Totals propagated;

  FineTotals(Totals current, Totals propagated) {
    this.current = current;
    this.propagated = propagated;
  }

  /** The window's own totals (what the published record shows). */
  public Totals current() {
    return current;
  }

  static FineTotals empty() {
    return new FineTotals(new Totals(), new Totals());
  }

  /** How the engine keeps finest windows: it publishes their current totals. */
  public static final WindowSet.Values<FineTotals> VALUES = new WindowSet.Values<>() {
    @Override
    public FineTotals empty() {
      return FineTotals.empty();
    }

    @Override
    public Totals totals(FineTotals value) {
      return value.current;
    }

    @Override
    public Serde<FineTotals> serde() {
      return FineTotals.serde();
    }
  };

  public static Serde<FineTotals> serde() {
    Serde<Totals> totals = Totals.serde();
    return Serdes.serdeFrom((topic, f) -> f == null ? null : ByteBuffer.allocate(2 * Totals.BYTES)
            .put(totals.serializer().serialize(topic, f.current)).put(totals.serializer().serialize(topic, f.propagated))
            .array(),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          byte[] current = new byte[Totals.BYTES];
          byte[] propagated = new byte[Totals.BYTES];
          ByteBuffer.wrap(bytes).get(current).get(propagated);
          return new FineTotals(totals.deserializer().deserialize(topic, current),
              totals.deserializer().deserialize(topic, propagated));
        });
  }
}
