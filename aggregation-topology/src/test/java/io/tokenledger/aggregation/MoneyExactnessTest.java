package io.tokenledger.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every final aggregate equals, to the nano-dollar, the sum of its events' costs, computed
 * here independently: a linear scan for the price in force, BigInteger pico-USD, half-up
 * rounding per event. Random teams, models (some unpriced), price changes inside windows,
 * duplicates and out-of-order events within grace, over several fixed seeds.
 */
class MoneyExactnessTest {
  private static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
  private static final long MINUTE = 60_000;
  private static final long HOUR = 3_600_000;
  private static final Duration GRACE = Duration.ofMinutes(2);
  private static final String[] TEAMS = {"support", "finance", "growth", "platform", "research"};
  private static final String[] WORKFLOWS = {"triage", "summarise", "agent-loop"};
  private static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "o4-mini", "not-in-catalog"};

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 2026})
  void everyFinalAggregateIsTheExactSumOfItsEvents(long seed) {
    Random random = new Random(seed);
    Topics topics = Topics.from(Map.of("tokenledger.topic.usage.partitions", "1"));
    AggregationSettings settings = new AggregationSettings(GRACE, Duration.ofSeconds(1), Duration.ofHours(24),
        new ValidationSettings(100_000_000, Duration.ofMinutes(5)), Duration.ofDays(1), Duration.ofMinutes(2));
    try (TopologyTestDriver driver = new TopologyTestDriver(AggregationApp.buildTopology(topics, settings),
        AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            StreamsConfig.STATE_DIR_CONFIG, "target/money-test-state")), T0)) {
      TestInputTopic<String, PriceVersion> prices = driver.createInputTopic(topics.prices.name(),
          topics.prices.keySerde().serializer(), topics.prices.valueSerde().serializer());
      TestInputTopic<String, UsageEvent> usage = driver.createInputTopic(topics.usage.name(),
          topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer());
      var output = driver.createOutputTopic(topics.teamAggregates1m.name(),
          topics.teamAggregates1m.keySerde().deserializer(), topics.teamAggregates1m.valueSerde().deserializer());
      var perModel = driver.createOutputTopic(topics.modelAggregates1m.name(),
          topics.modelAggregates1m.keySerde().deserializer(), topics.modelAggregates1m.valueSerde().deserializer());
      var perWorkflow = driver.createOutputTopic(topics.workflowAggregates1h.name(),
          topics.workflowAggregates1h.keySerde().deserializer(), topics.workflowAggregates1h.valueSerde().deserializer());

      // Each priced model gets 1-4 versions over the hour, at random seconds (so changes fall inside windows).
      List<PriceVersion> catalog = new ArrayList<>();
      for (int m = 0; m < MODELS.length - 1; m++) {
        int versions = 1 + random.nextInt(4);
        for (int v = 0; v < versions; v++) {
          Instant from = v == 0 ? T0.minus(Duration.ofDays(1)) : T0.plusSeconds(random.nextInt(3600));
          PriceVersion price = PriceVersion.newBuilder().setProvider("openai").setModel(MODELS[m]).setEffectiveFrom(from)
              .setUncachedInputMicroUsdPerMtok(random.nextInt(20_000_000)).setCacheReadMicroUsdPerMtok(random.nextInt(5_000_000))
              .setCacheWriteMicroUsdPerMtok(random.nextInt(25_000_000)).setOutputMicroUsdPerMtok(random.nextInt(80_000_000))
              .setReasoningMicroUsdPerMtok(random.nextInt(80_000_000)).build();
          catalog.add(price);
          prices.pipeInput(PriceBook.catalogKey(price), price);
        }
      }

      Map<String, Expected> expected = new HashMap<>();
      Map<String, Expected> expectedPerModel = new HashMap<>();
      Map<String, Expected> expectedPerWorkflow = new HashMap<>();
      List<UsageEvent> sent = new ArrayList<>();
      long clock = T0.toEpochMilli();
      for (int i = 0; i < 3_000; i++) {
        clock += random.nextInt(2_400); // about an hour in total
        long eventTime = clock - (random.nextInt(10) == 0 ? random.nextInt((int) GRACE.toMillis()) : 0); // some out of order
        UsageEvent event;
        if (!sent.isEmpty() && random.nextInt(20) == 0) {
          event = sent.get(random.nextInt(sent.size())); // a duplicate: the same event again
        } else {
          event = UsageEvent.newBuilder().setEventId("e-" + seed + "-" + i).setEventTime(Instant.ofEpochMilli(eventTime))
              .setTeam(TEAMS[random.nextInt(TEAMS.length)]).setWorkflow(WORKFLOWS[random.nextInt(WORKFLOWS.length)]).setService("s").setProvider("openai")
              .setModel(MODELS[random.nextInt(MODELS.length)])
              .setUncachedInputTokens(random.nextInt(200_000)).setCacheReadTokens(random.nextInt(500_000))
              .setCacheWriteTokens(random.nextInt(50_000)).setOutputTokens(random.nextInt(30_000))
              .setReasoningTokens(random.nextInt(40_000)).build();
          sent.add(event);
          PriceVersion price = priceAt(catalog, event);
          expected.computeIfAbsent(event.getTeam() + "@" + windowStart(event, MINUTE), k -> new Expected())
              .add(event, price);
          expectedPerModel.computeIfAbsent(event.getProvider() + "/" + event.getModel() + "@" + windowStart(event, MINUTE), k -> new Expected())
              .add(event, price);
          expectedPerWorkflow.computeIfAbsent(event.getWorkflow() + "@" + windowStart(event, HOUR), k -> new Expected())
              .add(event, price);
        }
        usage.pipeInput(new TestRecord<>(event.getTeam(), event, Instant.ofEpochMilli(clock)));
      }
      // Close every window: a far-later event for a team that is not compared.
      usage.pipeInput(new TestRecord<>("zz", UsageEvent.newBuilder().setEventId("close").setTeam("zz").setWorkflow("w")
          .setService("s").setProvider("openai").setModel("gpt-4o").setEventTime(Instant.ofEpochMilli(clock).plus(Duration.ofHours(2)))
          .build(), Instant.ofEpochMilli(clock).plus(Duration.ofHours(2))));

      assertExact(expected, finals(output.readRecordsToList()), "team x 1m");
      assertExact(expectedPerModel, finals(perModel.readRecordsToList()), "model x 1m");
      assertExact(expectedPerWorkflow, finals(perWorkflow.readRecordsToList()), "workflow x 1h");
    }
  }

  /** Final records by scope@window start, failing on a second final record for one window. */
  private static Map<String, UsageAggregate> finals(List<TestRecord<String, UsageAggregate>> records) {
    Map<String, UsageAggregate> finals = new HashMap<>();
    records.stream().filter(r -> r.value().getIsFinal() && !r.key().equals("zz")).forEach(r -> {
      UsageAggregate previous = finals.put(r.key() + "@" + r.value().getWindowStart().toEpochMilli(), r.value());
      assertNull(previous, "a second final record for " + r.key() + " at " + r.value().getWindowStart());
    });
    return finals;
  }

  private static void assertExact(Map<String, Expected> expected, Map<String, UsageAggregate> finals, String what) {
    {
      assertEquals(expected.keySet(), finals.keySet(), "one final record for every " + what + " window with events");
      for (var entry : expected.entrySet()) {
        UsageAggregate actual = finals.get(entry.getKey());
        Expected want = entry.getValue();
        assertEquals(want.costNanoUsd, actual.getCostNanoUsd(), "cost of " + entry.getKey());
        assertEquals(want.events, actual.getEventCount(), "events of " + entry.getKey());
        assertEquals(want.unpriced, actual.getUnpricedEventCount(), "unpriced events of " + entry.getKey());
        assertEquals(want.reasoning, actual.getReasoningTokens(), "reasoning tokens of " + entry.getKey());
      }
    }
  }

  private static final class Expected {
    long costNanoUsd;
    long events;
    long unpriced;
    long reasoning;

    void add(UsageEvent event, PriceVersion price) {
      events++;
      reasoning += event.getReasoningTokens();
      if (price == null) {
        unpriced++;
        return;
      }
      BigInteger pico = BigInteger.valueOf(event.getUncachedInputTokens()).multiply(BigInteger.valueOf(price.getUncachedInputMicroUsdPerMtok()))
          .add(BigInteger.valueOf(event.getCacheReadTokens()).multiply(BigInteger.valueOf(price.getCacheReadMicroUsdPerMtok())))
          .add(BigInteger.valueOf(event.getCacheWriteTokens()).multiply(BigInteger.valueOf(price.getCacheWriteMicroUsdPerMtok())))
          .add(BigInteger.valueOf(event.getOutputTokens()).multiply(BigInteger.valueOf(price.getOutputMicroUsdPerMtok())))
          .add(BigInteger.valueOf(event.getReasoningTokens()).multiply(BigInteger.valueOf(price.getReasoningMicroUsdPerMtok())));
      BigInteger[] nanoAndRest = pico.divideAndRemainder(BigInteger.valueOf(1000));
      long nano = nanoAndRest[0].longValueExact() + (nanoAndRest[1].intValue() >= 500 ? 1 : 0);
      costNanoUsd += nano;
    }
  }

  /** The version with the latest effective_from at or before the event time, found by scanning. */
  private static PriceVersion priceAt(List<PriceVersion> catalog, UsageEvent event) {
    PriceVersion best = null;
    for (PriceVersion price : catalog) {
      if (price.getModel().equals(event.getModel())
          && !price.getEffectiveFrom().isAfter(event.getEventTime())
          && (best == null || price.getEffectiveFrom().isAfter(best.getEffectiveFrom()))) {
        best = price;
      }
    }
    return best;
  }

  private static long windowStart(UsageEvent event, long size) {
    long t = event.getEventTime().toEpochMilli();
    return t - Math.floorMod(t, size);
  }
}
