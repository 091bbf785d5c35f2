package io.tokenledger.economics.figures;

import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The summed figures of one {@link EconomicsKey}: the totals and their turnarounds, the same per
 * model, per workflow variant, and the outcome unit. Only ever changed by adding a {@link Delta},
 * so totals equal the sum of the models by construction (and of the variants, for the items
 * that carry one).
 */
public record Figures(String unit, Counters totals, Map<String, Counters> models, Turnarounds turnarounds,
    Map<String, Variant> variants) {
  public static final Figures EMPTY = new Figures(null, Counters.ZERO, Map.of(), Turnarounds.EMPTY, Map.of());
  // Version 2 added the turnarounds and the variants (and the counters' quality and time fields).
  private static final StoredLayout LAYOUT = new StoredLayout("economics figures", 2);

  /** One variant's items: their counters (spend from their own calls) and turnarounds. */
  public record Variant(Counters counters, Turnarounds turnarounds) {
    static final Variant EMPTY = new Variant(Counters.ZERO, Turnarounds.EMPTY);

    Variant plus(Delta delta) {
      return new Variant(counters.plus(delta.counters()), turnarounds.plus(delta.turnarounds()));
    }

    boolean isEmpty() {
      return counters.isZero() && turnarounds.isEmpty();
    }
  }

  public Figures(String unit, Counters totals, Map<String, Counters> models) {
    this(unit, totals, models, Turnarounds.EMPTY, Map.of());
  }

  public Figures plus(Delta delta) {
    TreeMap<String, Counters> byModel = new TreeMap<>(models);
    Counters model = byModel.getOrDefault(delta.model(), Counters.ZERO).plus(delta.counters());
    if (model.isZero()) {
      byModel.remove(delta.model()); // an item that moved to another model leaves nothing behind
    } else {
      byModel.put(delta.model(), model);
    }
    Map<String, Variant> byVariant = variants;
    if (delta.variant() != null) {
      TreeMap<String, Variant> changed = new TreeMap<>(variants);
      Variant variant = changed.getOrDefault(delta.variant(), Variant.EMPTY).plus(delta);
      if (variant.isEmpty()) {
        changed.remove(delta.variant());
      } else {
        changed.put(delta.variant(), variant);
      }
      byVariant = Collections.unmodifiableMap(changed);
    }
    return new Figures(delta.unit() != null ? delta.unit() : unit, totals.plus(delta.counters()),
        Collections.unmodifiableMap(byModel), turnarounds.plus(delta.turnarounds()), byVariant);
  }

  public static Serde<Figures> serde() {
    return Serdes.serdeFrom((topic, f) -> f == null ? null : f.toBytes(),
        (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
  }

  byte[] toBytes() {
    int size = Strings.size(unit) + Counters.BYTES + Integer.BYTES + turnarounds.size() + Integer.BYTES;
    for (String model : models.keySet()) {
      size += Strings.size(model) + Counters.BYTES;
    }
    for (Map.Entry<String, Variant> v : variants.entrySet()) {
      size += Strings.size(v.getKey()) + Counters.BYTES + v.getValue().turnarounds().size();
    }
    ByteBuffer out = LAYOUT.writer(size);
    Strings.write(out, unit);
    totals.write(out);
    out.putInt(models.size());
    models.forEach((model, counters) -> {
      Strings.write(out, model);
      counters.write(out);
    });
    turnarounds.write(out);
    out.putInt(variants.size());
    variants.forEach((name, variant) -> {
      Strings.write(out, name);
      variant.counters().write(out);
      variant.turnarounds().write(out);
    });
    return out.array();
  }

  static Figures fromBytes(byte[] bytes) {
    StoredLayout.Body body = LAYOUT.reader(bytes);
    ByteBuffer in = body.buffer();
    int version = body.version();
    String unit = Strings.read(in);
    Counters totals = Counters.read(in, version);
    int count = in.getInt();
    TreeMap<String, Counters> models = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      models.put(Strings.read(in), Counters.read(in, version));
    }
    if (version < 2) {
      return new Figures(unit, totals, Collections.unmodifiableMap(models));
    }
    Turnarounds turnarounds = Turnarounds.read(in);
    int variantCount = in.getInt();
    TreeMap<String, Variant> variants = new TreeMap<>();
    for (int i = 0; i < variantCount; i++) {
      String name = Strings.read(in);
      variants.put(name, new Variant(Counters.read(in, version), Turnarounds.read(in)));
    }
    return new Figures(unit, totals, Collections.unmodifiableMap(models), turnarounds,
        Collections.unmodifiableMap(variants));
  }
}
