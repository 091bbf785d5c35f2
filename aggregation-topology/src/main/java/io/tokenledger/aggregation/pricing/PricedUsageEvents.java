package io.tokenledger.aggregation.pricing;

import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.batches.RecordBatches;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The priced usage topic's record of an event the aggregation accepted and priced. A
 * {@link PricedUsageEvent}'s first fields are a {@link UsageEvent}'s, so its Avro body is the
 * event's body followed by the model and the cost: an event that came in written with the
 * current schema is published by copying its bytes and appending those two fields, not by
 * encoding it again (one encode per event is a measurable share of the topology's time). An
 * event written with an older schema is encoded in full.
 */
public final class PricedUsageEvents {
  /** Two marker bytes and the 8-byte fingerprint of Avro's single-object encoding. */
  private static final int HEADER = 10;
  private static final byte[] USAGE_FINGERPRINT = fingerprint(UsageEvent.getClassSchema());
  private static final byte[] PRICED_HEADER = header(PricedUsageEvent.getClassSchema());

  static {
    List<Schema.Field> usage = UsageEvent.getClassSchema().getFields();
    List<Schema.Field> priced = PricedUsageEvent.getClassSchema().getFields();
    for (int i = 0; i < usage.size(); i++) {
      if (!usage.get(i).name().equals(priced.get(i).name()) || !usage.get(i).schema().equals(priced.get(i).schema())) {
        throw new IllegalStateException("PricedUsageEvent's field " + i + " is not UsageEvent's '"
            + usage.get(i).name() + "': its first fields must be the event's, in order");
      }
    }
  }

  private PricedUsageEvents() {}

  public static PricedUsageEvent of(PricedUsage priced) {
    UsageEvent e = priced.event();
    return PricedUsageEvent.newBuilder()
        .setEventId(e.getEventId())
        .setEventTime(e.getEventTime())
        .setTeam(e.getTeam())
        .setWorkflow(e.getWorkflow())
        .setService(e.getService())
        .setUserId(e.getUserId())
        .setAgentId(e.getAgentId())
        .setProvider(e.getProvider())
        .setModel(e.getModel())
        .setUncachedInputTokens(e.getUncachedInputTokens())
        .setCacheReadTokens(e.getCacheReadTokens())
        .setCacheWriteTokens(e.getCacheWriteTokens())
        .setOutputTokens(e.getOutputTokens())
        .setReasoningTokens(e.getReasoningTokens())
        .setRequestCount(e.getRequestCount())
        .setOutcomeUnit(e.getOutcomeUnit())
        .setOutcomeUnits(e.getOutcomeUnits())
        .setOutcomeSuccess(e.getOutcomeSuccess())
        .setAttributes(e.getAttributes())
        .setWorkItemId(e.getWorkItemId())
        .setCacheWrite1hTokens(e.getCacheWrite1hTokens())
        .setAudioInputTokens(e.getAudioInputTokens())
        .setAudioOutputTokens(e.getAudioOutputTokens())
        .setServiceTier(e.getServiceTier())
        .setReservationId(e.getReservationId())
        .setVariant(e.getVariant())
        .setPricedModel(priced.model().model())
        .setCostNanoUsd(priced.priced() ? priced.costNanoUsd() : null)
        .build();
  }

  /**
   * Writes the priced events of one usage record as one record of the topic: a single event as
   * itself, several as a batch ({@link RecordBatches#recordValue} adds the batch header).
   */
  public static Serializer<PricedUsage.Batch> serializer(Serializer<PricedUsageEvent> avro,
      RecordBatches<PricedUsageEvent, ?> batches) {
    Serializer<PricedUsage> one = serializer(avro);
    return new Serializer<>() {
      @Override
      public byte[] serialize(String topic, PricedUsage.Batch batch) {
        return serialize(topic, new org.apache.kafka.common.header.internals.RecordHeaders(), batch);
      }

      @Override
      public byte[] serialize(String topic, org.apache.kafka.common.header.Headers headers, PricedUsage.Batch batch) {
        List<byte[]> encoded = new java.util.ArrayList<>(batch.events().size());
        for (PricedUsage priced : batch.events()) {
          encoded.add(one.serialize(topic, priced));
        }
        return batches.recordValue(topic, encoded, headers);
      }
    };
  }

  /** Writes a {@link PricedUsage} as the topic's record: by copying when it can, else with {@code avro}. */
  public static Serializer<PricedUsage> serializer(Serializer<PricedUsageEvent> avro) {
    return (topic, priced) -> {
      if (priced == null) {
        return null;
      }
      byte[] in = priced.encoded();
      if (in == null || in.length < HEADER || !Arrays.equals(in, 2, HEADER, USAGE_FINGERPRINT, 0, 8)) {
        return avro.serialize(topic, of(priced));
      }
      byte[] model = priced.model().model().getBytes(StandardCharsets.UTF_8);
      byte[] tail = new byte[2 * 10 + model.length + 1];
      int at = writeLong(tail, 0, model.length);
      System.arraycopy(model, 0, tail, at, model.length);
      at += model.length;
      if (priced.priced()) {
        at = writeLong(tail, at, 1); // the union's second branch: long
        at = writeLong(tail, at, priced.costNanoUsd());
      } else {
        at = writeLong(tail, at, 0); // null
      }
      byte[] out = new byte[in.length + at];
      System.arraycopy(PRICED_HEADER, 0, out, 0, HEADER);
      System.arraycopy(in, HEADER, out, HEADER, in.length - HEADER);
      System.arraycopy(tail, 0, out, in.length, at);
      return out;
    };
  }

  /** Avro's zig-zag variable-length long. */
  private static int writeLong(byte[] buffer, int at, long value) {
    long n = (value << 1) ^ (value >> 63);
    while ((n & ~0x7FL) != 0) {
      buffer[at++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    buffer[at++] = (byte) n;
    return at;
  }

  private static byte[] fingerprint(Schema schema) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(SchemaNormalization.parsingFingerprint64(schema)).array();
  }

  private static byte[] header(Schema schema) {
    byte[] header = new byte[HEADER];
    header[0] = (byte) 0xC3;
    header[1] = 0x01;
    System.arraycopy(fingerprint(schema), 0, header, 2, 8);
    return header;
  }
}
