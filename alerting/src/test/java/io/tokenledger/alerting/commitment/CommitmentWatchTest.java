package io.tokenledger.alerting.commitment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.schemas.Commitment;
import io.tokenledger.schemas.CommitmentAlert;
import io.tokenledger.schemas.CommitmentAlertState;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commitment watch on the alerting topology, the wall clock driven by hand. $10,000 a month
 * with OpenAI at 20% off, from November. openai's model days: gpt-4o $100 a day and gpt-4o-mini
 * $25 a day, November 1st to 10th; anthropic's usage draws nothing.
 */
class CommitmentWatchTest {
  private static final long USD = 1_000_000_000L;
  private static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
  private final Topics topics = Topics.defaults();
  private TopologyTestDriver driver;
  private TestInputTopic<String, UsageAggregate> days;
  private TestInputTopic<String, Commitment> commitments;
  private TestOutputTopic<String, CommitmentAlert> alerts;

  @BeforeEach
  void start() {
    driver = new TopologyTestDriver(AlertingApp.buildTopology(topics, AlertingSettings.defaults()), AlertingApp.config(
        Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            StreamsConfig.STATE_DIR_CONFIG, "target/commitment-watch-test-state")), NOV);
    days = driver.createInputTopic(topics.modelAggregates1d.name(), topics.modelAggregates1d.keySerde().serializer(),
        topics.modelAggregates1d.valueSerde().serializer());
    commitments = driver.createInputTopic(topics.commitments.name(), topics.commitments.keySerde().serializer(),
        topics.commitments.valueSerde().serializer());
    alerts = driver.createOutputTopic(topics.commitmentAlerts.name(), topics.commitmentAlerts.keySerde().deserializer(),
        topics.commitmentAlerts.valueSerde().deserializer());
    commitments.pipeInput("openai-msa", Commitment.newBuilder().setCommitmentId("openai-msa").setProvider("openai")
        .setAmountNanoUsd(10_000 * USD).setPeriodMonths(1).setDiscountBasisPoints(2_000).setStart(NOV).setTermMonths(12)
        .setOwnerTeam("finance").setSetBy("test").setUpdatedAt(NOV).build(), NOV);
    for (int d = 0; d < 10; d++) {
      Instant day = NOV.plus(Duration.ofDays(d));
      // A day's running total: the later record of the same day replaces the earlier.
      days.pipeInput("openai/gpt-4o", day("openai", "gpt-4o", day, 40 * USD), day.plusSeconds(3_600));
      days.pipeInput("openai/gpt-4o", day("openai", "gpt-4o", day, 100 * USD), day.plusSeconds(80_000));
      days.pipeInput("openai/gpt-4o-mini", day("openai", "gpt-4o-mini", day, 25 * USD), day.plusSeconds(80_000));
      days.pipeInput("anthropic/claude-sonnet-4", day("anthropic", "claude-sonnet-4", day, 900 * USD),
          day.plusSeconds(80_000));
    }
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  static UsageAggregate day(String provider, String model, Instant start, long cost) {
    return UsageAggregate.newBuilder().setScope(provider + "/" + model).setProvider(provider).setModel(model)
        .setWindowStart(start).setWindowEnd(start.plus(Duration.ofDays(1))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(0).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0).setReasoningTokens(0)
        .setCostNanoUsd(cost).setUnpricedEventCount(0).setOutcomeUnits(0).setIsFinal(false).build();
  }

  @Test
  void aPeriodOnPaceToLeaveMoneyUnusedIsAnnouncedOnceAndClearedWhenThePacePicksUp() {
    // November 7th: only 6 days in, under the 7 days a projection needs: nothing yet.
    driver.advanceWallClockTime(Duration.ofDays(6));
    assertTrue(alerts.isEmpty());
    // November 11th, 00:00: $1,250 of list in 10 days, $1,000 at 20% off; at that pace $3,000 by December 1st
    // (30 days), so $7,000 of the $10,000 would be unused: 70%, above the 5% worth an alert.
    driver.advanceWallClockTime(Duration.ofDays(4));
    List<CommitmentAlert> raised = alerts.readValuesToList();
    assertEquals(1, raised.size(), raised.toString());
    CommitmentAlert alert = raised.get(0);
    assertEquals("openai-msa/2026-11-01/under-use/1", alert.getAlertId());
    assertEquals(CommitmentAlertState.UNDER_USE_PROJECTED, alert.getState());
    assertEquals(1_000 * USD, alert.getDiscountedSoFarNanoUsd());
    assertEquals(3_000 * USD, alert.getProjectedNanoUsd());
    assertEquals(7_000 * USD, alert.getProjectedUnusedNanoUsd());
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), alert.getPeriodEnd());
    assertEquals("finance", alert.getOwnerTeam());
    // The next checks find nothing new: one alert per change.
    driver.advanceWallClockTime(Duration.ofMinutes(5));
    assertTrue(alerts.isEmpty());
    // November 11th brings a batch job: $10,000 of list, $8,000 at 20% off. On the 12th, 00:00: $9,000 in 11
    // days, $24,545.45 by the period's end: on pace to use it all. Cleared.
    days.pipeInput("openai/gpt-4o", day("openai", "gpt-4o", Instant.parse("2026-11-11T00:00:00Z"), 10_000 * USD),
        Instant.parse("2026-11-11T20:00:00Z"));
    driver.advanceWallClockTime(Duration.ofDays(1).minusMinutes(5));
    List<CommitmentAlert> cleared = alerts.readValuesToList();
    assertEquals(1, cleared.size(), cleared.toString());
    assertEquals("openai-msa/2026-11-01/under-use/2", cleared.get(0).getAlertId());
    assertEquals(CommitmentAlertState.UNDER_USE_CLEARED, cleared.get(0).getState());
    assertEquals(9_000 * USD, cleared.get(0).getDiscountedSoFarNanoUsd());
    assertEquals(24_545_454_545_455L, cleared.get(0).getProjectedNanoUsd());
    assertEquals(0, cleared.get(0).getProjectedUnusedNanoUsd());
  }
}
