package io.tokenledger.schemas.serde;

import io.tokenledger.schemas.history.SchemaHistory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Avro single-object encoding; writer schemas come from {@link SchemaHistory}. */
public final class SingleObjectSerdeFactory implements AvroSerdeFactory {
  @Override
  public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
    return new SingleObjectSerde<>(type, SchemaHistory.get());
  }
}
