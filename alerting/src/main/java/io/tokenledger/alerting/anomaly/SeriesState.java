package io.tokenledger.alerting.anomaly;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What anomaly detection keeps per (team, workflow, model): the minute in progress (its
 * cumulative figures so far), the learned baselines, and the anomalies open per kind.
 */
final class SeriesState {
  static final long NONE = Long.MIN_VALUE;
  static final int KINDS = 3;
  private static final int MAX_BODY = 4 * 8 + 4 * Ewma.BYTES + KINDS * (1 + OpenAnomaly.BYTES);
  /** Version 2: an open anomaly's flag byte is 2 when it was not announced (1 in both: announced). */
  private static final StoredLayout LAYOUT = new StoredLayout("anomaly series state", 2);
  private static final byte NONE_OPEN = 0;
  private static final byte OPEN = 1;
  private static final byte OPEN_UNANNOUNCED = 2;

  long minute = NONE;
  long cost;
  long requests;
  long tokens;
  Ewma costRate = new Ewma();
  Ewma requestRate = new Ewma();
  Ewma tokensPerRequestFast = new Ewma();
  Ewma tokensPerRequestSlow = new Ewma();
  final OpenAnomaly[] open = new OpenAnomaly[KINDS];

  boolean anyOpen() {
    for (OpenAnomaly o : open) {
      if (o != null) {
        return true;
      }
    }
    return false;
  }

  /** Internal store layout (changelog only), versioned ({@link StoredLayout}) so it can evolve. */
  static Serde<SeriesState> serde() {
    return Serdes.serdeFrom((topic, s) -> s == null ? null : s.toBytes(), (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
  }

  private byte[] toBytes() {
    ByteBuffer b = LAYOUT.writer(MAX_BODY);
    b.putLong(minute).putLong(cost).putLong(requests).putLong(tokens);
    costRate.write(b);
    requestRate.write(b);
    tokensPerRequestFast.write(b);
    tokensPerRequestSlow.write(b);
    for (OpenAnomaly o : open) {
      b.put(o == null ? NONE_OPEN : o.announced ? OPEN : OPEN_UNANNOUNCED);
      if (o != null) {
        o.write(b);
      }
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  private static SeriesState fromBytes(byte[] bytes) {
    ByteBuffer b = LAYOUT.reader(bytes).buffer();
    SeriesState s = new SeriesState();
    s.minute = b.getLong();
    s.cost = b.getLong();
    s.requests = b.getLong();
    s.tokens = b.getLong();
    s.costRate = Ewma.read(b);
    s.requestRate = Ewma.read(b);
    s.tokensPerRequestFast = Ewma.read(b);
    s.tokensPerRequestSlow = Ewma.read(b);
    for (int i = 0; i < KINDS; i++) {
      byte flag = b.get();
      s.open[i] = flag == NONE_OPEN ? null : OpenAnomaly.read(b);
      if (flag == OPEN_UNANNOUNCED) {
        s.open[i].announced = false;
      }
    }
    return s;
  }
}
