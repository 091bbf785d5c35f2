package io.tokenledger.alerting.anomaly;

import static io.tokenledger.alerting.anomaly.AnomalyFixture.MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AnomalyContributor;
import io.tokenledger.schemas.AnomalyKind;
import io.tokenledger.schemas.AnomalySeverity;
import io.tokenledger.schemas.AnomalyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The anomaly rules with the default settings, one behaviour per test, on exact figures. */
class AnomalyDetectionTest {
  private static final Instant T0 = Instant.parse("2026-11-10T08:00:00Z");
  private static final long START = T0.toEpochMilli();
  private static final String TRIAGE = "support|triage|openai/gpt-4o";
  private static final String SUMMARISE = "support|summarise|openai/gpt-4o";
  /** 10 requests of 1,000 tokens a minute, 0.01 USD. */
  private static final long REQUESTS = 10;
  private static final long TOKENS = 10_000;
  private static final long COST = 10_000_000;

  private AnomalyFixture feed;

  @BeforeEach
  void start() {
    feed = new AnomalyFixture(T0, "target/anomaly-test-state");
  }

  @AfterEach
  void stop() {
    feed.close();
  }

  /** An hour of steady minutes on both series: past the 30-minute warm-up. */
  private long steadyHour() {
    for (int m = 0; m < 60; m++) {
      feed.minute(TRIAGE, START + m * MINUTE, REQUESTS, TOKENS, COST);
      feed.minute(SUMMARISE, START + m * MINUTE, 2 * REQUESTS, 2 * TOKENS, 2 * COST);
    }
    return START + 60 * MINUTE;
  }

  @Test
  void aRunawayInReplayedHistoryIsLearnedButNeitherItNorItsEndIsAnnounced() {
    feed.close();
    // The wall clock is a day after the minutes fed: history being replayed (a backfill, a reset).
    feed = new AnomalyFixture(T0.plus(Duration.ofDays(1)), "target/anomaly-test-state");
    long m60 = steadyHour();
    feed.update(TRIAGE, m60, 70, 70_000, 70_000_000, m60 + 20_000);
    for (int m = 1; m <= 3; m++) {
      feed.minute(TRIAGE, m60 + m * MINUTE, REQUESTS, TOKENS, COST);
    }
    assertTrue(feed.anomalies.isEmpty(), "stale news is not announced");
  }

  @Test
  void aRunawayLoopIsRaisedWithinItsFirstMinuteAndResolvedWhenItStops() {
    long m60 = steadyHour();
    feed.update(SUMMARISE, m60, 20, 20_000, 20_000_000, m60 + 10_000);
    feed.update(TRIAGE, m60, 70, 70_000, 70_000_000, m60 + 20_000);   // 7x in 20 seconds

    List<AnomalyAlert> raised = feed.anomalies.readValuesToList();
    assertEquals(List.of(AnomalyKind.BURN_RATE_SPIKE, AnomalyKind.REQUEST_RATE_SPIKE),
        raised.stream().map(AnomalyAlert::getKind).toList());
    AnomalyAlert requests = raised.get(1);
    assertEquals(AnomalyStatus.RAISED, requests.getStatus());
    assertEquals("support|triage|openai/gpt-4o/REQUEST_RATE_SPIKE/2026-11-10T09:00:00Z/raised", requests.getAlertId());
    assertEquals(TRIAGE, requests.getScope());
    assertEquals("requests_per_minute", requests.getUnit());
    assertEquals(70, requests.getObserved());
    assertEquals(10, requests.getExpected());
    assertEquals(30, requests.getThreshold());                       // 10 + the floor of 20
    assertEquals(AnomalySeverity.WARNING, requests.getSeverity());   // 7x
    assertEquals(60, requests.getBaselineMinutes());
    assertEquals(Instant.ofEpochMilli(m60), requests.getStartedAt());
    assertEquals(Instant.ofEpochMilli(m60 + 20_000), requests.getDetectedAt());
    assertNull(requests.getResolvedAt());
    // triage is the only series above its own baseline; summarise is at its usual 20.
    assertEquals(List.of(new AnomalyContributor("triage", "gpt-4o", 70L, 10L, "openai")), requests.getTopContributors());
    AnomalyAlert cost = raised.get(0);
    assertEquals(70_000_000, cost.getObserved());
    assertEquals(60_000_000, cost.getThreshold());                   // 0.01 + the 0.05 USD floor

    feed.update(TRIAGE, m60, 400, 400_000, 400_000_000, m60 + 59_999);  // the rest of the minute: no repeat
    assertTrue(feed.anomalies.isEmpty());

    feed.minute(TRIAGE, m60 + MINUTE, REQUESTS, TOKENS, COST);        // normal again
    feed.minute(TRIAGE, m60 + 2 * MINUTE, REQUESTS, TOKENS, COST);
    assertTrue(feed.anomalies.isEmpty(), "one normal minute is not enough to resolve");
    feed.minute(TRIAGE, m60 + 3 * MINUTE, REQUESTS, TOKENS, COST);    // closes the second normal minute

    List<AnomalyAlert> resolved = feed.anomalies.readValuesToList();
    assertEquals(2, resolved.size());
    AnomalyAlert end = resolved.stream().filter(a -> a.getKind() == AnomalyKind.REQUEST_RATE_SPIKE).findFirst()
        .orElseThrow();
    assertEquals(AnomalyStatus.RESOLVED, end.getStatus());
    assertEquals("support|triage|openai/gpt-4o/REQUEST_RATE_SPIKE/2026-11-10T09:00:00Z/resolved", end.getAlertId());
    assertEquals(requests.getAnomalyId(), end.getAnomalyId());
    assertEquals(400, end.getObserved());                             // the peak
    assertEquals(AnomalySeverity.CRITICAL, end.getSeverity());        // 40x at the peak
    assertEquals(Instant.ofEpochMilli(m60 + MINUTE), end.getResolvedAt());
  }

  @Test
  void aSeriesThatFallsSilentIsResolvedAsTheTasksStreamTimeMovesOn() {
    long m60 = steadyHour();
    feed.minute(TRIAGE, m60, 500, 500_000, 500_000_000);
    assertEquals(2, feed.anomalies.readValuesToList().size());
    for (int m = 1; m <= 4; m++) {                                     // triage stops entirely
      feed.minute(SUMMARISE, m60 + m * MINUTE, 20, 20_000, 20_000_000);
    }
    feed.advanceWallClock(AnomalyDetector.STALE_CHECK);

    List<AnomalyAlert> resolved = feed.anomalies.readValuesToList();
    assertEquals(List.of(AnomalyStatus.RESOLVED, AnomalyStatus.RESOLVED),
        resolved.stream().map(AnomalyAlert::getStatus).toList());
    assertEquals(Instant.ofEpochMilli(m60 + MINUTE), resolved.get(0).getResolvedAt());
  }

  @Test
  void warmUpAndTheAbsoluteFloorKeepQuietOrNewSeriesFromPaging() {
    String quiet = "support|nightly-report|gpt-4o-mini";
    for (int m = 0; m < 60; m++) {
      feed.minute(quiet, START + m * MINUTE, 1, 500, 100_000);
    }
    // 15x its baseline, but 15 requests and 0.0015 USD a minute are below the floors.
    feed.minute(quiet, START + 60 * MINUTE, 15, 7_500, 1_500_000);
    // A brand-new series starting hot has no baseline yet: nothing to compare with.
    feed.minute("support|backfill|gpt-4o-mini", START + 60 * MINUTE, 5_000, 5_000_000, 5_000_000_000L);

    assertTrue(feed.anomalies.isEmpty(), () -> feed.anomalies.readValuesToList().toString());
  }

  @Test
  void aModelNewToAnEstablishedTeamIsNoticedOnce() {
    for (int m = 0; m < 61; m++) {
      feed.minute(TRIAGE, START + m * MINUTE, REQUESTS, TOKENS, COST);
    }
    long later = START + 61 * MINUTE;
    feed.minute("support|triage|claude-opus-4", later, 3, 3_000, 3_000_000);
    feed.minute("support|triage|claude-opus-4", later + MINUTE, 3, 3_000, 3_000_000);
    feed.minute("support|summarise|claude-opus-4", later + MINUTE, 3, 3_000, 3_000_000);
    feed.minute("research|explore|claude-opus-4", later + MINUTE, 3, 3_000, 3_000_000);  // a new team: nothing

    List<AnomalyAlert> notices = feed.anomalies.readValuesToList();
    assertEquals(1, notices.size(), notices::toString);
    AnomalyAlert notice = notices.get(0);
    assertEquals(AnomalyKind.NEW_MODEL, notice.getKind());
    assertEquals(AnomalySeverity.INFO, notice.getSeverity());
    assertEquals("support|triage|claude-opus-4/NEW_MODEL/2026-11-10T09:01:00Z/raised", notice.getAlertId());
    assertEquals(61, notice.getBaselineMinutes());
  }

  @Test
  void promptBloatIsRaisedWhenRecentTokensPerRequestOutgrowTheSlowBaseline() {
    steadyHour();
    long m = START + 60 * MINUTE;
    int minutes = 0;
    while (feed.anomalies.isEmpty() && minutes < 30) {
      feed.minute(TRIAGE, m, REQUESTS, 2 * TOKENS, 2 * COST);         // twice the tokens per request
      m += MINUTE;
      minutes++;
    }
    AnomalyAlert bloat = feed.anomalies.readValue();
    assertEquals(AnomalyKind.TOKENS_PER_REQUEST_GROWTH, bloat.getKind());
    assertEquals("tokens_per_request", bloat.getUnit());
    // The fast average (5-minute half-life) climbs 1000 -> 2000 while the young slow baseline (a
    // plain mean of its 60-odd minutes) creeps up too: the fast one is 1,670 against 1.5 x 1,104
    // in the eighth doubled minute, closed when the ninth arrives.
    assertEquals(1_670, bloat.getObserved());
    assertEquals(1_104, bloat.getExpected());
    assertEquals(1_657, bloat.getThreshold());
    assertEquals(9, minutes);
    assertEquals(Instant.ofEpochMilli(START + 67 * MINUTE), bloat.getStartedAt());
    assertTrue(feed.anomalies.isEmpty());
  }
}
