package io.tokenledger.ingest.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenledger.ingest.spool.FsyncPolicy;
import io.tokenledger.ingest.spool.Spool;
import io.tokenledger.ingest.spool.SpoolFullException;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import io.tokenledger.schemas.batches.RecordBatches;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageRecorderTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  private final Topics topics = Topics.defaults();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final MockProducer<String, byte[]> producer = new MockProducer<>(false, null,
      topics.usage.keySerde().serializer(), new ByteArraySerializer());
  @TempDir Path spool;

  /** The one event a record carries (not a batch). */
  private UsageEvent usageOf(ProducerRecord<String, byte[]> record) {
    List<UsageEvent> events = eventsOf(record);
    assertEquals(1, events.size(), "one event in the record");
    assertEquals(null, record.headers().lastHeader(RecordBatches.HEADER), "a record of one event is not a batch");
    return events.get(0);
  }

  /** The events of a record as the topology reads them: one, or a batch. */
  private List<UsageEvent> eventsOf(ProducerRecord<String, byte[]> record) {
    return topics.usageBatches.deserializer().deserialize(record.topic(), record.headers(), record.value());
  }

  private UsageRecorder.Builder recorder(MockProducer<String, byte[]> with) {
    return UsageRecorder.builder(topics.usage).producer(with).spoolDirectory(spool).meterRegistry(meters)
        .closeOnShutdown(false).closeTimeout(Duration.ofSeconds(2));
  }

  @Test
  void sendsKeyedByTeamStampedWhenProducedAndCompletesOnlyWhenKafkaAcknowledges() throws Exception {
    try (UsageRecorder recorder = recorder(producer).build()) {
      UsageEvent event = event("support", 100);
      CompletableFuture<Receipt> receipt = recorder.record(event);
      Await.until(BOUND, () -> producer.history().size() == 1, () -> "the event to reach the producer");
      assertFalse(receipt.isDone(), "not acknowledged before Kafka answers");

      producer.completeNext();
      assertEquals(Receipt.Status.SENT, receipt.get(10, TimeUnit.SECONDS).status());
      var sent = producer.history().get(0);
      assertEquals("support", sent.key());
      assertEquals(null, sent.timestamp(), "Kafka stamps the produce time; the event time travels in the event");
      assertEquals(topics.usage.name(), sent.topic());
      assertEquals(event, usageOf(sent));
      assertEquals(1.0, count("sent"));
    }
  }

  @Test
  void sendsTheEventsOfABusyTeamInOneRecordAndAQuietTeamsEventAlone() throws Exception {
    try (UsageRecorder recorder = recorder(producer).batching(100, Duration.ofMillis(300)).build()) {
      List<CompletableFuture<Receipt>> receipts = new java.util.ArrayList<>();
      List<UsageEvent> support = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        UsageEvent event = event("support", 100 + i);
        support.add(event);
        receipts.add(recorder.record(event));
      }
      UsageEvent sales = event("sales", 7);
      receipts.add(recorder.record(sales));
      Await.until(BOUND, () -> producer.history().size() >= 2, () -> "the records to reach the producer");
      TimeUnit.MILLISECONDS.sleep(400); // past the linger: nothing more is coming
      // The sender took the first event at once and waited for the rest, up to its linger.
      List<ProducerRecord<String, byte[]>> sent = producer.history();
      assertEquals(2, sent.size(), "support's five events in one record, sales' one alone: " + sent);
      assertEquals("support", sent.get(0).key());
      assertEquals(topics.usageBatches.batchName(),
          new String(sent.get(0).headers().lastHeader(RecordBatches.HEADER).value(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(support, eventsOf(sent.get(0)));
      assertEquals("sales", sent.get(1).key());
      assertEquals(sales, usageOf(sent.get(1)));
      assertFalse(receipts.get(0).isDone());
      producer.completeNext();
      producer.completeNext();
      for (CompletableFuture<Receipt> receipt : receipts) {
        assertEquals(Receipt.Status.SENT, receipt.get(10, TimeUnit.SECONDS).status());
      }
      assertEquals(6.0, count("sent"), "counted per event");
    }
  }

  @Test
  void sendsABatchKafkaFindsTooLargeAgainOneEventAtATime() throws Exception {
    try (UsageRecorder recorder = recorder(producer).batching(100, Duration.ofMillis(300)).build()) {
      List<UsageEvent> events = List.of(event("support", 1), event("support", 2), event("support", 3));
      List<CompletableFuture<Receipt>> receipts = events.stream().map(recorder::record).toList();
      Await.until(BOUND, () -> producer.history().size() == 1, () -> "the batch to reach the producer");
      assertEquals(events, eventsOf(producer.history().get(0)));
      producer.errorNext(new RecordTooLargeException("larger than max.request.size"));
      Await.until(BOUND, () -> producer.history().size() == 4, () -> "each event sent alone");
      assertEquals(events, producer.history().subList(1, 4).stream().map(this::usageOf).toList());
      for (int i = 0; i < 3; i++) {
        producer.completeNext();
      }
      for (CompletableFuture<Receipt> receipt : receipts) {
        assertEquals(Receipt.Status.SENT, receipt.get(10, TimeUnit.SECONDS).status());
      }
      assertEquals(0.0, count("dropped"));
    }
  }

  @Test
  void rejectsAnInvalidEventOnTheCallersThreadNamingEveryField() {
    try (UsageRecorder recorder = recorder(producer).build()) {
      UsageEvent bad = UsageEvent.newBuilder(event("", -1)).setModel(" ").build();
      InvalidUsageException e = assertThrows(InvalidUsageException.class, () -> recorder.record(bad));
      assertEquals(3, e.violations().size(), e.getMessage());
      assertTrue(e.getMessage().contains("team: is required"), e.getMessage());
      assertTrue(e.getMessage().contains("model: is required"), e.getMessage());
      assertTrue(e.getMessage().contains("uncached_input_tokens: must not be negative, was -1"), e.getMessage());
      assertTrue(producer.history().isEmpty());
      assertEquals(0.0, count("recorded"));
    }
  }

  @Test
  void refusesAnEventTimeInTheFuture() {
    try (UsageRecorder recorder = recorder(producer).build()) {
      UsageEvent future = UsageEvent.newBuilder(event("support", 1)).setEventTime(Instant.now().plusSeconds(3600)).build();
      InvalidUsageException e = assertThrows(InvalidUsageException.class, () -> recorder.record(future));
      assertEquals("event_time", e.violations().get(0).field());
    }
  }

  @Test
  void spoolsAnEventKafkaCouldNotTakeAndReplaysItWhenKafkaAnswersAgain() throws Exception {
    try (UsageRecorder recorder = recorder(producer).build()) {
      UsageEvent event = event("support", 7);
      CompletableFuture<Receipt> receipt = recorder.record(event);
      Await.until(BOUND, () -> producer.history().size() == 1, () -> "the first send");
      producer.errorNext(new TimeoutException("broker unreachable"));
      assertEquals(Receipt.Status.SPOOLED, receipt.get(10, TimeUnit.SECONDS).status());

      Await.until(BOUND, () -> producer.history().size() == 2, () -> "the replay of the spooled event");
      assertEquals(event, usageOf(producer.history().get(1)));
      assertEquals("support", producer.history().get(1).key());
      producer.completeNext();
      Await.until(BOUND, () -> count("replayed") == 1.0, () -> "the replay to be acknowledged");
      Await.until(BOUND, () -> segmentFiles().isEmpty() || allEmpty(), () -> "the delivered segment to be deleted");
      assertEquals(1.0, count("spooled"));
      assertEquals(0.0, count("dropped"));
    }
  }

  @Test
  void spoolsInsteadOfBlockingWhenTheQueueIsFull() throws Exception {
    CountDownLatch senderStuck = new CountDownLatch(1);
    try (UsageRecorder recorder = recorder(stuckProducer(senderStuck)).queueCapacity(2).build()) {
      recorder.record(event("support", 1));
      assertTrue(senderStuck.await(10, TimeUnit.SECONDS));
      recorder.record(event("support", 2));
      recorder.record(event("support", 3));
      CompletableFuture<Receipt> overflow = recorder.record(event("support", 4));
      assertEquals(Receipt.Status.SPOOLED, overflow.get(10, TimeUnit.SECONDS).status());
      assertEquals(4.0, count("recorded"));
    }
  }

  @Test
  void dropsLoudlyOnlyWhenTheSpoolBudgetIsExhausted() throws Exception {
    CountDownLatch senderStuck = new CountDownLatch(1);
    try (UsageRecorder recorder = recorder(stuckProducer(senderStuck)).queueCapacity(1).spoolMaxBytes(300).build()) {
      recorder.record(event("support", 1));
      assertTrue(senderStuck.await(10, TimeUnit.SECONDS));
      recorder.record(event("support", 2)); // waits in the queue
      assertEquals(Receipt.Status.SPOOLED, recorder.record(event("support", 3)).get(10, TimeUnit.SECONDS).status());
      assertEquals(Receipt.Status.SPOOLED, recorder.record(event("support", 4)).get(10, TimeUnit.SECONDS).status());
      CompletableFuture<Receipt> lost = recorder.record(event("support", 5));
      ExecutionException e = assertThrows(ExecutionException.class, () -> lost.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof SpoolFullException, e.getCause().toString());
      assertEquals(1.0, count("dropped"));
    }
  }

  @Test
  void failsTheFutureWhenKafkaRejectsAnEventForGood() {
    try (UsageRecorder recorder = recorder(producer).build()) {
      CompletableFuture<Receipt> receipt = recorder.record(event("support", 1));
      Await.until(BOUND, () -> producer.history().size() == 1, () -> "the send");
      producer.errorNext(new RecordTooLargeException("too large"));
      ExecutionException e = assertThrows(ExecutionException.class, () -> receipt.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof RecordTooLargeException);
      assertEquals(1.0, count("dropped"));
      assertEquals(0.0, count("spooled"));
    }
  }

  /**
   * record() racing close(): the registry's "recorded" counter holds record() inside the call
   * while close() runs to its end. The event must then be sent, spooled or refused; its future
   * must never be left incomplete.
   */
  @Test
  void anEventRecordedWhileTheRecorderClosesIsSentOrRefusedNeverLeftHanging() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SimpleMeterRegistry pausing = new SimpleMeterRegistry() {
      @Override
      protected Counter newCounter(Meter.Id id) {
        Counter counter = super.newCounter(id);
        return !"recorded".equals(id.getTag("outcome")) ? counter : new Counter() {
          @Override
          public void increment(double amount) {
            inside.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            counter.increment(amount);
          }

          @Override
          public double count() {
            return counter.count();
          }

          @Override
          public Meter.Id getId() {
            return counter.getId();
          }
        };
      }
    };
    MockProducer<String, byte[]> acking = new MockProducer<>(true, null, topics.usage.keySerde().serializer(),
        new ByteArraySerializer());
    UsageRecorder recorder = UsageRecorder.builder(topics.usage).producer(acking).spoolDirectory(spool)
        .meterRegistry(pausing).closeOnShutdown(false).closeTimeout(Duration.ofSeconds(2)).build();
    CompletableFuture<CompletableFuture<Receipt>> racing = CompletableFuture.supplyAsync(
        () -> recorder.record(event("support", 1)));
    assertTrue(inside.await(10, TimeUnit.SECONDS), "record() reached the counter");
    recorder.close();
    release.countDown();

    CompletableFuture<Receipt> receipt = racing.get(10, TimeUnit.SECONDS);
    try {
      Receipt done = receipt.get(10, TimeUnit.SECONDS);
      assertEquals(Receipt.Status.SENT, done.status());
      assertEquals(1, acking.history().size());
    } catch (ExecutionException refused) {
      assertTrue(refused.getCause() instanceof IllegalStateException, refused.getCause().toString());
      assertTrue(refused.getCause().getMessage().contains("closed"), refused.getCause().getMessage());
    } catch (java.util.concurrent.TimeoutException hanging) {
      throw new AssertionError("the event recorded while the recorder closed was never sent, spooled or refused");
    }
  }

  /**
   * Three segments: [A], [B, a record that is not a usage event, C with a flipped bit], [D]. A, B
   * and D are delivered in order; the middle segment is quarantined, counted and named in the log.
   */
  @Test
  void quarantinesADamagedSegmentAndDeliversTheSegmentsAfterIt() throws Exception {
    UsageEvent a = event("support", 1);
    UsageEvent b = event("support", 2);
    UsageEvent c = event("support", 3);
    UsageEvent d = event("support", 4);
    Path damaged;
    try (Spool writer = Spool.open(spool, 1 << 20, 1 << 20, FsyncPolicy.EVERY_BATCH)) {
      writer.append(encode(a)).get(10, TimeUnit.SECONDS);
      writer.sealedSegments();
      writer.append(encode(b)).get(10, TimeUnit.SECONDS);
      writer.append("not a usage event".getBytes(java.nio.charset.StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
      writer.append(encode(c)).get(10, TimeUnit.SECONDS);
      damaged = writer.sealedSegments().get(1);
      writer.append(encode(d)).get(10, TimeUnit.SECONDS);
    }
    byte[] bytes = Files.readAllBytes(damaged);
    bytes[bytes.length - 1] ^= 0x7F; // a bit flips in C
    Files.write(damaged, bytes);

    MockProducer<String, byte[]> acking = new MockProducer<>(true, null, topics.usage.keySerde().serializer(),
        new ByteArraySerializer());
    try (LogCapture log = new LogCapture(); UsageRecorder recorder = recorder(acking).build()) {
      Await.until(BOUND, () -> acking.history().size() == 3 && quarantined() == 1.0,
          () -> "A, B and D delivered and one segment quarantined; sent " + acking.history().size());
      assertEquals(List.of(a, b, d), acking.history().stream().flatMap(r -> eventsOf(r).stream()).toList());
      Path moved = spool.resolve("quarantine").resolve(damaged.getFileName());
      assertTrue(Files.exists(moved), "the damaged segment is kept in quarantine/");
      assertFalse(Files.exists(damaged));
      List<String> errors = log.find(org.apache.logging.log4j.Level.ERROR, moved.toString());
      assertEquals(1, errors.size(), log.lines().toString());
      assertTrue(errors.get(0).contains("checksum mismatch at record 3"), errors.get(0));
      assertTrue(errors.get(0).contains("1 records are not usage events"), errors.get(0));
      assertEquals(0.0, count("dropped"));
    }
  }

  private byte[] encode(UsageEvent event) {
    return topics.usage.valueSerde().serializer().serialize(topics.usage.name(), event);
  }

  private double quarantined() {
    var counter = meters.find("tokenledger.recorder.spool.quarantined").counter();
    return counter == null ? 0 : counter.count();
  }

  /** Outcomes have a lane of their own: keyed by team, spooled and replayed like usage. */
  @Test
  void recordsAWorkOutcomeKeyedByTeamAndSpoolsAndReplaysItWhenKafkaFails() throws Exception {
    MockProducer<String, byte[]> outcomes = new MockProducer<>(false, null,
        topics.workOutcomes.keySerde().serializer(), new ByteArraySerializer());
    try (UsageRecorder recorder = recorder(producer).outcomesTopic(topics.workOutcomes).outcomeProducer(outcomes)
        .build()) {
      WorkOutcome resolved = outcome("o-1", WorkOutcomeStatus.SUCCEEDED, 1);
      CompletableFuture<Receipt> first = recorder.recordOutcome(resolved);
      Await.until(BOUND, () -> outcomes.history().size() == 1, () -> "the outcome to reach its producer");
      outcomes.completeNext();
      assertEquals(Receipt.Status.SENT, first.get(10, TimeUnit.SECONDS).status());
      assertEquals("support", outcomes.history().get(0).key());
      assertEquals(topics.workOutcomes.name(), outcomes.history().get(0).topic());
      assertTrue(producer.history().isEmpty(), "nothing went to the usage producer");

      WorkOutcome escalated = outcome("o-2", WorkOutcomeStatus.ESCALATED, 1);
      CompletableFuture<Receipt> second = recorder.recordOutcome(escalated);
      Await.until(BOUND, () -> outcomes.history().size() == 2, () -> "the second send");
      outcomes.errorNext(new TimeoutException("broker unreachable"));
      assertEquals(Receipt.Status.SPOOLED, second.get(10, TimeUnit.SECONDS).status());
      Await.until(BOUND, () -> outcomes.history().size() == 3, () -> "the replay of the spooled outcome");
      assertEquals(escalated, topics.workOutcomes.valueSerde().deserializer().deserialize(null, outcomes.history().get(2).value()));
      outcomes.completeNext();
      assertTrue(Files.isDirectory(spool.resolve("outcomes")), "outcomes spool apart from usage");
    }
  }

  @Test
  void refusesAnInvalidOutcomeNamingTheFieldAndOutcomesWithoutATopic() {
    try (UsageRecorder recorder = recorder(producer).outcomesTopic(topics.workOutcomes)
        .outcomeProducer(new MockProducer<>(true, null, topics.workOutcomes.keySerde().serializer(),
            new ByteArraySerializer())).build()) {
      InvalidUsageException e = assertThrows(InvalidUsageException.class,
          () -> recorder.recordOutcome(outcome("o-3", WorkOutcomeStatus.FAILED, 2)));
      assertTrue(e.getMessage().startsWith("Work outcome o-3 rejected: units_delivered: must be 0 for a FAILED item"),
          e.getMessage());
    }
    try (UsageRecorder usageOnly = recorder(producer).build()) {
      assertThrows(IllegalStateException.class,
          () -> usageOnly.recordOutcome(outcome("o-4", WorkOutcomeStatus.SUCCEEDED, 1)));
    }
  }

  private static WorkOutcome outcome(String id, WorkOutcomeStatus status, long units) {
    return WorkOutcome.newBuilder().setOutcomeId(id).setWorkItemId("ticket-42").setTeam("support")
        .setWorkflow("ticket-triage").setOutcomeUnit("ticket").setStatus(status).setUnitsDelivered(units)
        .setHumanSeconds(120).setEventTime(Instant.parse("2026-11-01T10:05:00Z")).build();
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

  /** A producer whose send never returns, like one stuck waiting for metadata. */
  private MockProducer<String, byte[]> stuckProducer(CountDownLatch stuck) {
    return new MockProducer<>(false, null, topics.usage.keySerde().serializer(), new ByteArraySerializer()) {
      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
        stuck.countDown();
        try {
          new CountDownLatch(1).await(); // until the test's recorder is closed and the thread abandoned
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.send(record, callback);
      }
    };
  }

  private double count(String outcome) {
    var counter = meters.find("tokenledger.recorder.events").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private java.util.List<Path> segmentFiles() {
    try (Stream<Path> files = Files.list(spool)) {
      return files.toList();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private boolean allEmpty() {
    return segmentFiles().stream().allMatch(p -> p.toFile().length() == 0);
  }

  private static UsageEvent event(String team, long input) {
    return UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(Instant.parse("2026-11-01T10:00:00Z"))
        .setTeam(team).setWorkflow("triage").setService("bot").setProvider("openai").setModel("gpt-4o")
        .setUncachedInputTokens(input).build();
  }
}
