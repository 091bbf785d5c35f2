package io.tokenledger.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.history.SchemaHistory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SingleObjectSerdeTest {
  private final SingleObjectSerde<UsageEvent> serde = new SingleObjectSerde<>(UsageEvent.class, SchemaHistory.get());

  @Test
  void writesTheSpecHeaderAndFingerprintAndReadsItBack() {
    UsageEvent event = UsageEvent.newBuilder().setEventId("e-1").setEventTime(Instant.parse("2026-11-01T10:00:00Z"))
        .setTeam("support").setWorkflow("triage").setService("bot").setProvider("openai").setModel("gpt-4o")
        .setUncachedInputTokens(12).setOutputTokens(3).setAttributes(Map.of("region", "eu")).build();
    byte[] bytes = serde.encode(event);

    assertArrayEquals(new byte[] {(byte) 0xC3, 0x01}, Arrays.copyOf(bytes, 2));
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(SchemaNormalization.parsingFingerprint64(UsageEvent.getClassSchema()), fingerprint);
    assertEquals(event, serde.decode(bytes));
  }

  @Test
  void namesTheReasonForEachKindOfUndecodableValue() {
    assertEquals(UndecodableException.Reason.NOT_AVRO, reasonFor("hello".getBytes()));
    assertEquals(UndecodableException.Reason.NOT_AVRO, reasonFor(new byte[0]));
    assertEquals(UndecodableException.Reason.UNKNOWN_SCHEMA,
        reasonFor(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 42}));
    byte[] truncated = Arrays.copyOf(serde.encode(UsageEvent.newBuilder().setEventId("e").setEventTime(Instant.EPOCH)
        .setTeam("t").setWorkflow("w").setService("s").setProvider("p").setModel("m").build()), 12);
    assertEquals(UndecodableException.Reason.CORRUPT, reasonFor(truncated));
  }

  @Test
  void unknownSchemaMessageTellsWhatToDo() {
    var e = assertThrows(UndecodableException.class,
        () -> serde.decode(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 42}));
    assertTrue(e.getMessage().contains("0102030405060708"), e.getMessage());
    assertTrue(e.getMessage().contains("release the writer's schema"), e.getMessage());
  }

  @Test
  void factoryDefaultsToSingleObjectAndRejectsAnUnloadableReplacement() {
    Serde<UsageEvent> fromFactory = AvroSerdeFactory.fromConfig(Map.of()).serde(UsageEvent.class);
    assertTrue(fromFactory instanceof SingleObjectSerde);
    var e = assertThrows(IllegalArgumentException.class,
        () -> AvroSerdeFactory.fromConfig(Map.of(AvroSerdeFactory.CONFIG, "com.example.NoSuchRegistrySerde")));
    assertTrue(e.getMessage().contains("tokenledger.serde.factory=com.example.NoSuchRegistrySerde"));
  }

  private UndecodableException.Reason reasonFor(byte[] bytes) {
    return assertThrows(UndecodableException.class, () -> serde.decode(bytes)).reason();
  }
}
