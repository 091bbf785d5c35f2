package io.tokenledger.economics.figures;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One change of one model's figures, on the economics' internal topic: what an item or a
 * ledger bucket adds (or, negative, takes back). {@code unit} is the outcome unit, when known;
 * {@code variant} the item's workflow variant, null for none (and for ledger spend);
 * {@code turnarounds} the succeeded item's turnaround, counted or taken back.
 */
public record Delta(String model, String unit, String variant, Counters counters, Turnarounds turnarounds) {
  // Version 2 added the variant, the quality and time counters and the turnarounds; version 3 carries
  // several changes in one record, so that a reader of the figures never sees half of an item's move.
  private static final StoredLayout LAYOUT = new StoredLayout("economics delta", 3);

  public Delta(String model, String unit, Counters counters) {
    this(model, unit, null, counters, Turnarounds.EMPTY);
  }

  /** Changes of one key, applied together, in order. */
  public static byte[] toBytes(List<Delta> changes) {
    int size = Integer.BYTES;
    for (Delta change : changes) {
      size += change.size();
    }
    ByteBuffer out = LAYOUT.writer(size);
    out.putInt(changes.size());
    for (Delta change : changes) {
      change.write(out);
    }
    return out.array();
  }

  /** The changes of one record: one for a record written before version 3. */
  public static List<Delta> fromBytes(byte[] bytes) {
    StoredLayout.Body body = LAYOUT.reader(bytes);
    ByteBuffer in = body.buffer();
    if (body.version() < 3) {
      return List.of(read(in, body.version()));
    }
    int count = in.getInt();
    List<Delta> changes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      changes.add(read(in, 3));
    }
    return changes;
  }

  private int size() {
    return Strings.size(model) + Strings.size(unit) + Strings.size(variant) + Counters.BYTES + turnarounds.size();
  }

  private void write(ByteBuffer out) {
    Strings.write(out, model);
    Strings.write(out, unit);
    Strings.write(out, variant);
    counters.write(out);
    turnarounds.write(out);
  }

  private static Delta read(ByteBuffer in, int version) {
    String model = Strings.read(in);
    String unit = Strings.read(in);
    if (version < 2) {
      return new Delta(model, unit, null, Counters.read(in, 1), Turnarounds.EMPTY);
    }
    String variant = Strings.read(in);
    return new Delta(model, unit, variant, Counters.read(in, 2), Turnarounds.read(in));
  }
}
