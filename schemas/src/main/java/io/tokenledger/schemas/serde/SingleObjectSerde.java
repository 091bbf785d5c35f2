package io.tokenledger.schemas.serde;

import io.tokenledger.schemas.history.SchemaHistory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.io.DatumReader;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding (spec: header C3 01, 8-byte little-endian CRC-64-AVRO
 * fingerprint of the writer schema, then the binary body). Reads every released version of
 * the record and resolves it to the current one. Thread-safe.
 */
public final class SingleObjectSerde<T extends SpecificRecord> implements Serde<T> {
  private final Class<T> type;
  private final Schema readerSchema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final List<Schema> released;
  /**
   * A reader per released writer schema, beside its fingerprint: the fast path of {@link #decode}
   * (a handful of versions, scanned: no boxed key per decode).
   */
  private final long[] fingerprints;
  private final List<DatumReader<T>> readers;
  /** Two marker bytes and the 8-byte fingerprint come before the body. */
  private static final int HEADER_BYTES = 10;
  private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

  public SingleObjectSerde(Class<T> type, SchemaHistory history) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    this.readerSchema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, readerSchema);
    this.decoder = new BinaryMessageDecoder<>(model, readerSchema);
    this.released = history.versions(readerSchema.getFullName());
    released.forEach(decoder::addSchema);
    this.fingerprints = released.stream().mapToLong(SchemaNormalization::parsingFingerprint64).toArray();
    @SuppressWarnings("unchecked") // the model makes readers of the type it was made for
    List<DatumReader<T>> made = released.stream()
        .map(writer -> (DatumReader<T>) model.createDatumReader(writer, readerSchema)).toList();
    this.readers = made;
  }

  public T decode(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    T fast = decodeFast(bytes);
    return fast != null ? fast : decodeOrExplain(bytes);
  }

  /** The writer's fingerprint, little-endian after the two marker bytes: read in place, no buffer per event. */
  private static final java.lang.invoke.VarHandle FINGERPRINT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
      long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * A well-formed value of a released version, read straight from the array (Avro's message
   * decoder reads it through an input stream, a byte at a time: most of a decode's time); null
   * for anything else, which {@link #decodeOrExplain} decodes or explains.
   */
  private T decodeFast(byte[] bytes) {
    if (bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
      return null;
    }
    long fingerprint = (long) FINGERPRINT.get(bytes, 2);
    DatumReader<T> reader = null;
    for (int i = 0; i < fingerprints.length && reader == null; i++) {
      reader = fingerprints[i] == fingerprint ? readers.get(i) : null;
    }
    if (reader == null) {
      return null;
    }
    try {
      BinaryDecoder body = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES,
          DECODERS.get());
      DECODERS.set(body);
      T value = reader.read(null, body);
      return body.isEnd() ? value : null; // trailing bytes: let the full path judge it
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private T decodeOrExplain(byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (BadHeaderException e) {
      throw new UndecodableException(UndecodableException.Reason.NOT_AVRO, "Value is not Avro single-object encoded "
          + type.getSimpleName() + " (" + bytes.length + " bytes, starts with " + head(bytes)
          + "); the producer must use tokenledger's serde", e);
    } catch (MissingSchemaException e) {
      throw new UndecodableException(UndecodableException.Reason.UNKNOWN_SCHEMA, "Value was written with a "
          + type.getSimpleName() + " schema whose fingerprint " + fingerprint(bytes)
          + " is not a released version (known: " + knownFingerprints()
          + "); release the writer's schema in tokenledger-schemas or upgrade the producer", e);
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      String field = truncatedAt(bytes);
      if (field != null) {
        throw new UndecodableException(UndecodableException.Reason.CORRUPT, "Value has a known "
            + type.getSimpleName() + " header but its body ends early: its " + (bytes.length - HEADER_BYTES)
            + " bytes stop inside field '" + field + "' (the value was cut short in transit or by the producer)", e);
      }
      throw new UndecodableException(UndecodableException.Reason.CORRUPT, "Value has a known "
          + type.getSimpleName() + " header but its body does not decode (" + describe(e) + ")", e);
    }
  }

  /**
   * The top-level field inside which a body written with a released schema runs out of bytes,
   * or null when it does not simply end early.
   */
  private String truncatedAt(byte[] bytes) {
    if (bytes.length < HEADER_BYTES) {
      return null;
    }
    long fingerprint = (long) FINGERPRINT.get(bytes, 2);
    for (Schema writer : released) {
      if (SchemaNormalization.parsingFingerprint64(writer) != fingerprint) {
        continue;
      }
      BinaryDecoder body = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null);
      for (Schema.Field field : writer.getFields()) {
        try {
          new GenericDatumReader<>(field.schema()).read(null, body);
        } catch (java.io.EOFException e) {
          return field.name();
        } catch (IOException | RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static String describe(Throwable e) {
    Throwable cause = e.getCause();
    return cause == null || cause == e ? e.getMessage() : e.getMessage() + ": " + cause;
  }

  public byte[] encode(T value) {
    if (value == null) {
      return null;
    }
    try {
      ByteBuffer buffer = encoder.encode(value);
      byte[] out = new byte[buffer.remaining()];
      buffer.get(out);
      return out;
    } catch (IOException | AvroRuntimeException e) {
      throw new SerializationException("Cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> decode(bytes);
  }

  private static String head(byte[] bytes) {
    return HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 4));
  }

  private static String fingerprint(byte[] bytes) {
    return bytes.length >= 10 ? HexFormat.of().formatHex(bytes, 2, 10) : "(truncated)";
  }

  private String knownFingerprints() {
    StringBuilder known = new StringBuilder();
    for (Schema version : SchemaHistory.get().versions(readerSchema.getFullName())) {
      long fp = SchemaNormalization.parsingFingerprint64(version);
      if (known.length() > 0) {
        known.append(", ");
      }
      known.append(HexFormat.of().formatHex(ByteBuffer.allocate(8)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(fp).array()));
    }
    return known.toString();
  }
}
