package io.tokenledger.aggregation.window;

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

  /** Internal wire layout (kind byte, then minute + totals, or source + through); versionless. */
  public static Serde<Partial> serde() {
    Serde<Totals> totals = Totals.serde();
    Serializer<Partial> serializer = (topic, p) -> {
      if (p == null) {
        return null;
      }
      if (p.kind == Kind.PROGRESS) {
        return ByteBuffer.allocate(1 + Integer.BYTES + Long.BYTES).put((byte) p.kind.ordinal()).putInt(p.source)
            .putLong(p.through).array();
      }
      return ByteBuffer.allocate(1 + Long.BYTES + Totals.BYTES).put((byte) p.kind.ordinal()).putLong(p.minuteStart)
          .put(totals.serializer().serialize(topic, p.delta)).array();
    };
    Deserializer<Partial> deserializer = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      Kind kind = Kind.values()[b.get()];
      if (kind == Kind.PROGRESS) {
        return progress(b.getInt(), b.getLong());
      }
      long minute = b.getLong();
      byte[] rest = new byte[Totals.BYTES];
      b.get(rest);
      return new Partial(kind, minute, totals.deserializer().deserialize(topic, rest), -1, 0);
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
