package io.tokenledger.aggregation.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.batches.RecordBatches;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Usage records of several events (UsageBatch): each event is taken, dropped or dead-lettered on its own. */
class UsageBatchTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-02T12:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final String TEAM = "support";

  private final Topics topics = Topics.from(Map.of("tokenledger.topic.usage.partitions", "1"));
  private TopologyTestDriver driver;
  private TestInputTopic<String, UsageEvent> usage;
  private TestInputTopic<byte[], byte[]> raw;
  private TestOutputTopic<String, UsageAggregate> aggregates;
  private TestOutputTopic<byte[], DeadLetter> deadLetters;
  private TestOutputTopic<String, byte[]> priced;

  @BeforeEach
  void start() {
    AggregationSettings settings = new AggregationSettings(GRACE, Duration.ofSeconds(1), Duration.ofHours(24),
        new ValidationSettings(1_000_000, Duration.ofMinutes(5)), Duration.ofDays(1), Duration.ofMinutes(2));
    Properties config = AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
        StreamsConfig.STATE_DIR_CONFIG, "target/batch-topology-test-state"));
    driver = new TopologyTestDriver(AggregationApp.buildTopology(topics, settings), config, T0);
    var prices = driver.createInputTopic(topics.prices.name(), topics.prices.keySerde().serializer(),
        topics.prices.valueSerde().serializer());
    // gpt-4o: $2.50 in, $1.25 cached, $10 out per 1M tokens.
    PriceVersion price = PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o")
        .setEffectiveFrom(T0.minus(Duration.ofDays(30))).setUncachedInputMicroUsdPerMtok(2_500_000)
        .setCacheReadMicroUsdPerMtok(1_250_000).setCacheWriteMicroUsdPerMtok(2_500_000)
        .setOutputMicroUsdPerMtok(10_000_000).setReasoningMicroUsdPerMtok(10_000_000).build();
    prices.pipeInput(io.tokenledger.pricing.PriceBook.catalogKey(price), price);
    usage = driver.createInputTopic(topics.usage.name(), topics.usage.keySerde().serializer(),
        topics.usage.valueSerde().serializer());
    raw = driver.createInputTopic(topics.usage.name(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    aggregates = driver.createOutputTopic(topics.teamAggregates1m.name(),
        topics.teamAggregates1m.keySerde().deserializer(), topics.teamAggregates1m.valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters.name(), topics.deadLetters.keySerde().deserializer(),
        topics.deadLetters.valueSerde().deserializer());
    priced = driver.createOutputTopic(topics.pricedUsage.name(), topics.pricedUsage.keySerde().deserializer(),
        Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void aBatchCountsEachEventOnceAndDeadLettersOnlyItsBadEvent() {
    UsageEvent a = event("a", T0.plusSeconds(5), 1_000, 0, 100);
    UsageEvent b = event("b", T0.plusSeconds(10), 2_000, 4_000, 300);
    UsageEvent c = event("c", T0.plusSeconds(12), -5, 0, 0); // negative tokens: invalid
    UsageEvent d = event("d", T0.plusSeconds(20), 500, 0, 50);
    usage.pipeInput(new TestRecord<>(TEAM, a, T0.plusSeconds(5)));
    sendBatch(List.of(b, a, c, b, d), T0.plusSeconds(21));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));

    UsageAggregate minute = finalFor(T0);
    assertEquals(3, minute.getEventCount(), "a, b and d; a again and b's second copy are duplicates, c is invalid");
    assertEquals(3_500, minute.getUncachedInputTokens());
    assertEquals(4_000, minute.getCacheReadTokens());
    assertEquals(450, minute.getOutputTokens());
    // 3,500 x 2.5 + 4,000 x 1.25 + 450 x 10 micro-USD = 8,750 + 5,000 + 4,500 = 18,250 micro-USD
    assertEquals(18_250_000L, minute.getCostNanoUsd());

    List<TestRecord<byte[], DeadLetter>> letters = deadLetters.readRecordsToList();
    assertEquals(1, letters.size(), "only c is dead-lettered: " + letters);
    DeadLetter letter = letters.get(0).value();
    assertEquals("INVALID", letter.getReasonCode().toString());
    assertEquals("c", letter.getEventId());
    assertArrayEquals(topics.usage.valueSerde().serializer().serialize(null, c), bytes(letter.getOriginalValue()),
        "the dead letter holds c alone, as a single usage record: it can be sent again as it is");

    List<TestRecord<String, byte[]>> published = publishedFor(TEAM);
    assertEquals(2, published.size(), "one record for a, one for what the batch added");
    assertNull(published.get(0).headers().lastHeader(RecordBatches.HEADER));
    assertEquals(List.of("a"), ids(published.get(0)));
    assertEquals(topics.pricedUsageBatches.batchName(),
        new String(published.get(1).headers().lastHeader(RecordBatches.HEADER).value(), StandardCharsets.UTF_8));
    List<PricedUsageEvent> batch = decode(published.get(1));
    assertEquals(List.of("b", "d"), batch.stream().map(e -> e.getEventId().toString()).toList());
    // b: 2,000 x 2.5 + 4,000 x 1.25 + 300 x 10 = 13,000 micro-USD; d: 500 x 2.5 + 50 x 10 = 1,750 micro-USD
    assertEquals(List.of(13_000_000L, 1_750_000L), batch.stream().map(PricedUsageEvent::getCostNanoUsd).toList());
  }

  @Test
  void aBatchOfWhichOneEventIsNewIsPublishedAsThatOneEvent() {
    UsageEvent a = event("a", T0.plusSeconds(5), 1_000, 0, 100);
    UsageEvent e = event("e", T0.plusSeconds(6), 10, 0, 1);
    usage.pipeInput(new TestRecord<>(TEAM, a, T0.plusSeconds(5)));
    sendBatch(List.of(a, e), T0.plusSeconds(7));
    sendBatch(List.of(a, e), T0.plusSeconds(8)); // the whole batch again, as a producer's retry would send it

    List<TestRecord<String, byte[]>> published = publishedFor(TEAM);
    assertEquals(2, published.size());
    assertEquals(List.of("a"), ids(published.get(0)));
    assertNull(published.get(1).headers().lastHeader(RecordBatches.HEADER), "a single survivor is a single record");
    assertEquals(List.of("e"), ids(published.get(1)));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));
    assertEquals(2, finalFor(T0).getEventCount());
  }

  @Test
  void aBatchThatDoesNotDecodeOrIsOfAnUnknownKindIsDeadLetteredWithItsReasonAndTheNextIsCounted() {
    RecordHeaders batchHeader = new RecordHeaders(new RecordHeader[] {new RecordHeader(RecordBatches.HEADER,
        topics.usageBatches.batchName().getBytes(StandardCharsets.UTF_8))});
    byte[] garbage = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    raw.pipeInput(new TestRecord<>(TEAM.getBytes(StandardCharsets.UTF_8), garbage, batchHeader, T0.plusSeconds(1)));
    RecordHeaders otherKind = new RecordHeaders(new RecordHeader[] {new RecordHeader(RecordBatches.HEADER,
        "io.tokenledger.schemas.SomethingElseBatch".getBytes(StandardCharsets.UTF_8))});
    byte[] valid = topics.usageBatches.encodeValues(topics.usage.name(), List.of(event("x", T0.plusSeconds(2), 1, 0, 0)));
    raw.pipeInput(new TestRecord<>(TEAM.getBytes(StandardCharsets.UTF_8), valid, otherKind, T0.plusSeconds(2)));
    sendBatch(List.of(event("y", T0.plusSeconds(3), 7, 0, 0), event("z", T0.plusSeconds(4), 8, 0, 0)),
        T0.plusSeconds(4));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(List.of("UNKNOWN_SCHEMA", "UNKNOWN_SCHEMA"), letters.stream().map(l -> l.getReasonCode().toString()).toList());
    assertEquals(true, letters.get(0).getReason().toString().contains("UsageBatch"), letters.get(0).toString());
    assertEquals(true, letters.get(1).getReason().toString().contains("SomethingElseBatch"), letters.get(1).toString());
    assertArrayEquals(garbage, bytes(letters.get(0).getOriginalValue()));
    UsageAggregate minute = finalFor(T0);
    assertEquals(2, minute.getEventCount());
    assertEquals(15, minute.getUncachedInputTokens());
  }

  private void sendBatch(List<UsageEvent> events, Instant producedAt) {
    byte[] value = topics.usageBatches.encodeValues(topics.usage.name(), events);
    raw.pipeInput(new TestRecord<>(TEAM.getBytes(StandardCharsets.UTF_8), value,
        new RecordHeaders(new RecordHeader[] {(RecordHeader) topics.usageBatches.header()}), producedAt));
  }

  private List<TestRecord<String, byte[]>> publishedFor(String team) {
    return priced.readRecordsToList().stream().filter(r -> r.key().equals(team)).toList();
  }

  private List<PricedUsageEvent> decode(TestRecord<String, byte[]> record) {
    return topics.pricedUsageBatches.deserializer().deserialize(topics.pricedUsage.name(), record.headers(),
        record.value());
  }

  private List<String> ids(TestRecord<String, byte[]> record) {
    return decode(record).stream().map(e -> e.getEventId().toString()).toList();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private final Map<Instant, UsageAggregate> finals = new java.util.HashMap<>();

  private UsageAggregate finalFor(Instant windowStart) {
    for (TestRecord<String, UsageAggregate> record : aggregates.readRecordsToList()) {
      if (record.key().equals(TEAM) && record.value().getIsFinal()) {
        finals.put(record.value().getWindowStart(), record.value());
      }
    }
    UsageAggregate found = finals.get(windowStart);
    if (found == null) {
      throw new AssertionError("no final aggregate at " + windowStart + "; have " + finals.keySet());
    }
    return found;
  }

  private void closeWindowsUpTo(Instant until) {
    UsageEvent clock = UsageEvent.newBuilder(event("clock-" + until, until.plus(GRACE), 0, 0, 0)).setTeam("zz-clock")
        .build();
    usage.pipeInput(new TestRecord<>("zz-clock", clock, until.plus(GRACE)));
  }

  private static UsageEvent event(String id, Instant at, long input, long cached, long output) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam(TEAM).setWorkflow("triage")
        .setService("support-bot").setProvider("openai").setModel("gpt-4o")
        .setUncachedInputTokens(input).setCacheReadTokens(cached).setOutputTokens(output).build();
  }
}
