package io.tokenledger.aggregation;

import static io.tokenledger.aggregation.AggregationTopologyTest.event;
import static io.tokenledger.aggregation.AggregationTopologyTest.price;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-series windows and ledger are brought up to date and publish their running totals at
 * the detail interval, the team windows and ledger at every live emit; the figures themselves, and every final record, are the same
 * as when everything published at once.
 */
class DetailCadenceTest {
  private static final Instant T0 = Instant.parse("2026-11-02T12:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(30);

  private static final PriceVersion GPT_4O = price("openai", "gpt-4o", T0.minus(Duration.ofDays(30)), 2_500_000,
      1_250_000, 10_000_000);

  private final Topics topics = Topics.from(Map.of("tokenledger.topic.usage.partitions", "1"));
  private TopologyTestDriver driver;
  private TestInputTopic<String, UsageEvent> usage;
  private TestOutputTopic<String, UsageAggregate> team1m;
  private TestOutputTopic<String, UsageAggregate> detail1m;
  private TestOutputTopic<String, UsageAggregate> detail1h;
  private TestOutputTopic<String, UsageAggregate> detailLedger;
  private TestOutputTopic<String, UsageAggregate> teamLedger;

  @BeforeEach
  void start() {
    AggregationSettings settings = new AggregationSettings(GRACE, Duration.ofSeconds(1), Duration.ofHours(24),
        new ValidationSettings(1_000_000, Duration.ofMinutes(5)), Duration.ofDays(1), Duration.ofMinutes(2),
        Duration.ofSeconds(10));
    driver = new TopologyTestDriver(AggregationApp.buildTopology(topics, settings),
        AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            StreamsConfig.STATE_DIR_CONFIG, "target/detail-cadence-test-state")), T0);
    driver.createInputTopic(topics.prices.name(), topics.prices.keySerde().serializer(),
        topics.prices.valueSerde().serializer()).pipeInput(PriceBook.catalogKey(GPT_4O), GPT_4O);
    usage = driver.createInputTopic(topics.usage.name(), topics.usage.keySerde().serializer(),
        topics.usage.valueSerde().serializer());
    team1m = output(topics.teamAggregates1m);
    detail1m = output(topics.seriesAggregates1m);
    detail1h = output(topics.seriesAggregates1h);
    detailLedger = output(topics.seriesLedger15m);
    teamLedger = output(topics.teamLedger15m);
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void teamFiguresAndLedgersGoOutEverySecondPerSeriesWindowsEveryTenWithTheSameTotals() {
    send(event("a", "support", "gpt-4o", T0.plusSeconds(1), 1_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    send(event("b", "support", "gpt-4o", T0.plusSeconds(2), 2_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    assertEquals(List.of(1_000L, 3_000L), inputTokens(team1m), "team minute: live at every emit");
    assertEquals(List.of(1_000L, 3_000L), inputTokens(teamLedger), "team ledger: live at every emit");
    assertEquals(List.of(), inputTokens(detail1m), "per-series minute: not before the detail interval");
    assertEquals(List.of(), inputTokens(detail1h));
    assertEquals(List.of(), inputTokens(detailLedger), "per-series ledger: not before the detail interval");

    driver.advanceWallClockTime(Duration.ofSeconds(8)); // 10 s since start: the detail interval
    assertEquals(List.of(3_000L), inputTokens(detail1m), "one record with everything so far");
    assertEquals(List.of(3_000L), inputTokens(detail1h));
    assertEquals(List.of(3_000L), inputTokens(detailLedger));
    assertEquals(List.of(), inputTokens(team1m), "nothing changed since the last team emit");
    assertEquals(List.of(), inputTokens(teamLedger));
  }

  @Test
  void finalRecordsOfPerSeriesWindowsAreNotHeldBackByTheCadence() {
    send(event("a", "support", "gpt-4o", T0.plusSeconds(1), 1_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    // Stream time passes the minute's end plus grace before the detail interval comes.
    send(event("clock", "zz-clock", "gpt-4o", T0.plusSeconds(60).plus(GRACE), 0, 0, 0));

    List<TestRecord<String, UsageAggregate>> detail = detail1m.readRecordsToList().stream()
        .filter(r -> r.key().startsWith("support|")).toList();
    assertEquals(1, detail.size(), detail.toString());
    assertEquals(true, detail.get(0).value().getIsFinal());
    assertEquals(1_000L, detail.get(0).value().getUncachedInputTokens());
  }

  @Test
  void theSecondAfterStreamTimeEntersAMinuteLiveEmitsEveryQuarterIntervalSoTheMinuteBeforeSettlesFast() {
    Instant minute0 = T0.plusSeconds(60);
    Instant minute1 = T0.plusSeconds(120);
    send(event("a", "support", "gpt-4o", minute0.plusMillis(59_900), 1_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofSeconds(2)); // a regular emit
    assertEquals(List.of(1_000L), inputTokens(team1m, minute0));

    send(event("b", "support", "gpt-4o", minute1.plusMillis(100), 2_000, 0, 0)); // stream time enters minute 1
    send(event("c", "support", "gpt-4o", minute0.plusMillis(59_950), 4_000, 0, 0)); // still in flight for minute 0
    driver.advanceWallClockTime(Duration.ofMillis(250)); // a quarter of the interval: minute 0 settles
    assertEquals(List.of(5_000L), inputTokens(team1m, minute0), "the straggler out a quarter second later");
    send(event("d", "support", "gpt-4o", minute1.plusMillis(200), 8_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofMillis(250));
    assertEquals(List.of(10_000L), inputTokens(team1m, minute1), "every change while settling");

    driver.advanceWallClockTime(Duration.ofMillis(500)); // the regular emit; the settling second is over
    inputTokens(team1m, minute1);
    send(event("e", "support", "gpt-4o", minute1.plusMillis(300), 16_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofMillis(250));
    assertEquals(List.of(), inputTokens(team1m, minute1), "back to the interval once the minute has settled");
    driver.advanceWallClockTime(Duration.ofMillis(750));
    assertEquals(List.of(26_000L), inputTokens(team1m, minute1));

    // Catching up: stream time enters minutes long past on the wall clock; no emits in between.
    driver.advanceWallClockTime(Duration.ofMinutes(10)); // a regular emit (and the idle advance)
    team1m.readRecordsToList();
    Instant past = T0.plus(Duration.ofMinutes(9));
    send(event("f", "support", "gpt-4o", past.plusMillis(100), 1_000, 0, 0));
    driver.advanceWallClockTime(Duration.ofMillis(250));
    assertEquals(List.of(), inputTokens(team1m, past), "no settling emits while catching up");
    driver.advanceWallClockTime(Duration.ofMillis(750));
    assertEquals(List.of(1_000L), inputTokens(team1m, past));
  }

  private List<Long> inputTokens(TestOutputTopic<String, UsageAggregate> topic, Instant windowStart) {
    return topic.readRecordsToList().stream()
        .filter(r -> r.key().equals("support") && r.value().getWindowStart().equals(windowStart))
        .map(r -> r.value().getUncachedInputTokens()).toList();
  }

  private List<Long> inputTokens(TestOutputTopic<String, UsageAggregate> topic) {
    return topic.readRecordsToList().stream().filter(r -> r.key().startsWith("support"))
        .map(r -> r.value().getUncachedInputTokens()).toList();
  }

  private TestOutputTopic<String, UsageAggregate> output(Topic<String, UsageAggregate> topic) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  private void send(UsageEvent event) {
    usage.pipeInput(new TestRecord<>(event.getTeam(), event, event.getEventTime()));
  }
}
