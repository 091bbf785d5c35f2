package io.tokenledger.economics.figures;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;

/**
 * One change of one model's figures, on the economics' internal topic: what an item or a
 * ledger bucket adds (or, negative, takes back). {@code unit} is the outcome unit, when known.
 */
public record Delta(String model, String unit, Counters counters) {
  private static final StoredLayout LAYOUT = new StoredLayout("economics delta", 1);

  public byte[] toBytes() {
    ByteBuffer out = LAYOUT.writer(Strings.size(model) + Strings.size(unit) + Counters.BYTES);
    Strings.write(out, model);
    Strings.write(out, unit);
    counters.write(out);
    return out.array();
  }

  public static Delta fromBytes(byte[] bytes) {
    ByteBuffer in = LAYOUT.reader(bytes).buffer();
    String model = Strings.read(in);
    String unit = Strings.read(in);
    return new Delta(model, unit, Counters.read(in));
  }
}
