package io.tokenledger.economics.figures;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;

/**
 * One change of one model's figures, on the economics' internal topic: what an item or a
 * ledger bucket adds (or, negative, takes back). {@code unit} is the outcome unit, when known;
 * {@code variant} the item's workflow variant, null for none (and for ledger spend);
 * {@code turnarounds} the succeeded item's turnaround, counted or taken back.
 */
public record Delta(String model, String unit, String variant, Counters counters, Turnarounds turnarounds) {
  // Version 2 added the variant, the quality and time counters and the turnarounds.
  private static final StoredLayout LAYOUT = new StoredLayout("economics delta", 2);

  public Delta(String model, String unit, Counters counters) {
    this(model, unit, null, counters, Turnarounds.EMPTY);
  }

  public byte[] toBytes() {
    ByteBuffer out = LAYOUT.writer(Strings.size(model) + Strings.size(unit) + Strings.size(variant) + Counters.BYTES
        + turnarounds.size());
    Strings.write(out, model);
    Strings.write(out, unit);
    Strings.write(out, variant);
    counters.write(out);
    turnarounds.write(out);
    return out.array();
  }

  public static Delta fromBytes(byte[] bytes) {
    StoredLayout.Body body = LAYOUT.reader(bytes);
    ByteBuffer in = body.buffer();
    String model = Strings.read(in);
    String unit = Strings.read(in);
    if (body.version() < 2) {
      return new Delta(model, unit, null, Counters.read(in, 1), Turnarounds.EMPTY);
    }
    String variant = Strings.read(in);
    return new Delta(model, unit, variant, Counters.read(in, 2), Turnarounds.read(in));
  }
}
