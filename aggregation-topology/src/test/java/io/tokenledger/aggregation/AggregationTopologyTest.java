package io.tokenledger.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AggregationTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-02T12:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(30);

  private final Topics topics = Topics.from(Map.of("tokenledger.topic.usage.partitions", "1"));
  private TopologyTestDriver driver;
  private TestInputTopic<String, PriceVersion> prices;
  private TestInputTopic<String, UsageEvent> usage;
  private TestInputTopic<byte[], byte[]> rawUsage;
  private TestOutputTopic<String, UsageAggregate> aggregates;
  private TestOutputTopic<String, UsageEvent> late;
  private TestOutputTopic<byte[], DeadLetter> deadLetters;

  @BeforeEach
  void start() {
    AggregationSettings settings = new AggregationSettings(GRACE, Duration.ofSeconds(1), Duration.ofHours(24),
        new ValidationSettings(1_000_000, Duration.ofMinutes(5)), Duration.ofDays(1), Duration.ofMinutes(2));
    Properties config = AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
        StreamsConfig.STATE_DIR_CONFIG, "target/topology-test-state"));
    driver = new TopologyTestDriver(AggregationApp.buildTopology(topics, settings), config, T0);
    prices = driver.createInputTopic(topics.prices.name(), topics.prices.keySerde().serializer(),
        topics.prices.valueSerde().serializer());
    usage = driver.createInputTopic(topics.usage.name(), topics.usage.keySerde().serializer(),
        topics.usage.valueSerde().serializer());
    rawUsage = driver.createInputTopic(topics.usage.name(), Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer());
    aggregates = driver.createOutputTopic(topics.teamAggregates1m.name(),
        topics.teamAggregates1m.keySerde().deserializer(), topics.teamAggregates1m.valueSerde().deserializer());
    late = driver.createOutputTopic(topics.lateUsage.name(), topics.lateUsage.keySerde().deserializer(),
        topics.lateUsage.valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters.name(), topics.deadLetters.keySerde().deserializer(),
        topics.deadLetters.valueSerde().deserializer());
    // gpt-4o: $2.50 in, $1.25 cached, $10 out per 1M tokens; cut to $2.00 / $1.00 / $8.00 at 12:00:30.
    publishPrice(price("openai", "gpt-4o", T0.minus(Duration.ofDays(30)), 2_500_000, 1_250_000, 10_000_000));
    publishPrice(price("openai", "gpt-4o", T0.plusSeconds(30), 2_000_000, 1_000_000, 8_000_000));
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void pricesEachEventAtThePriceInForceAtItsEventTimeWithinOneWindow() {
    send(event("e1", "support", "gpt-4o-2024-08-06", T0.plusSeconds(10), 1_000, 2_000, 500));
    send(event("e2", "support", "gpt-4o", T0.plusSeconds(40), 1_000, 2_000, 500));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));

    UsageAggregate window = finalFor("support", T0);
    // e1 at old price: 1000*2.5 + 2000*1.25 + 500*10 = 2500 + 2500 + 5000 micro-USD = 10_000_000 nano-USD
    // e2 at new price: 1000*2.0 + 2000*1.00 + 500*8  = 2000 + 2000 + 4000 micro-USD =  8_000_000 nano-USD
    assertEquals(18_000_000L, window.getCostNanoUsd());
    assertEquals(2, window.getEventCount());
    assertEquals(2_000, window.getUncachedInputTokens());
    assertEquals(4_000, window.getCacheReadTokens());
    assertEquals(1_000, window.getOutputTokens());
    assertEquals(0, window.getUnpricedEventCount());
  }

  @Test
  void splitsWindowsExactlyAtTheMinuteBoundary() {
    send(event("a", "support", "gpt-4o", T0.plusMillis(59_999), 1_000, 0, 0));
    send(event("b", "support", "gpt-4o", T0.plusSeconds(60), 2_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(3)));

    assertEquals(1, finalFor("support", T0).getEventCount());
    assertEquals(1_000, finalFor("support", T0).getUncachedInputTokens());
    assertEquals(1, finalFor("support", T0.plusSeconds(60)).getEventCount());
    assertEquals(2_000, finalFor("support", T0.plusSeconds(60)).getUncachedInputTokens());
  }

  @Test
  void countsADuplicateEventIdOnce() {
    UsageEvent e = event("same-id", "support", "gpt-4o", T0.plusSeconds(5), 1_000, 0, 0);
    send(e);
    send(e);
    send(e);
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));

    assertEquals(1, finalFor("support", T0).getEventCount());
    assertEquals(2_500_000L, finalFor("support", T0).getCostNanoUsd());
  }

  @Test
  void emitsLiveRunningTotalsAndExactlyOneFinalRecordPerWindow() {
    send(event("l1", "support", "gpt-4o", T0.plusSeconds(1), 1_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    send(event("l2", "support", "gpt-4o", T0.plusSeconds(2), 1_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    List<UsageAggregate> live = aggregates.readValuesToList();
    assertEquals(List.of(1L, 2L), live.stream().map(UsageAggregate::getEventCount).toList());
    assertTrue(live.stream().noneMatch(UsageAggregate::getIsFinal));

    closeWindowsUpTo(T0.plus(Duration.ofMinutes(3)));
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    List<UsageAggregate> rest = aggregates.readValuesToList().stream()
        .filter(a -> a.getWindowStart().equals(T0)).toList();
    assertEquals(1, rest.size(), "one final record and no further live record for the closed window");
    assertTrue(rest.get(0).getIsFinal());
    assertEquals(2, rest.get(0).getEventCount());
  }

  @Test
  void aQuietPartitionClosesItsWindowsAfterTheIdleAdvanceTime() {
    send(event("only", "support", "gpt-4o", T0.plusSeconds(5), 1_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(90));
    assertTrue(aggregates.readValuesToList().stream().noneMatch(UsageAggregate::getIsFinal),
        "within the idle-advance time (2 min) nothing closes without newer events");

    driver.advanceWallClockTime(Duration.ofSeconds(60)); // wall clock 12:02:30: stream time moves to 12:00:30
    driver.advanceWallClockTime(Duration.ofSeconds(60)); // 12:03:30: to 12:01:30, past the minute + 30 s grace
    List<UsageAggregate> finals = aggregates.readValuesToList().stream().filter(UsageAggregate::getIsFinal).toList();
    assertEquals(1, finals.size());
    assertEquals(1_000, finals.get(0).getUncachedInputTokens());
  }

  @Test
  void modelAndWorkflowWindowsAddUpEveryTeam() {
    send(event("s1", "support", "gpt-4o", T0.plusSeconds(5), 1_000, 0, 0));
    send(event("f1", "finance", "gpt-4o-2024-08-06", T0.plusSeconds(10), 3_000, 0, 0));
    send(event("f2", "finance", "claude-sonnet-4", T0.plusSeconds(20), 7_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));

    Map<String, Long> perModel = finalInputTokensAt(topics.modelAggregates1m, T0);
    assertEquals(Map.of("openai/gpt-4o", 4_000L, "openai/claude-sonnet-4", 7_000L), perModel,
        "support's and finance's gpt-4o (the dated snapshot, priced as gpt-4o, included) in one figure");
    assertEquals(Map.of("triage", 11_000L), finalInputTokensAt(topics.workflowAggregates1m, T0));
  }

  @Test
  void sendsAnEventBeyondGraceToTheLateTopicAndKeepsTheFinalFigureUnchanged() {
    send(event("on-time", "support", "gpt-4o", T0.plusSeconds(5), 1_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));
    send(event("too-late", "support", "gpt-4o", T0.plusSeconds(6), 4_000, 0, 0));

    List<TestRecord<String, UsageEvent>> lateRecords = late.readRecordsToList();
    assertEquals(1, lateRecords.size());
    assertEquals("too-late", lateRecords.get(0).value().getEventId());
    assertEquals("support", lateRecords.get(0).key());
    assertEquals(1, finalFor("support", T0).getEventCount());
  }

  @Test
  void aLateEventBeyondGraceReachesTheTeamsPeriodLedger() {
    send(event("on-time", "support", "gpt-4o", T0.plusSeconds(5), 1_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));
    send(event("too-late", "support", "gpt-4o", T0.plusSeconds(6), 4_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(2));

    Map<Instant, UsageAggregate> ledger = new java.util.HashMap<>();
    driver.createOutputTopic(topics.teamLedger15m.name(), topics.teamLedger15m.keySerde().deserializer(),
        topics.teamLedger15m.valueSerde().deserializer()).readRecordsToList().stream()
        .filter(r -> r.key().equals("support")).forEach(r -> ledger.put(r.value().getWindowStart(), r.value()));
    UsageAggregate bucket = ledger.get(T0); // the 15-minute bucket 12:00-12:15 UTC
    assertEquals(2, bucket.getEventCount(), "the on-time and the late event");
    assertEquals(5_000, bucket.getUncachedInputTokens());
    assertEquals(12_500_000L, bucket.getCostNanoUsd(), "1,000 + 4,000 tokens at $2.50 per 1M");
    assertEquals(Instant.parse("2026-11-02T12:15:00Z"), bucket.getWindowEnd());
    assertEquals(1, finalFor("support", T0).getEventCount(), "the minute's final figure is not changed after the fact");
  }

  @Test
  void eventWithinGraceStillCountsInItsWindow() {
    send(event("first", "support", "gpt-4o", T0.plusSeconds(5), 1_000, 0, 0));
    send(event("next-minute", "support", "gpt-4o", T0.plusSeconds(60 + 20), 1_000, 0, 0));
    send(event("in-grace", "support", "gpt-4o", T0.plusSeconds(6), 1_000, 0, 0)); // 20 s after end < 30 s grace
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(3)));

    assertEquals(2, finalFor("support", T0).getEventCount());
    assertTrue(late.isEmpty());
  }

  @Test
  void countsTokensOfAnUnknownModelButMarksThemUnpricedNeverFree() {
    send(event("u1", "support", "mystery-model-9", T0.plusSeconds(5), 1_000, 0, 700));
    send(event("p1", "support", "gpt-4o", T0.plusSeconds(6), 1_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));

    UsageAggregate window = finalFor("support", T0);
    assertEquals(2, window.getEventCount());
    assertEquals(1, window.getUnpricedEventCount());
    assertEquals(2_000, window.getUncachedInputTokens());
    assertEquals(700, window.getOutputTokens());
    assertEquals(2_500_000L, window.getCostNanoUsd(), "only the priced event has a cost");

    List<TestRecord<String, UsageEvent>> unpriced = driver.createOutputTopic(topics.unpricedUsage.name(),
        topics.unpricedUsage.keySerde().deserializer(), topics.unpricedUsage.valueSerde().deserializer())
        .readRecordsToList();
    assertEquals(1, unpriced.size(), "published for alerting to watch");
    assertEquals("openai/mystery-model-9", unpriced.get(0).key());
    assertEquals("u1", unpriced.get(0).value().getEventId());
  }

  @Test
  void deadLettersUndecodableRecordsWithTheirBytesAndKeepsCountingValidEvents() {
    byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
    rawUsage.pipeInput(new TestRecord<>("support".getBytes(StandardCharsets.UTF_8), garbage, T0.plusSeconds(1)));
    send(event("after-garbage", "support", "gpt-4o", T0.plusSeconds(2), 1_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));

    // A known schema's header with a body cut short, and an unknown schema's fingerprint:
    byte[] valid = topics.usage.valueSerde().serializer().serialize(topics.usage.name(),
        event("cut", "support", "gpt-4o", T0.plusSeconds(3), 1, 0, 0));
    rawUsage.pipeInput(new TestRecord<>("support".getBytes(StandardCharsets.UTF_8),
        java.util.Arrays.copyOf(valid, 14), T0.plusSeconds(3)));
    rawUsage.pipeInput(new TestRecord<>("support".getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0}, T0.plusSeconds(3)));

    rawUsage.pipeInput(new TestRecord<>("support".getBytes(StandardCharsets.UTF_8), null, T0.plusSeconds(3)));

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(List.of("NOT_AVRO", "CORRUPT", "UNKNOWN_SCHEMA", "TOMBSTONE"),
        letters.stream().map(DeadLetter::getReasonCode).toList());
    assertTrue(letters.get(1).getReason().contains("body ends early: its 4 bytes stop inside field 'event_time'"),
        letters.get(1).getReason());
    assertTrue(letters.get(3).getReason().contains("null (a tombstone)"), letters.get(3).getReason());
    assertEquals(topics.usage.name(), letters.get(0).getSourceTopic());
    assertEquals("definitely not avro", StandardCharsets.UTF_8.decode(letters.get(0).getOriginalValue()).toString());
    assertEquals(1, finalFor("support", T0).getEventCount());
  }

  @Test
  void deadLettersEachKindOfInvalidEventWithTheFieldNamed() {
    UsageEvent negative = event("neg", "support", "gpt-4o", T0.plusSeconds(1), -5, 0, 0);
    UsageEvent absurd = event("absurd", "support", "gpt-4o", T0.plusSeconds(1), 5_000_000, 0, 0);
    UsageEvent noTeam = event("no-team", "", "gpt-4o", T0.plusSeconds(1), 5, 0, 0);
    UsageEvent future = event("future", "support", "gpt-4o", T0.plus(Duration.ofHours(1)), 5, 0, 0);
    usage.pipeInput(new TestRecord<>("support", negative, T0.plusSeconds(1)));
    usage.pipeInput(new TestRecord<>("support", absurd, T0.plusSeconds(1)));
    usage.pipeInput(new TestRecord<>("", noTeam, T0.plusSeconds(1)));
    usage.pipeInput(new TestRecord<>("support", future, T0.plusSeconds(1)));
    usage.pipeInput(new TestRecord<>("not-the-team", event("wrong-key", "support", "gpt-4o",
        T0.plusSeconds(1), 5, 0, 0), T0.plusSeconds(1)));

    Map<String, DeadLetter> byId = deadLetters.readValuesToList().stream()
        .collect(Collectors.toMap(DeadLetter::getEventId, d -> d));
    assertEquals("INVALID", byId.get("neg").getReasonCode());
    assertTrue(byId.get("neg").getReason().contains("uncached_input_tokens: must not be negative"));
    assertTrue(byId.get("absurd").getReason().contains("uncached_input_tokens: is 5000000, above the limit"));
    assertTrue(byId.get("no-team").getReason().contains("team: is required"));
    assertTrue(byId.get("future").getReason().contains("event_time"));
    assertEquals("KEY_MISMATCH", byId.get("wrong-key").getReasonCode());
    assertTrue(byId.get("wrong-key").getReason().contains("but was 'not-the-team'"), byId.get("wrong-key").getReason());
    assertEquals(5, byId.size());
  }

  /**
   * A deleted price version (a tombstone on the catalog) no longer prices events after it, and a
   * refused version (negative price) leaves the version before it in force: never a guess.
   */
  @Test
  void aDeletedPriceVersionNoLongerPricesAndARefusedOneChangesNothing() {
    PriceVersion mini = price("openai", "gpt-4o-mini", T0.minus(Duration.ofDays(1)), 150_000, 75_000, 600_000);
    publishPrice(mini);
    send(event("priced", "support", "gpt-4o-mini", T0.plusSeconds(1), 1_000, 0, 0));
    publishPrice(PriceVersion.newBuilder(mini).setEffectiveFrom(T0.plusSeconds(2))
        .setUncachedInputMicroUsdPerMtok(-1).build()); // refused: the version before stays in force
    send(event("still-priced", "support", "gpt-4o-mini", T0.plusSeconds(3), 1_000, 0, 0));
    prices.pipeInput(io.tokenledger.pricing.PriceBook.catalogKey(mini), null);
    send(event("unpriced", "support", "gpt-4o-mini", T0.plusSeconds(4), 1_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));

    UsageAggregate window = finalFor("support", T0);
    assertEquals(3, window.getEventCount());
    assertEquals(1, window.getUnpricedEventCount(), "the event after the deletion");
    assertEquals(2 * 150_000L, window.getCostNanoUsd(), "1,000 tokens at $0.15 per 1M, twice");
  }

  @Test
  void keepsTeamsApart() {
    send(event("s", "support", "gpt-4o", T0.plusSeconds(1), 1_000, 0, 0));
    send(event("f", "finance", "gpt-4o", T0.plusSeconds(2), 3_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofMinutes(2)));

    assertEquals(2_500_000L, finalFor("support", T0).getCostNanoUsd());
    assertEquals(7_500_000L, finalFor("finance", T0).getCostNanoUsd());
    assertEquals("finance", finalFor("finance", T0).getTeam(), "each team's window carries its own team");
    assertEquals(1, finalFor("finance", T0).getEventCount());
  }

  @Test
  void keepsHourAndDayWindowsSplitExactlyAtTheirUtcBoundaries() {
    Instant beforeMidnight = Instant.parse("2026-11-02T23:59:59.999Z");
    send(event("h1", "support", "gpt-4o", beforeMidnight.minusSeconds(3600), 1_000, 0, 0)); // 22:59:59.999
    send(event("h2", "support", "gpt-4o", beforeMidnight, 2_000, 0, 0));
    send(event("h3", "support", "gpt-4o", beforeMidnight.plusMillis(1), 4_000, 0, 0)); // 00:00 next day
    closeWindowsUpTo(Instant.parse("2026-11-04T00:00:00Z"));

    Map<String, Long> hours = finalInputTokens(topics.teamAggregates1h);
    assertEquals(Map.of("support@2026-11-02T22:00:00Z", 1_000L, "support@2026-11-02T23:00:00Z", 2_000L,
        "support@2026-11-03T00:00:00Z", 4_000L), hours);
    Map<String, Long> days = finalInputTokens(topics.teamAggregates1d);
    assertEquals(Map.of("support@2026-11-02T00:00:00Z", 3_000L, "support@2026-11-03T00:00:00Z", 4_000L), days);
  }

  @Test
  void keepsTeamWorkflowModelFiguresUnderTheCatalogEntryThatPricedThem() {
    send(event("d1", "support", "gpt-4o-2024-08-06", T0.plusSeconds(1), 1_000, 0, 0));
    send(event("d2", "support", "gpt-4o", T0.plusSeconds(2), 3_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofDays(1)));

    var detail = driver.createOutputTopic(topics.seriesAggregates1m.name(),
        topics.seriesAggregates1m.keySerde().deserializer(), topics.seriesAggregates1m.valueSerde().deserializer())
        .readRecordsToList().stream().filter(r -> r.value().getIsFinal() && r.key().startsWith("support")).toList();
    assertEquals(1, detail.size(), detail.toString());
    UsageAggregate window = detail.get(0).value();
    assertEquals("support|triage|openai/gpt-4o", detail.get(0).key(), "the snapshot is priced as gpt-4o: one series");
    assertEquals("support", window.getTeam());
    assertEquals("triage", window.getWorkflow());
    assertEquals("openai", window.getProvider());
    assertEquals("gpt-4o", window.getModel());
    assertEquals(4_000, window.getUncachedInputTokens());
    assertEquals(10_000_000L, window.getCostNanoUsd());
  }

  @Test
  void aServiceTierIsASeriesOfItsOwnAtItsPricesAndNewTokenKindsAreCounted() {
    // gpt-4o-mini with a batch tier at half price, 1-hour cache writes and audio of their own.
    publishPrice(PriceVersion.newBuilder(price("openai", "gpt-4o-mini", T0.minus(Duration.ofDays(30)), 150_000, 75_000,
        600_000)).setCacheWrite1hMicroUsdPerMtok(300_000L).setAudioInputMicroUsdPerMtok(10_000_000L)
        .setAudioOutputMicroUsdPerMtok(20_000_000L).setServiceTiers(List.of(io.tokenledger.schemas.ServiceTierPrice
            .newBuilder().setTier("batch").setUncachedInputMicroUsdPerMtok(75_000).setCacheReadMicroUsdPerMtok(37_500)
            .setCacheWriteMicroUsdPerMtok(75_000).setOutputMicroUsdPerMtok(300_000).setReasoningMicroUsdPerMtok(300_000)
            .build())).build());
    UsageEvent standard = UsageEvent.newBuilder(event("t1", "support", "gpt-4o-mini", T0.plusSeconds(1), 1_000_000, 0,
        0)).setCacheWrite1hTokens(1_000_000).setAudioInputTokens(100_000).setAudioOutputTokens(10_000)
        .setServiceTier("default").build();
    send(standard);
    send(UsageEvent.newBuilder(event("b1", "support", "gpt-4o-mini", T0.plusSeconds(2), 1_000_000, 0, 1_000_000))
        .setServiceTier("batch").build());
    closeWindowsUpTo(T0.plus(Duration.ofDays(1)));

    Map<String, UsageAggregate> series = driver.createOutputTopic(topics.seriesAggregates1m.name(),
        topics.seriesAggregates1m.keySerde().deserializer(), topics.seriesAggregates1m.valueSerde().deserializer())
        .readRecordsToList().stream().filter(r -> r.value().getIsFinal())
        .collect(Collectors.toMap(TestRecord::key, TestRecord::value));
    UsageAggregate std = series.get("support|triage|openai/gpt-4o-mini");
    // 1M x $0.15 + 1M 1-hour writes x $0.30 + 100k audio in x $10 + 10k audio out x $20 = $1.65
    assertEquals(1_650_000_000L, std.getCostNanoUsd());
    assertEquals(List.of(1_000_000L, 100_000L, 10_000L), List.of(std.getCacheWrite1hTokens(), std.getAudioInputTokens(),
        std.getAudioOutputTokens()));
    assertEquals(null, std.getServiceTier(), "'default' is the standard tier");
    UsageAggregate batch = series.get("support|triage|openai:batch/gpt-4o-mini");
    assertEquals("batch", batch.getServiceTier());
    assertEquals(375_000_000L, batch.getCostNanoUsd(), "1M x $0.075 + 1M out x $0.30, the batch prices");
    // The team's figure holds both, and its token total every kind.
    UsageAggregate team = finalFor("support", T0);
    assertEquals(2_025_000_000L, team.getCostNanoUsd());
    assertEquals(4_110_000L, io.tokenledger.schemas.tokens.TotalTokens.of(team));
  }

  @Test
  void oneModelFromTwoProvidersOrASnapshotWithItsOwnPriceIsASeriesOfItsOwn() {
    publishPrice(price("azure.ai.openai", "gpt-4o", T0.minus(Duration.ofDays(30)), 2_750_000, 1_375_000, 11_000_000));
    publishPrice(price("openai", "gpt-4o-2024-05-13", T0.minus(Duration.ofDays(30)), 5_000_000, 0, 15_000_000));
    send(event("o1", "support", "gpt-4o", T0.plusSeconds(1), 1_000, 0, 0));
    send(UsageEvent.newBuilder(event("a1", "support", "gpt-4o-2024-08-06", T0.plusSeconds(2), 1_000, 0, 0))
        .setProvider("azure.ai.openai").build());
    send(event("s1", "support", "gpt-4o-2024-05-13", T0.plusSeconds(3), 1_000, 0, 0));
    closeWindowsUpTo(T0.plus(Duration.ofDays(1)));

    Map<String, Long> costs = driver.createOutputTopic(topics.seriesAggregates1m.name(),
        topics.seriesAggregates1m.keySerde().deserializer(), topics.seriesAggregates1m.valueSerde().deserializer())
        .readRecordsToList().stream().filter(r -> r.value().getIsFinal())
        .collect(Collectors.toMap(TestRecord::key, r -> r.value().getCostNanoUsd()));
    assertEquals(Map.of("support|triage|openai/gpt-4o", 2_500_000L, "support|triage|azure.ai.openai/gpt-4o", 2_750_000L,
        "support|triage|openai/gpt-4o-2024-05-13", 5_000_000L), costs);
    assertEquals(Map.of("openai/gpt-4o", 1_000L, "azure.ai.openai/gpt-4o", 1_000L, "openai/gpt-4o-2024-05-13", 1_000L),
        finalInputTokensAt(topics.modelAggregates1m, T0));
  }

  private Map<String, Long> finalInputTokens(io.tokenledger.schemas.topics.Topic<String, UsageAggregate> topic) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer())
        .readRecordsToList().stream().filter(r -> r.value().getIsFinal() && r.key().equals("support"))
        .collect(Collectors.toMap(r -> r.key() + "@" + r.value().getWindowStart(),
            r -> r.value().getUncachedInputTokens()));
  }

  private Map<String, Long> finalInputTokensAt(io.tokenledger.schemas.topics.Topic<String, UsageAggregate> topic,
      Instant windowStart) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer())
        .readRecordsToList().stream().filter(r -> r.value().getIsFinal())
        .filter(r -> r.value().getWindowStart().equals(windowStart))
        .collect(Collectors.toMap(TestRecord::key, r -> r.value().getUncachedInputTokens()));
  }

  private final Map<String, UsageAggregate> finals = new java.util.HashMap<>();

  private UsageAggregate finalFor(String team, Instant windowStart) {
    for (TestRecord<String, UsageAggregate> record : aggregates.readRecordsToList()) {
      if (record.value().getIsFinal()) {
        String key = record.key() + "@" + record.value().getWindowStart();
        if (finals.put(key, record.value()) != null) {
          throw new AssertionError("two final records for " + key);
        }
      }
    }
    UsageAggregate found = finals.get(team + "@" + windowStart);
    if (found == null) {
      throw new AssertionError("no final aggregate for " + team + " at " + windowStart + "; have " + finals.keySet());
    }
    return found;
  }

  /** Advances stream time with another team's event so every window before {@code until} closes. */
  private void closeWindowsUpTo(Instant until) {
    send(event("clock-" + until, "zz-clock", "gpt-4o", until.plus(GRACE), 0, 0, 0));
  }

  private void send(UsageEvent event) {
    usage.pipeInput(new TestRecord<>(event.getTeam(), event, event.getEventTime()));
  }

  private void publishPrice(PriceVersion price) {
    prices.pipeInput(io.tokenledger.pricing.PriceBook.catalogKey(price), price);
  }

  static PriceVersion price(String provider, String model, Instant from, long input, long cached, long output) {
    return PriceVersion.newBuilder().setProvider(provider).setModel(model).setEffectiveFrom(from)
        .setUncachedInputMicroUsdPerMtok(input).setCacheReadMicroUsdPerMtok(cached)
        .setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(output).build();
  }

  static UsageEvent event(String id, String team, String model, Instant at, long input, long cached, long output) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam(team).setWorkflow("triage")
        .setService("support-bot").setProvider("openai").setModel(model)
        .setUncachedInputTokens(input).setCacheReadTokens(cached).setOutputTokens(output).build();
  }
}
