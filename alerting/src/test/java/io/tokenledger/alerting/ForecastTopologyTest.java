package io.tokenledger.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetState;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.alerts.AlertTexts;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.schemas.topics.Topics;
import java.math.BigInteger;
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
 * Projections with the default settings: a month is projected from its last 7 days, never from
 * its last minutes; "projected to run out" is announced once, again only when the run-out day
 * moves at least a day earlier, at most once a day, and never while history is replayed.
 */
class ForecastTopologyTest {
  private static final long USD = 1_000_000_000L;
  private static final long HOUR = 3_600_000L;
  private static final String SERIES = "platform|review|anthropic/claude-sonnet-4-5";
  /** The wall clock at the start; the ledger below runs up to it. */
  private static final Instant NOW = Instant.parse("2026-12-15T12:00:00Z");

  private final Topics topics = Topics.from(Map.of("tokenledger.topic.ledger.team-workflow-model.15m.partitions", "1"));
  private TopologyTestDriver driver;
  private TestInputTopic<String, Budget> budgets;
  private TestInputTopic<String, UsageAggregate> ledger;
  private TestOutputTopic<String, ForecastAlert> forecasts;
  private TestOutputTopic<String, BudgetStatus> statuses;
  private Instant wallClock = NOW;

  @BeforeEach
  void start() {
    driver = new TopologyTestDriver(AlertingApp.buildTopology(topics, AlertingSettings.defaults()),
        AlertingApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            StreamsConfig.STATE_DIR_CONFIG, "target/forecast-test-state")), NOW);
    budgets = driver.createInputTopic(topics.budgets.name(), topics.budgets.keySerde().serializer(),
        topics.budgets.valueSerde().serializer());
    ledger = driver.createInputTopic(topics.seriesLedger15m.name(), topics.seriesLedger15m.keySerde().serializer(),
        topics.seriesLedger15m.valueSerde().serializer());
    forecasts = driver.createOutputTopic(topics.forecastAlerts.name(), topics.forecastAlerts.keySerde().deserializer(),
        topics.forecastAlerts.valueSerde().deserializer());
    statuses = driver.createOutputTopic(topics.budgetStatus.name(), topics.budgetStatus.keySerde().deserializer(),
        topics.budgetStatus.valueSerde().deserializer());
    budgets.pipeInput("platform-monthly", AlertingTopologyTest.budget("platform-monthly", "platform", 1_000 * USD, "UTC"));
    tick(Duration.ofSeconds(1));
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  /**
   * $1 an hour from Dec 1 to Dec 8 11:00, $2 an hour for the last 7 days, then $50 in the last
   * quarter hour. The month is projected at the 7 days' rate, spike included: $386 over 168 hours.
   */
  @Test
  void aMonthIsProjectedFromItsLastSevenDaysNotItsLastMinutes() {
    history(NOW);
    tick(Duration.ofSeconds(1));

    ForecastAlert alert = forecasts.readValue();
    assertTrue(forecasts.isEmpty(), "one announcement");
    assertEquals(ForecastState.PROJECTED_TO_EXCEED, alert.getState());
    assertEquals(566 * USD, alert.getSpend(), "180 x $1 + 168 x $2 + $50");
    long trailing = 386 * USD;
    long elapsed = 168 * HOUR;
    assertEquals(trailing * 3_600L / (168 * 3_600L), alert.getBurnRatePerHour(), "$386 over 168 hours: $2.297619047/h");
    // Dec 15 12:00 to Jan 1 is 396 hours: $566 + $386 x 396 / 168 = $1,475.857142857.
    long projected = 566 * USD + BigInteger.valueOf(trailing).multiply(BigInteger.valueOf(396 * HOUR))
        .divide(BigInteger.valueOf(elapsed)).longValueExact();
    assertEquals(1_475_857_142_857L, projected);
    assertEquals(projected, alert.getProjectedEndOfPeriod());
    assertEquals(7 * 24 * 60, alert.getTrailingWindowMinutes());
    // ($1,000 - $566) x 168 / 386 hours after Dec 15 12:00: Dec 23 08:53, 9 days before Jan 1.
    assertEquals("Budget platform-monthly projected to run out on Dec 23 (9 days early)", AlertTexts.title(alert));
    assertEquals("$566.00 of $1,000.00 spent (56%); burning $2.30/h over the last 7 days: $1,475.86 projected by "
        + "Dec 31", AlertTexts.detail(alert));

    BudgetStatus status = latestStatus();
    assertEquals(projected, status.getProjectedSpendNanoUsd());
    assertEquals(2_297_619_047L, status.getBurnRateNanoUsdPerHour());
    assertEquals(7 * 24 * 60, status.getProjectionHistoryMinutes());
    assertEquals(BudgetState.PROJECTED_TO_EXCEED, status.getState());
  }

  @Test
  void reFiresOnlyWhenTheRunOutDayMovesADayEarlierAndAtMostOnceADay() {
    history(NOW);
    tick(Duration.ofSeconds(1));
    assertEquals("platform-monthly/2026-12-01/forecast-usd/1", forecasts.readValue().getAlertId());

    // An hour later, $2 more: the run-out moves by minutes. Nothing.
    bucket(NOW.plus(Duration.ofHours(1)), 2 * USD);
    tick(Duration.ofHours(1));
    assertTrue(forecasts.isEmpty());

    // Another hour later, $300: the run-out moves to Dec 16, but one was announced 2 hours ago. Held.
    bucket(NOW.plus(Duration.ofHours(2)), 300 * USD);
    tick(Duration.ofHours(1));
    assertTrue(forecasts.isEmpty(), "at most one a day");
    assertEquals(BudgetState.PROJECTED_TO_EXCEED, latestStatus().getState());

    // A day after the first, the run-out (now Dec 17) is at least a day earlier than announced: again.
    bucket(NOW.plus(Duration.ofHours(24)), 20 * USD);
    tick(Duration.between(wallClock, NOW.plus(Duration.ofHours(24)).plusSeconds(5)));
    ForecastAlert again = forecasts.readValue();
    assertEquals("platform-monthly/2026-12-01/forecast-usd/2", again.getAlertId());
    assertEquals("Budget platform-monthly projected to run out on Dec 17 (15 days early)", AlertTexts.title(again));
    assertTrue(forecasts.isEmpty());

    // The budget changes within the day: the news waits for the interval too.
    budgets.pipeInput("platform-monthly", Budget.newBuilder(AlertingTopologyTest.budget("platform-monthly", "platform",
        950 * USD, "UTC")).setUpdatedAt(NOW.plus(Duration.ofHours(24))).build());
    tick(Duration.ofMinutes(2));
    assertTrue(forecasts.isEmpty());
  }

  @Test
  void aReplayedHistoryIsProjectedButNotAnnounced() {
    // The wall clock is Dec 15; the ledger replays up to Dec 10 (a backfill, a reset).
    history(Instant.parse("2026-12-10T12:00:00Z"));
    tick(Duration.ofSeconds(1));
    assertTrue(forecasts.isEmpty(), "a projection of the past is not news");
    BudgetStatus status = latestStatus();
    assertNotNull(status.getProjectedSpendNanoUsd(), "the status is projected all the same");

    // Caught up: now it is announced.
    history(NOW);
    tick(Duration.ofSeconds(1));
    assertEquals(ForecastState.PROJECTED_TO_EXCEED, forecasts.readValue().getState());
  }

  /** Hourly ledger buckets from Dec 1 up to {@code until}: $1/h before Dec 8 12:00, $2/h after, $50 at Dec 15 12:00. */
  private void history(Instant until) {
    Instant switchAt = NOW.minus(Duration.ofDays(7));
    for (Instant at = Instant.parse("2026-12-01T00:00:00Z"); !at.isAfter(until); at = at.plus(Duration.ofHours(1))) {
      bucket(at, at.equals(NOW) ? 50 * USD : at.isBefore(switchAt) ? USD : 2 * USD);
    }
  }

  private void bucket(Instant start, long costNanoUsd) {
    SeriesKey series = SeriesKey.parse(SERIES);
    ledger.pipeInput(SERIES, UsageAggregate.newBuilder().setScope(SERIES).setTeam(series.team())
        .setWorkflow(series.workflow()).setProvider(series.provider()).setModel(series.model())
        .setWindowStart(start).setWindowEnd(start.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(0).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0)
        .setReasoningTokens(0).setCostNanoUsd(costNanoUsd).build(), start);
  }

  private void tick(Duration by) {
    driver.advanceWallClockTime(by);
    wallClock = wallClock.plus(by);
  }

  private BudgetStatus latestStatus() {
    List<BudgetStatus> all = statuses.readValuesToList();
    return all.get(all.size() - 1);
  }
}
