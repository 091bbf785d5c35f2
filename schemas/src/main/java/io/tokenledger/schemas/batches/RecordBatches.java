package io.tokenledger.schemas.batches;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * Several values of one topic in one Kafka record ({@code UsageBatch} on the usage topic,
 * {@code PricedUsageBatch} on the priced one): a busy producer pays Kafka's per-record cost once
 * per batch. A batch record carries the header {@value #HEADER} with the batch schema's full name;
 * a record without it is one value, so single records and batches share a topic and every reader
 * tells them apart without trying to decode. Each value in a batch is encoded with the topic's own
 * serde, so it keeps its schema version and is exactly the bytes it would be as a record of its own.
 *
 * @param <T> the topic's value type
 * @param <B> the batch record type
 */
public final class RecordBatches<T, B> {
  public static final String HEADER = "tokenledger.batch";

  private final Serde<T> value;
  private final Serde<B> batch;
  private final byte[] name;
  private final Function<List<ByteBuffer>, B> build;
  private final Function<B, List<ByteBuffer>> values;

  /**
   * @param batchName the batch schema's full name, the header's value
   * @param build makes a batch of encoded values
   * @param values the encoded values of a batch
   */
  public RecordBatches(Serde<T> value, Serde<B> batch, String batchName, Function<List<ByteBuffer>, B> build,
      Function<B, List<ByteBuffer>> values) {
    this.value = value;
    this.batch = batch;
    this.name = batchName.getBytes(StandardCharsets.UTF_8);
    this.build = build;
    this.values = values;
  }

  /**
   * For a writer that sends every value as a record of its own (a topic without a batch schema,
   * or batching turned off): {@link #recordValue} takes one value at a time, so such a writer
   * still goes through the one place that decides what a record's value is. It has no batch
   * schema, so it neither reads nor writes batches.
   */
  public static <T> RecordBatches<T, Void> none() {
    return new RecordBatches<>(null, null, "", null, null);
  }

  /** Whether this writer may put several values in a record; false for {@link #none()}. */
  public boolean batching() {
    return batch != null;
  }

  /** What a record is, from its headers. */
  public enum Kind { SINGLE, BATCH, UNKNOWN_BATCH }

  public Kind kindOf(Headers headers) {
    Header header = headers == null ? null : headers.lastHeader(HEADER);
    if (header == null) {
      return Kind.SINGLE;
    }
    return Arrays.equals(header.value(), name) ? Kind.BATCH : Kind.UNKNOWN_BATCH;
  }

  /** The header that marks a batch record. */
  public Header header() {
    return new RecordHeader(HEADER, name.clone());
  }

  /** The batch schema's full name, as the header carries it. */
  public String batchName() {
    return new String(name, StandardCharsets.UTF_8);
  }

  /**
   * The value of one Kafka record holding these values, already encoded with the topic's serde:
   * the value itself when there is one, else a batch, its header added to {@code headers}. Every
   * writer decides single or batch here, so a reader can rely on it.
   */
  public byte[] recordValue(String topic, List<byte[]> encodedValues, Headers headers) {
    if (encodedValues.size() == 1) {
      return encodedValues.get(0);
    }
    if (!batching()) {
      throw new IllegalStateException("this writer of " + topic + " sends one value per record, not "
          + encodedValues.size());
    }
    headers.add(header());
    return encode(topic, encodedValues);
  }

  /** A batch record's value of values already encoded with the topic's serde. */
  public byte[] encode(String topic, List<byte[]> encodedValues) {
    List<ByteBuffer> wrapped = new ArrayList<>(encodedValues.size());
    for (byte[] encoded : encodedValues) {
      wrapped.add(ByteBuffer.wrap(encoded));
    }
    return batch.serializer().serialize(topic, build.apply(wrapped));
  }

  /** A batch record's value of these values, each encoded with the topic's serde. */
  public byte[] encodeValues(String topic, List<T> list) {
    List<byte[]> encoded = new ArrayList<>(list.size());
    for (T one : list) {
      encoded.add(value.serializer().serialize(topic, one));
    }
    return encode(topic, encoded);
  }

  /**
   * The encoded values of a batch record's value, each as it would be a record of its own.
   *
   * @throws RuntimeException the batch's serde's error when the batch itself does not decode
   */
  public List<byte[]> split(String topic, byte[] batchValue) {
    List<ByteBuffer> wrapped = values.apply(batch.deserializer().deserialize(topic, batchValue));
    List<byte[]> out = new ArrayList<>(wrapped.size());
    for (ByteBuffer buffer : wrapped) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      out.add(bytes);
    }
    return out;
  }

  /**
   * The topic for a reader: its values read as lists, single records and batches alike (not for
   * writing).
   */
  public <K> io.tokenledger.schemas.topics.Topic<K, List<T>> asLists(io.tokenledger.schemas.topics.Topic<K, T> topic) {
    org.apache.kafka.common.serialization.Serializer<List<T>> refuse = (t, v) -> {
      throw new UnsupportedOperationException("write single records with the topic's serde, batches with encode");
    };
    return new io.tokenledger.schemas.topics.Topic<>(topic.logicalName(), topic.name(), topic.keySerde(),
        org.apache.kafka.common.serialization.Serdes.serdeFrom(refuse, deserializer()), topic.spec());
  }

  /**
   * Reads a record of the topic, single or batch, as its list of values (a single record's is
   * one). For Kafka Streams sources and consumers, which pass the headers.
   */
  public Deserializer<List<T>> deserializer() {
    Deserializer<T> one = value.deserializer();
    return new Deserializer<>() {
      @Override
      public List<T> deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
      }

      @Override
      public List<T> deserialize(String topic, Headers headers, byte[] data) {
        switch (kindOf(headers)) {
          case SINGLE -> {
            T single = one.deserialize(topic, headers, data);
            return single == null ? null : List.of(single);
          }
          case BATCH -> {
            List<byte[]> encoded = split(topic, data);
            List<T> out = new ArrayList<>(encoded.size());
            for (byte[] bytes : encoded) {
              out.add(one.deserialize(topic, bytes));
            }
            return out;
          }
          default -> throw new org.apache.kafka.common.errors.SerializationException("Record of " + topic
              + " is a batch of kind '" + new String(headers.lastHeader(HEADER).value(), StandardCharsets.UTF_8)
              + "', not '" + batchName() + "'; upgrade this reader");
        }
      }
    };
  }
}
