package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the per-team rollup sends through the partials topic to the cross-team rollup. Either
 * a partial sum (what one usage partition's minute windows of one model or workflow gained since
 * the last send), or a progress mark: "usage partition {@code source} will send nothing more
 * for minutes starting before {@code through}". Cross-team windows are final once every
 * usage partition's mark has passed their end.
 */
public record Partial(Kind kind, long minuteStart, Totals delta, int source, long through) {

  /** What a partials record carries; the ordinal is its first byte on the wire (never reorder). */
  public enum Kind { MODEL_DELTA, WORKFLOW_DELTA, PROGRESS }

  static Partial delta(Scope scope, long minuteStart, Totals delta) {
    return new Partial(scope == Scope.MODEL ? Kind.MODEL_DELTA : Kind.WORKFLOW_DELTA, minuteStart, delta, -1, 0);
  }

  static Partial progress(int source, long through) {
    return new Partial(Kind.PROGRESS, 0, null, source, through);
  }

  Scope scope() {
    return kind == Kind.MODEL_DELTA ? Scope.MODEL : Scope.WORKFLOW;
  }

  private static final int PROGRESS_BYTES = 1 + Integer.BYTES + Long.BYTES;
  private static final int DELTA_BYTES = 1 + Long.BYTES + Totals.BYTES;
  private static final int DELTA_BYTES_V1 = 1 + Long.BYTES + Totals.BYTES_V1;
  /**
   * Internal wire layout: a version byte, the kind byte, then minute + totals (in the totals'
   * layout of the same version) or source + through. Partials of layout 1, and written before the
   * version byte (13 or 89 bytes), still read.
   */
  private static final StoredLayout LAYOUT = new StoredLayout("rollup partial", 2, PROGRESS_BYTES, DELTA_BYTES_V1);

  public static Serde<Partial> serde() {
    Serializer<Partial> serializer = (topic, p) -> {
      if (p == null) {
        return null;
      }
      if (p.kind == Kind.PROGRESS) {
        return LAYOUT.writer(PROGRESS_BYTES).put((byte) p.kind.ordinal()).putInt(p.source).putLong(p.through).array();
      }
      ByteBuffer b = LAYOUT.writer(DELTA_BYTES).put((byte) p.kind.ordinal()).putLong(p.minuteStart);
      p.delta.write(b);
      return b.array();
    };
    Deserializer<Partial> deserializer = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      StoredLayout.Body body = LAYOUT.reader(bytes);
      ByteBuffer b = body.buffer();
      Kind kind = Kind.values()[b.get()];
      if (kind == Kind.PROGRESS) {
        return progress(b.getInt(), b.getLong());
      }
      long minute = b.getLong();
      return new Partial(kind, minute, Totals.read(b, body.version()), -1, 0);
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
