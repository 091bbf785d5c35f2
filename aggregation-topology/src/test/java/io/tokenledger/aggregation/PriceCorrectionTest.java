package io.tokenledger.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.pricing.Cost;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.Rerating;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A price entered wrong for three days, corrected for the middle one: corrections for exactly
 * that day's buckets, the period ledgers move by the difference, original plus corrections
 * equals pricing the day at the corrected price from the start, and running it again changes
 * nothing.
 */
class PriceCorrectionTest {
  private static final Instant DAY1 = Instant.parse("2026-11-02T00:00:00Z");
  private static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));
  private static final Instant DAY3 = DAY2.plus(Duration.ofDays(1));
  private final Topics topics = Topics.from(Map.of("tokenledger.topic.usage.partitions", "1"));

  @Test
  void correctsTheMiddleDayExactlyAndOnce() {
    try (TopologyTestDriver driver = new TopologyTestDriver(AggregationApp.buildTopology(topics,
        AggregationSettings.from(Map.of("tokenledger.aggregation.grace", "30s"))),
        AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            StreamsConfig.STATE_DIR_CONFIG, "target/correction-test-state-" + System.nanoTime())), DAY1)) {
      TestInputTopic<String, PriceVersion> prices = driver.createInputTopic(topics.prices.name(),
          topics.prices.keySerde().serializer(), topics.prices.valueSerde().serializer());
      TestInputTopic<String, UsageEvent> usage = driver.createInputTopic(topics.usage.name(),
          topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer());
      TestInputTopic<String, PriceCorrection> corrections = driver.createInputTopic(topics.priceCorrections.name(),
          topics.priceCorrections.keySerde().serializer(), topics.priceCorrections.valueSerde().serializer());
      TestOutputTopic<String, UsageAggregate> detailLedger = driver.createOutputTopic(topics.seriesLedger15m.name(),
          topics.seriesLedger15m.keySerde().deserializer(), topics.seriesLedger15m.valueSerde().deserializer());
      TestOutputTopic<String, UsageAggregate> teamLedger = driver.createOutputTopic(topics.teamLedger15m.name(),
          topics.teamLedger15m.keySerde().deserializer(), topics.teamLedger15m.valueSerde().deserializer());
      // Entered wrong: $25.00 input and $100 output per 1M instead of $2.50 and $10.
      PriceVersion wrong = price(25_000_000, 100_000_000);
      prices.pipeInput(PriceBook.catalogKey(wrong), wrong);

      List<UsageEvent> sent = new ArrayList<>();
      int n = 0;
      for (Instant day : List.of(DAY1, DAY2, DAY3)) {
        for (int i = 0; i < 6; i++) {
          for (String team : List.of("support", "finance")) {
            UsageEvent e = event("e" + (++n), team, day.plus(Duration.ofMinutes(10 + 40L * i)), 1_000 * (i + 1), 300);
            usage.pipeInput(team, e, e.getEventTime());
            sent.add(e);
          }
        }
      }
      UsageEvent marker = event("marker", "support", DAY3.plus(Duration.ofDays(1)), 0, 0);
      usage.pipeInput("support", marker, marker.getEventTime());
      driver.advanceWallClockTime(Duration.ofSeconds(2));
      Map<String, UsageAggregate> buckets = new LinkedHashMap<>();
      Map<String, UsageAggregate> teamBuckets = new LinkedHashMap<>();
      read(detailLedger, buckets);
      Map<String, Long> teamBefore = byTeamAndDay(read(teamLedger, teamBuckets));

      PriceVersion right = price(2_500_000, 10_000_000);
      Rerating.Spec spec = new Rerating.Spec(right, DAY2, DAY3, "input and output entered x10", "finops@acme");
      List<PriceCorrection> found = Rerating.corrections(buckets.values(), spec, DAY3.plus(Duration.ofDays(2)));
      // Day 2 only: 6 buckets for each of the two teams' (workflow, model) series.
      assertEquals(12, found.size());
      assertTrue(found.stream().allMatch(c -> c.getDay().equals("2026-11-03")), found.toString());
      long difference = found.stream().mapToLong(PriceCorrection::getDifferenceNanoUsd).sum();
      for (PriceCorrection c : found) {
        corrections.pipeInput(c.getTeam(), c);
      }

      Map<String, Long> teamAfter = byTeamAndDay(read(teamLedger, teamBuckets));
      for (String team : List.of("support", "finance")) {
        long fromScratch = sent.stream().filter(e -> e.getTeam().equals(team)
            && !e.getEventTime().isBefore(DAY2) && e.getEventTime().isBefore(DAY3))
            .mapToLong(e -> Cost.nanoUsd(e, right)).sum();
        assertEquals(fromScratch, teamAfter.get(team + "@2026-11-03"), "original + corrections = the right price from the start");
        assertEquals(teamBefore.get(team + "@2026-11-02"), teamAfter.get(team + "@2026-11-02"), "day 1 untouched");
        assertEquals(teamBefore.get(team + "@2026-11-04"), teamAfter.get(team + "@2026-11-04"), "day 3 untouched");
      }
      long movedBy = teamAfter.values().stream().mapToLong(Long::longValue).sum()
          - teamBefore.values().stream().mapToLong(Long::longValue).sum();
      assertEquals(difference, movedBy, "the ledgers moved by the corrections' difference exactly");
      assertEquals(-9 * (teamBefore.get("support@2026-11-03") + teamBefore.get("finance@2026-11-03")) / 10, difference,
          "a tenth of what day 2 was charged");

      // Redelivered: nothing moves. Recomputed from the corrected ledger: nothing to correct.
      for (PriceCorrection c : found) {
        corrections.pipeInput(c.getTeam(), c);
      }
      assertEquals(teamAfter, byTeamAndDay(read(teamLedger, teamBuckets)));
      assertEquals(List.of(), Rerating.corrections(read(detailLedger, buckets).values(), spec,
          DAY3.plus(Duration.ofDays(2))));
    }
  }

  @Test
  void aSecondCorrectionFromTheSameBasisIsDeadLetteredAsStale() {
    try (TopologyTestDriver driver = new TopologyTestDriver(AggregationApp.buildTopology(topics,
        AggregationSettings.from(Map.of("tokenledger.aggregation.grace", "30s"))),
        AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            StreamsConfig.STATE_DIR_CONFIG, "target/correction-test-state-" + System.nanoTime())), DAY1)) {
      PriceVersion wrong = price(25_000_000, 100_000_000);
      driver.createInputTopic(topics.prices.name(), topics.prices.keySerde().serializer(),
          topics.prices.valueSerde().serializer()).pipeInput(PriceBook.catalogKey(wrong), wrong);
      TestInputTopic<String, UsageEvent> usage = driver.createInputTopic(topics.usage.name(),
          topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer());
      UsageEvent e = event("e1", "support", DAY1.plus(Duration.ofMinutes(5)), 1_000_000, 0); // $25.00
      usage.pipeInput("support", e, e.getEventTime());
      UsageEvent marker = event("marker", "support", DAY2, 0, 0);
      usage.pipeInput("support", marker, marker.getEventTime());
      driver.advanceWallClockTime(Duration.ofSeconds(2));
      TestOutputTopic<String, UsageAggregate> detailLedger = driver.createOutputTopic(topics.seriesLedger15m.name(),
          topics.seriesLedger15m.keySerde().deserializer(), topics.seriesLedger15m.valueSerde().deserializer());
      Map<String, UsageAggregate> buckets = read(detailLedger, new LinkedHashMap<>());

      // Both computed from the published $25.00, before the aggregation applied either.
      List<PriceCorrection> toQuarter = Rerating.corrections(buckets.values(),
          new Rerating.Spec(price(250_000, 1_000_000), DAY1, DAY2, "x100", "ops"), DAY3);
      List<PriceCorrection> toTwoFifty = Rerating.corrections(buckets.values(),
          new Rerating.Spec(price(2_500_000, 10_000_000), DAY1, DAY2, "x10", "ops"), DAY3);
      TestInputTopic<String, PriceCorrection> corrections = driver.createInputTopic(topics.priceCorrections.name(),
          topics.priceCorrections.keySerde().serializer(), topics.priceCorrections.valueSerde().serializer());
      corrections.pipeInput("support", toQuarter.get(0));
      corrections.pipeInput("support", toTwoFifty.get(0));
      corrections.pipeInput("support", toQuarter.get(0)); // a redelivery: recognised, not stale
      driver.advanceWallClockTime(Duration.ofSeconds(2));

      UsageAggregate bucket = read(detailLedger, buckets).values().stream()
          .filter(b -> b.getWindowStart().equals(DAY1)).findFirst().orElseThrow();
      assertEquals(250_000_000L, bucket.getCostNanoUsd(), "the first correction only: $0.25, not $0.25 + $2.50 - $25");
      List<io.tokenledger.schemas.DeadLetter> letters = driver.createOutputTopic(topics.deadLetters.name(),
          topics.deadLetters.keySerde().deserializer(), topics.deadLetters.valueSerde().deserializer())
          .readValuesToList();
      assertEquals(List.of("STALE_CORRECTION"), letters.stream().map(l -> l.getReasonCode()).toList());
      assertTrue(letters.get(0).getReason().contains("computed from a cost of 25000000000 nano-USD, but the bucket now "
          + "costs 250000000"), letters.get(0).getReason());
    }
  }

  /** The latest record of each (key, bucket): {@code into}, updated with what the topic has had since. */
  private static Map<String, UsageAggregate> read(TestOutputTopic<String, UsageAggregate> topic,
      Map<String, UsageAggregate> into) {
    topic.readValuesToList().forEach(a -> into.put(a.getScope() + "@" + a.getWindowStart(), a));
    return into;
  }

  private static Map<String, Long> byTeamAndDay(Map<String, UsageAggregate> buckets) {
    Map<String, Long> sums = new TreeMap<>();
    buckets.values().forEach(a -> sums.merge(a.getScope() + "@" + a.getWindowStart().toString().substring(0, 10),
        a.getCostNanoUsd(), Long::sum));
    return sums;
  }

  private static PriceVersion price(long input, long output) {
    return PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o")
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(input)
        .setCacheReadMicroUsdPerMtok(input / 2).setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(output).build();
  }

  private static UsageEvent event(String id, String team, Instant at, long input, long output) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam(team).setWorkflow("triage").setService("s")
        .setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(input).setCacheReadTokens(0)
        .setCacheWriteTokens(0).setOutputTokens(output).setReasoningTokens(0).setRequestCount(1).build();
  }
}
