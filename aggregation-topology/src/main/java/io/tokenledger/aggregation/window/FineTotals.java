package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A finest-grain window (team, workflow, model, minute): its current totals and the parts of
 * them already added to the windows derived from it, one part per cadence: {@code propagated}
 * for what goes out at every live emit (the team windows and ledger, the cross-team partial
 * sums), {@code propagatedDetail} for the per-series windows and ledger, which are brought up to
 * date at the detail interval only. Keeping them in the changelogged store makes propagation
 * exactly-once: after a crash, whatever was not propagated still shows as the difference.
 */
public final class FineTotals {
  final Totals current;
  Totals propagated;
  Totals propagatedDetail;

  FineTotals(Totals current, Totals propagated, Totals propagatedDetail) {
    this.current = current;
    this.propagated = propagated;
    this.propagatedDetail = propagatedDetail;
  }

  /** The window's own totals (what the published record shows). */
  public Totals current() {
    return current;
  }

  /**
   * What this window holds beyond what it has added to its series' hour, day and ledger windows
   * (they are brought up to date at the detail interval), or null when nothing.
   */
  public Totals notInSeriesWindows() {
    Totals pending = current.minus(propagatedDetail);
    return pending.isZero() ? null : pending;
  }

  static FineTotals empty() {
    return new FineTotals(new Totals(), new Totals(), new Totals());
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
   * A version byte, then the current, the propagated and the detail-propagated totals in the
   * totals' layout 2 (thirteen longs each). Layout 2 (current and one propagated part, for both
   * cadences), 1 and unversioned 160-byte records (ten longs per totals) still read.
   */
  private static final StoredLayout LAYOUT = new StoredLayout("minute window totals", 3, 2 * Totals.BYTES_V1);

  public static Serde<FineTotals> serde() {
    return Serdes.serdeFrom((topic, f) -> {
      if (f == null) {
        return null;
      }
      ByteBuffer b = LAYOUT.writer(3 * Totals.BYTES);
      f.current.write(b);
      f.propagated.write(b);
      f.propagatedDetail.write(b);
      return b.array();
    }, (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      StoredLayout.Body body = LAYOUT.reader(bytes);
      ByteBuffer b = body.buffer();
      if (body.version() >= 3) {
        return new FineTotals(Totals.read(b, 2), Totals.read(b, 2), Totals.read(b, 2));
      }
      Totals current = Totals.read(b, body.version());
      Totals propagated = Totals.read(b, body.version());
      return new FineTotals(current, propagated, propagated.copy()); // one part then, for both cadences
    });
  }

}
