package io.tokenledger.alerting.admission;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Headroom held for calls not yet recorded: one call's estimate, or a lease the caller admits
 * further calls of the same cell from. It holds the same amount against each budget it names;
 * usage carrying its id takes the actual cost off it (and a call's reservation ends there), and
 * what is left is released when it expires.
 *
 * @param remainingTokens held tokens, counted against token limits
 */
record Reservation(String id, String team, boolean lease, List<String> budgetIds, long remainingNanoUsd,
    long remainingTokens, long expiresAt, long calls, long settled) {
  /** A lease's number of calls is known once its holder gives it back. */
  static final long CALLS_UNKNOWN = -1;

  Reservation less(long nanoUsd, long tokens) {
    return new Reservation(id, team, lease, budgetIds, Math.max(0, remainingNanoUsd - Math.max(0, nanoUsd)),
        Math.max(0, remainingTokens - Math.max(0, tokens)), expiresAt, calls, settled);
  }

  Reservation settledOne() {
    return new Reservation(id, team, lease, budgetIds, remainingNanoUsd, remainingTokens, expiresAt, calls,
        settled + 1);
  }

  Reservation withCalls(long admitted) {
    return new Reservation(id, team, lease, budgetIds, remainingNanoUsd, remainingTokens, expiresAt, admitted,
        settled);
  }

  /** Every call admitted under it has settled: nothing is in flight that it must still hold for. */
  boolean done() {
    return !lease || (calls != CALLS_UNKNOWN && settled >= calls);
  }

  /** Store layout (internal, changelog only): version byte, id, team, lease flag, budget ids, five longs. */
  private static final StoredLayout LAYOUT = new StoredLayout("admission reservation", 1);

  static Serde<Reservation> serde() {
    return Serdes.serdeFrom((topic, r) -> {
      if (r == null) {
        return null;
      }
      List<byte[]> parts = new ArrayList<>();
      parts.add(AdmissionCell.bytes(r.id));
      parts.add(AdmissionCell.bytes(r.team));
      r.budgetIds.forEach(id -> parts.add(AdmissionCell.bytes(id)));
      int size = 1 + 4 + 40;
      for (byte[] part : parts) {
        size += 4 + part.length;
      }
      ByteBuffer out = LAYOUT.writer(size);
      AdmissionCell.putBytes(out, parts.get(0));
      AdmissionCell.putBytes(out, parts.get(1));
      out.put((byte) (r.lease ? 1 : 0)).putInt(r.budgetIds.size());
      for (int i = 2; i < parts.size(); i++) {
        AdmissionCell.putBytes(out, parts.get(i));
      }
      return out.putLong(r.remainingNanoUsd).putLong(r.remainingTokens).putLong(r.expiresAt).putLong(r.calls)
          .putLong(r.settled).array();
    }, (topic, data) -> {
      if (data == null) {
        return null;
      }
      ByteBuffer in = LAYOUT.reader(data).buffer();
      String id = AdmissionCell.string(in);
      String team = AdmissionCell.string(in);
      boolean lease = in.get() == 1;
      int count = in.getInt();
      List<String> budgets = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        budgets.add(AdmissionCell.string(in));
      }
      return new Reservation(id, team, lease, List.copyOf(budgets), in.getLong(), in.getLong(), in.getLong(),
          in.getLong(), in.getLong());
    });
  }
}
