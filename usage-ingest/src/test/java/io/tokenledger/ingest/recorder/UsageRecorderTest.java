package io.tokenledger.ingest.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class UsageRecorderTest {
  private final Topics topics = Topics.defaults();
  private final MockProducer<String, UsageEvent> producer = new MockProducer<>(false, null,
      topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer());

  @Test
  void sendsKeyedByTeamWithTheEventTimeAndCompletesOnlyWhenKafkaAcknowledges() throws Exception {
    try (UsageRecorder recorder = new UsageRecorder(topics.usage, producer, UsageValidator.withDefaults(), 10)) {
      UsageEvent event = event("support", 100);
      CompletableFuture<RecordMetadata> acked = recorder.record(event);
      Await.until(Duration.ofSeconds(10), () -> producer.history().size() == 1, () -> "the event to reach the producer");
      assertFalse(acked.isDone(), "not acknowledged before Kafka answers");

      producer.completeNext();
      acked.get(10, TimeUnit.SECONDS);
      var sent = producer.history().get(0);
      assertEquals("support", sent.key());
      assertEquals(event.getEventTime().toEpochMilli(), sent.timestamp());
      assertEquals(topics.usage.name(), sent.topic());
      assertEquals(event, sent.value());
    }
  }

  @Test
  void rejectsAnInvalidEventOnTheCallersThreadNamingEveryField() {
    try (UsageRecorder recorder = new UsageRecorder(topics.usage, producer, UsageValidator.withDefaults(), 10)) {
      UsageEvent bad = UsageEvent.newBuilder(event("", -1)).setModel(" ").build();
      InvalidUsageException e = assertThrows(InvalidUsageException.class, () -> recorder.record(bad));
      assertEquals(3, e.violations().size(), e.getMessage());
      assertTrue(e.getMessage().contains("team: is required"), e.getMessage());
      assertTrue(e.getMessage().contains("model: is required"), e.getMessage());
      assertTrue(e.getMessage().contains("uncached_input_tokens: must not be negative, was -1"), e.getMessage());
      assertTrue(producer.history().isEmpty());
    }
  }

  @Test
  void reportsAFailedSendThroughTheFuture() {
    try (UsageRecorder recorder = new UsageRecorder(topics.usage, producer, UsageValidator.withDefaults(), 10)) {
      CompletableFuture<RecordMetadata> acked = recorder.record(event("support", 1));
      Await.until(Duration.ofSeconds(10), () -> producer.history().size() == 1, () -> "the event to reach the producer");
      producer.errorNext(new TimeoutException("broker unreachable"));
      ExecutionException e = assertThrows(ExecutionException.class, () -> acked.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof TimeoutException);
    }
  }

  @Test
  void failsFastInsteadOfBlockingWhenTheQueueIsFull() throws Exception {
    java.util.concurrent.CountDownLatch senderBlocked = new java.util.concurrent.CountDownLatch(1);
    MockProducer<String, UsageEvent> stuck = new MockProducer<>(false, null,
        topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer()) {
      @Override
      public synchronized java.util.concurrent.Future<RecordMetadata> send(
          org.apache.kafka.clients.producer.ProducerRecord<String, UsageEvent> record,
          org.apache.kafka.clients.producer.Callback callback) {
        senderBlocked.countDown();
        try {
          new java.util.concurrent.CountDownLatch(1).await(); // a producer stuck on metadata, until interrupted
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.send(record, callback);
      }
    };
    UsageRecorder recorder = new UsageRecorder(topics.usage, stuck, UsageValidator.withDefaults(), 2);
    recorder.record(event("support", 1));
    assertTrue(senderBlocked.await(10, TimeUnit.SECONDS));
    recorder.record(event("support", 2));
    recorder.record(event("support", 3));
    CompletableFuture<RecordMetadata> overflow = recorder.record(event("support", 4));
    ExecutionException e = assertThrows(ExecutionException.class, () -> overflow.get(1, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("queue is full"), e.getCause().getMessage());
  }

  @Test
  void enforcesIdempotenceAndAcksAllEvenIfTheCallerAsksOtherwise() {
    Map<String, Object> config = UsageRecorder.reliable(Map.of(ProducerConfig.ACKS_CONFIG, "0",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.LINGER_MS_CONFIG, 20));
    assertEquals("all", config.get(ProducerConfig.ACKS_CONFIG));
    assertEquals(true, config.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
    assertEquals(20, config.get(ProducerConfig.LINGER_MS_CONFIG));
  }

  @Test
  void eventIdsAreVersion7AndOrderedByTime() {
    UUID earlier = EventIds.uuidV7(1_700_000_000_000L);
    UUID later = EventIds.uuidV7(1_700_000_000_001L);
    assertEquals(7, earlier.version());
    assertEquals(2, earlier.variant());
    assertTrue(earlier.toString().compareTo(later.toString()) < 0);
    assertEquals(1_700_000_000_000L, earlier.getMostSignificantBits() >>> 16);
  }

  private static UsageEvent event(String team, long input) {
    return UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(Instant.parse("2026-11-01T10:00:00Z"))
        .setTeam(team).setWorkflow("triage").setService("bot").setProvider("openai").setModel("gpt-4o")
        .setUncachedInputTokens(input).build();
  }
}
