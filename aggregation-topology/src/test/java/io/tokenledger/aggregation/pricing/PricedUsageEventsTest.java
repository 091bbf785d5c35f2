package io.tokenledger.aggregation.pricing;

import io.tokenledger.schemas.models.ProviderModel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.history.SchemaHistory;
import io.tokenledger.schemas.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/**
 * The priced usage record made by copying the event's bytes is byte for byte what Avro writes
 * for the same record; an event written with an older schema is encoded in full, and reads back
 * the same.
 */
class PricedUsageEventsTest {
  private static final Topics TOPICS = Topics.defaults();
  private static final Serializer<PricedUsageEvent> AVRO = TOPICS.pricedUsage.valueSerde().serializer();
  private static final Serializer<PricedUsage> SPLICED = PricedUsageEvents.serializer(AVRO);

  private static UsageEvent event() {
    return UsageEvent.newBuilder().setEventId("0193a2b4-1234-7abc-8def-0123456789ab")
        .setEventTime(Instant.parse("2026-12-05T09:30:00.123Z")).setTeam("support").setWorkflow("triage")
        .setService("svc").setProvider("openai").setModel("gpt-4o-2024-08-06").setUncachedInputTokens(1_200)
        .setCacheReadTokens(300).setCacheWriteTokens(0).setOutputTokens(250).setReasoningTokens(64)
        .setRequestCount(1).setOutcomeUnit("ticket").setOutcomeUnits(1L).setOutcomeSuccess(true)
        .setAttributes(Map.of("region", "eu", "prompt", "v7 é")).setWorkItemId("ticket-42").build();
  }

  @Test
  void copiedBytesAreWhatAvroWrites() {
    byte[] encoded = TOPICS.usage.valueSerde().serializer().serialize("t", event());
    for (PricedUsage priced : new PricedUsage[] {
        new PricedUsage(event(), new ProviderModel("openai", "gpt-4o"), 3_725_000L, true, encoded),
        new PricedUsage(event(), new ProviderModel("openai", "gpt-4o"), Long.MAX_VALUE, true, encoded),
        new PricedUsage(event(), new ProviderModel("openai", "gpt-4o"), 0L, false, encoded),
        new PricedUsage(event(), new ProviderModel("openai", "modèle-ü"), 1L, true, encoded)}) {
      assertArrayEquals(AVRO.serialize("t", PricedUsageEvents.of(priced)), SPLICED.serialize("t", priced),
          priced.toString());
    }
    PricedUsageEvent read = TOPICS.pricedUsage.valueSerde().deserializer().deserialize("t",
        SPLICED.serialize("t", new PricedUsage(event(), new ProviderModel("openai", "gpt-4o"), 0L, false, encoded)));
    assertEquals(null, read.getCostNanoUsd(), "unpriced is null, never 0");
    assertEquals("gpt-4o", read.getPricedModel());
    assertEquals("gpt-4o-2024-08-06", read.getModel());
  }

  @Test
  void anEventWrittenWithAnOlderSchemaIsEncodedInFull() throws Exception {
    Schema v1 = SchemaHistory.get().versions(UsageEvent.getClassSchema().getFullName()).get(0);
    GenericRecord old = new GenericData.Record(v1);
    UsageEvent e = event();
    for (Schema.Field field : v1.getFields()) {
      Object value = e.get(field.name());
      old.put(field.name(), value instanceof Instant instant ? instant.toEpochMilli() : value);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0xC3, 0x01});
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(SchemaNormalization.parsingFingerprint64(v1)).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
    encoder.flush();
    UsageEvent asRead = TOPICS.usage.valueSerde().deserializer().deserialize("t", out.toByteArray());
    PricedUsage priced = new PricedUsage(asRead, new ProviderModel("openai", "gpt-4o"), 42L, true, out.toByteArray());
    assertArrayEquals(AVRO.serialize("t", PricedUsageEvents.of(priced)), SPLICED.serialize("t", priced));
  }
}
