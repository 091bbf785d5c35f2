package io.tokenledger.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record in Avro's own JSON encoding, for answers that hand records to another program (the
 * FOCUS export reads the ledger so): every field, exactly (longs as integers, unions tagged by
 * type), readable back into the same record with no mapping of ours to keep in step.
 */
public final class AvroJson {
  private AvroJson() {}

  public static String encode(SpecificRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
      new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + record.getSchema().getName() + " as JSON", e);
    }
  }

  public static <T extends SpecificRecord> T decode(String json, Class<T> type) {
    Schema schema = SpecificData.get().getSchema(type);
    try {
      return new SpecificDatumReader<T>(schema).read(null, DecoderFactory.get().jsonDecoder(schema, json));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a " + schema.getName() + " in Avro JSON: " + e.getMessage(), e);
    }
  }
}
