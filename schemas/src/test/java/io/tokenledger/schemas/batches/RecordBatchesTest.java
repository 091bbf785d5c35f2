package io.tokenledger.schemas.batches;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RecordBatchesTest {
  private final Topics topics = Topics.defaults();
  private final RecordBatches<UsageEvent, ?> batches = topics.usageBatches;
  private final String topic = topics.usage.name();

  @Test
  void aBatchHoldsEachEventAsItsOwnRecordWouldBe() {
    UsageEvent a = event("a");
    UsageEvent b = event("b");
    byte[] value = batches.encodeValues(topic, List.of(a, b));
    List<byte[]> split = batches.split(topic, value);
    assertEquals(2, split.size());
    assertArrayEquals(topics.usage.valueSerde().serializer().serialize(topic, a), split.get(0));
    assertArrayEquals(topics.usage.valueSerde().serializer().serialize(topic, b), split.get(1));
    RecordHeaders headers = new RecordHeaders(new RecordHeader[] {(RecordHeader) batches.header()});
    assertEquals(RecordBatches.Kind.BATCH, batches.kindOf(headers));
    assertEquals(List.of(a, b), batches.deserializer().deserialize(topic, headers, value));
  }

  @Test
  void aRecordWithoutTheHeaderIsOneEventAndAnotherKindOfBatchIsRefusedByName() {
    UsageEvent a = event("a");
    byte[] single = topics.usage.valueSerde().serializer().serialize(topic, a);
    assertEquals(RecordBatches.Kind.SINGLE, batches.kindOf(new RecordHeaders()));
    assertEquals(List.of(a), batches.deserializer().deserialize(topic, new RecordHeaders(), single));
    RecordHeaders other = new RecordHeaders(new RecordHeader[] {new RecordHeader(RecordBatches.HEADER,
        "io.tokenledger.schemas.OutcomeBatch".getBytes(StandardCharsets.UTF_8))});
    assertEquals(RecordBatches.Kind.UNKNOWN_BATCH, batches.kindOf(other));
    SerializationException e = assertThrows(SerializationException.class,
        () -> batches.deserializer().deserialize(topic, other, single));
    assertEquals(true, e.getMessage().contains("OutcomeBatch"), e.getMessage());
  }

  @Test
  void aWriterWithoutBatchesSendsAValueAsItselfAndRefusesSeveral() {
    RecordBatches<UsageEvent, Void> none = RecordBatches.none();
    byte[] one = topics.usage.valueSerde().serializer().serialize(topic, event("a"));
    RecordHeaders headers = new RecordHeaders();
    assertEquals(false, none.batching());
    assertArrayEquals(one, none.recordValue(topic, List.of(one), headers));
    assertEquals(0, headers.toArray().length);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> none.recordValue(topic, List.of(one, one), new RecordHeaders()));
    assertEquals("this writer of " + topic + " sends one value per record, not 2", e.getMessage());
    assertEquals(true, batches.batching());
  }

  private static UsageEvent event(String id) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(Instant.parse("2026-12-06T08:00:00Z")).setTeam("support")
        .setWorkflow("triage").setService("bot").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(10)
        .build();
  }
}
