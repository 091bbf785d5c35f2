package io.tokenledger.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The one seam through which every tokenledger component gets its Avro serdes.
 *
 * <p>The default, {@link SingleObjectSerdeFactory}, writes Avro single-object encoding and
 * resolves writer schemas from the released versions shipped in this module. A deployment
 * with a schema registry plugs in its own implementation with
 * {@code tokenledger.serde.factory=<class name>} (a public no-arg constructor; {@link
 * #configure} receives the full configuration).
 */
public interface AvroSerdeFactory {
  String CONFIG = "tokenledger.serde.factory";

  /** Called once with the application's configuration before any serde is requested. */
  default void configure(Map<String, ?> config) {}

  /** A serde for values (or keys) of the given generated record type. */
  <T extends SpecificRecord> Serde<T> serde(Class<T> type);

  static AvroSerdeFactory fromConfig(Map<String, ?> config) {
    Object configured = config.get(CONFIG);
    if (configured == null || configured.toString().isBlank()) {
      return new SingleObjectSerdeFactory();
    }
    String className = configured.toString().strip();
    try {
      AvroSerdeFactory factory = Class.forName(className)
          .asSubclass(AvroSerdeFactory.class).getDeclaredConstructor().newInstance();
      factory.configure(config);
      return factory;
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException(CONFIG + "=" + className
          + " is not a loadable AvroSerdeFactory with a public no-arg constructor", e);
    }
  }
}
