package io.tokenledger.aggregation.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** A cross-team window has exactly one final record, whatever arrives after it. */
class CrossTeamFinalityTest {
  private static final Instant T0 = Instant.parse("2026-11-02T12:00:00Z");

  @Test
  void aPartialSumAfterTheFinalRecordPublishesNoSecondFinal() {
    Topics topics = Topics.from(Map.of("tokenledger.topic.usage.partitions", "1"));
    AggregationSettings settings = AggregationSettings.from(Map.of(AggregationSettings.PREFIX + "grace", "30s"));
    try (TopologyTestDriver driver = new TopologyTestDriver(AggregationApp.buildTopology(topics, settings),
        AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            StreamsConfig.STATE_DIR_CONFIG, "target/cross-team-finality-state")), T0)) {
      var usage = driver.createInputTopic(topics.usage.name(), topics.usage.keySerde().serializer(),
          topics.usage.valueSerde().serializer());
      usage.pipeInput(new TestRecord<>("support", event("e1", T0.plusSeconds(5)), T0.plusSeconds(5)));
      Instant later = T0.plus(Duration.ofMinutes(3));
      usage.pipeInput(new TestRecord<>("support", event("e2", later), later)); // closes T0's minute everywhere

      Totals stray = new Totals();
      stray.events = 1;
      stray.uncachedInput = 4_000;
      var partials = driver.createInputTopic(topics.rollupPartials.name(), topics.rollupPartials.keySerde()
          .serializer(), Partial.serde().serializer());
      partials.pipeInput(new TestRecord<>("gpt-4o", Partial.delta(Scope.MODEL, T0.toEpochMilli(), stray),
          T0.plusSeconds(6)));
      driver.advanceWallClockTime(Duration.ofSeconds(5));

      List<UsageAggregate> t0 = driver.createOutputTopic(topics.modelAggregates1m.name(),
          topics.modelAggregates1m.keySerde().deserializer(), topics.modelAggregates1m.valueSerde().deserializer())
          .readValuesToList().stream().filter(a -> a.getWindowStart().equals(T0)).toList();
      assertEquals(1, t0.size(), "one record for the window, its final one: " + t0);
      assertEquals(true, t0.get(0).getIsFinal());
      assertEquals(1_000, t0.get(0).getUncachedInputTokens(), "the final figure is what was final");
    }
  }

  private static UsageEvent event(String id, Instant at) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam("support").setWorkflow("triage")
        .setService("svc").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(1_000).build();
  }
}
