package io.tokenledger.economics.figures;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The summed figures of one {@link EconomicsKey}: the totals, the same per model, and the
 * outcome unit. Only ever changed by adding a {@link Delta}, so totals equal the sum of the
 * models by construction.
 */
public record Figures(String unit, Counters totals, Map<String, Counters> models) {
  public static final Figures EMPTY = new Figures(null, Counters.ZERO, Map.of());
  private static final StoredLayout LAYOUT = new StoredLayout("economics figures", 1);

  public Figures plus(Delta delta) {
    TreeMap<String, Counters> byModel = new TreeMap<>(models);
    Counters model = byModel.getOrDefault(delta.model(), Counters.ZERO).plus(delta.counters());
    if (model.isZero()) {
      byModel.remove(delta.model()); // an item that moved to another model leaves nothing behind
    } else {
      byModel.put(delta.model(), model);
    }
    return new Figures(delta.unit() != null ? delta.unit() : unit, totals.plus(delta.counters()),
        Collections.unmodifiableMap(byModel));
  }

  public static Serde<Figures> serde() {
    return Serdes.serdeFrom((topic, f) -> f == null ? null : f.toBytes(),
        (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
  }

  byte[] toBytes() {
    int size = Strings.size(unit) + Counters.BYTES + Integer.BYTES;
    for (String model : models.keySet()) {
      size += Strings.size(model) + Counters.BYTES;
    }
    ByteBuffer out = LAYOUT.writer(size);
    Strings.write(out, unit);
    totals.write(out);
    out.putInt(models.size());
    models.forEach((model, counters) -> {
      Strings.write(out, model);
      counters.write(out);
    });
    return out.array();
  }

  static Figures fromBytes(byte[] bytes) {
    ByteBuffer in = LAYOUT.reader(bytes).buffer();
    String unit = Strings.read(in);
    Counters totals = Counters.read(in);
    int count = in.getInt();
    TreeMap<String, Counters> models = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      models.put(Strings.read(in), Counters.read(in));
    }
    return new Figures(unit, totals, Collections.unmodifiableMap(models));
  }
}
