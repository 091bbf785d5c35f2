package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.serde.StoredLayout;
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

  /**
   * A version byte, then the current and the propagated totals in the totals' layout of the same
   * version (2: thirteen longs each; 1 and unversioned 160-byte records: ten each) still read.
   */
  private static final StoredLayout LAYOUT = new StoredLayout("minute window totals", 2, 2 * Totals.BYTES_V1);

  public static Serde<FineTotals> serde() {
    return Serdes.serdeFrom((topic, f) -> {
      if (f == null) {
        return null;
      }
      ByteBuffer b = LAYOUT.writer(2 * Totals.BYTES);
      f.current.write(b);
      f.propagated.write(b);
      return b.array();
    }, (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      StoredLayout.Body body = LAYOUT.reader(bytes);
      ByteBuffer b = body.buffer();
      return new FineTotals(Totals.read(b, body.version()), Totals.read(b, body.version()));
    });
  }

}
