package io.tokenledger.alerting.anomaly;

import static io.tokenledger.alerting.anomaly.AnomalyFixture.MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AnomalyKind;
import io.tokenledger.schemas.AnomalyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Detection quality with the default settings, on a fixed-seed simulation: 12 teams of 4
 * (workflow, model) series each, Poisson request counts, log-normal tokens per request and a
 * daily swing of +-30%, for two simulated days, fed to the topology as the aggregation
 * topology publishes them (a cumulative update at 30 s and one at the end of each minute).
 * Day 1 is steady noisy load; on day 2 every team also has a runaway agent loop (20x requests,
 * at least 60 a minute, for 10 minutes, in a random series) and a burn-rate spike (5x tokens
 * per request for 10 minutes in its busiest series), at random minutes.
 *
 * <p>Bounds: at most one false anomaly per team per simulated day; every injected spike and
 * runaway loop detected within 2 minutes of event time. The figures are in docs/budgets-and-alerts.md.
 */
class AnomalySimulationTest {
  private static final long SEED = 20_261_122L;
  private static final int TEAMS = 12;
  private static final int DAYS = 2;
  private static final long DAY = 1440 * MINUTE;
  private static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
  private static final String[] WORKFLOWS = {"triage", "summarise", "code-review", "research", "translate", "extract"};
  private static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4"};

  record Series(String scope, double requestsPerMinute, double tokensPerRequest, long nanoUsdPerToken, double phase) {}

  record Incident(String scope, AnomalyKind kind, long start, long end) {}

  @Test
  void fewFalseAnomaliesAndEverySpikeAndRunawayLoopDetectedWithinTwoMinutes() {
    Random random = new Random(SEED);
    List<Series> series = new ArrayList<>();
    List<Incident> incidents = new ArrayList<>();
    long start = T0.toEpochMilli();
    for (int t = 0; t < TEAMS; t++) {
      String team = "team-" + t;
      List<Series> mine = new ArrayList<>();
      // The busiest series spends about 0.3 USD a minute; the others are anything from quiet to busy.
      mine.add(new Series(team + "|" + WORKFLOWS[0] + "|gpt-4o", 60, 2_000, 2_500, random.nextDouble() * 2 * Math.PI));
      for (int s = 1; s < 4; s++) {
        mine.add(new Series(team + "|" + WORKFLOWS[s + random.nextInt(3)] + "-" + s + "|" + MODELS[random.nextInt(3)],
            new double[] {2, 8, 30, 120}[random.nextInt(4)], new double[] {600, 1_500, 4_000}[random.nextInt(3)],
            new long[] {150, 2_500, 10_000}[random.nextInt(3)], random.nextDouble() * 2 * Math.PI));
      }
      series.addAll(mine);
      long runaway = start + DAY + (60 + random.nextInt(600)) * MINUTE + random.nextInt(60_000);
      long spike = runaway + (120 + random.nextInt(600)) * MINUTE;
      incidents.add(new Incident(mine.get(random.nextInt(4)).scope(), AnomalyKind.REQUEST_RATE_SPIKE, runaway,
          runaway + 10 * MINUTE));
      incidents.add(new Incident(mine.get(0).scope(), AnomalyKind.BURN_RATE_SPIKE, spike, spike + 10 * MINUTE));
    }

    List<AnomalyAlert> alerts = new ArrayList<>();
    try (AnomalyFixture feed = new AnomalyFixture(T0, "target/anomaly-simulation-state")) {
      for (long minute = start; minute < start + DAYS * DAY; minute += MINUTE) {
        for (Series s : series) {
          simulateMinute(feed, random, s, minute, incidents);
        }
        feed.advanceWallClock(Duration.ofSeconds(10));
        alerts.addAll(feed.anomalies.readValuesToList());
      }
    }

    List<AnomalyAlert> raised = alerts.stream().filter(a -> a.getStatus() == AnomalyStatus.RAISED).toList();
    Map<String, Integer> falsePerTeamDay = new TreeMap<>();
    for (AnomalyAlert a : raised) {
      if (explainingIncident(a, incidents) == null) {
        long day = (a.getStartedAt().toEpochMilli() - start) / DAY + 1;
        falsePerTeamDay.merge(a.getTeam() + " day " + day, 1, Integer::sum);
      }
    }
    List<Long> delays = new ArrayList<>();
    for (Incident incident : incidents) {
      long detected = raised.stream()
          .filter(a -> a.getScope().equals(incident.scope()) && a.getKind() == incident.kind())
          .mapToLong(a -> a.getDetectedAt().toEpochMilli())
          .filter(at -> at >= incident.start() && at < incident.end())
          .min().orElse(Long.MAX_VALUE);
      assertTrue(detected != Long.MAX_VALUE, () -> "not detected: " + incident + " " + series.stream().filter(x -> x.scope().equals(incident.scope())).toList() + alerts.stream().filter(x -> x.getScope().equals(incident.scope())).toList());
      delays.add(detected - incident.start());
    }
    Map<String, Long> unresolved = new HashMap<>();
    alerts.forEach(a -> unresolved.merge(a.getAnomalyId(), a.getStatus() == AnomalyStatus.RAISED ? 1L : -1L, Long::sum));
    unresolved.values().removeIf(v -> v == 0);

    int falseTotal = falsePerTeamDay.values().stream().mapToInt(Integer::intValue).sum();
    long maxDelay = delays.stream().mapToLong(Long::longValue).max().orElseThrow();
    double meanDelay = delays.stream().mapToLong(Long::longValue).average().orElseThrow();
    System.out.printf("anomaly simulation (seed %d): %d teams x %d days, %d incidents, %d raised; "
            + "false anomalies %d (%.3f per team-day, worst team-day %d); detection delay mean %.1f s, max %.1f s%n",
        SEED, TEAMS, DAYS, incidents.size(), raised.size(), falseTotal, falseTotal / (double) (TEAMS * DAYS),
        falsePerTeamDay.values().stream().mapToInt(Integer::intValue).max().orElse(0), meanDelay / 1000.0,
        maxDelay / 1000.0);

    falsePerTeamDay.forEach((teamDay, count) -> assertTrue(count <= 1, teamDay + " had " + count + " false anomalies"));
    assertTrue(maxDelay <= 2 * MINUTE, "slowest detection took " + maxDelay + " ms: " + delays);
    // Every injected incident is over by the end of day 2: each anomaly raised is resolved
    // except those (NEW_MODEL) that have no resolution.
    unresolved.keySet().removeIf(id -> id.contains("/NEW_MODEL/"));
    assertEquals(Map.of(), unresolved);
  }

  private static Incident explainingIncident(AnomalyAlert a, List<Incident> incidents) {
    long startedAt = a.getStartedAt().toEpochMilli();
    for (Incident i : incidents) {
      if (i.scope().equals(a.getScope()) && startedAt >= i.start() - MINUTE && startedAt <= i.end() + 10 * MINUTE) {
        return i;
      }
    }
    return null;
  }

  /** One minute of one series: two cumulative updates, as the aggregation topology emits them. */
  private static void simulateMinute(AnomalyFixture feed, Random random, Series s, long minute,
      List<Incident> incidents) {
    double swing = 1 + 0.3 * Math.sin(2 * Math.PI * (minute % DAY) / DAY + s.phase());
    int n = poisson(random, s.requestsPerMinute() * swing);
    long[] requests = new long[2];
    long[] tokens = new long[2];
    for (int r = 0; r < n; r++) {
      emitRequest(random, s, minute, requests, tokens, incidents, false);
    }
    for (Incident i : incidents) {
      if (i.kind() == AnomalyKind.REQUEST_RATE_SPIKE && i.scope().equals(s.scope())
          && minute + MINUTE > i.start() && minute < i.end()) {
        int extra = poisson(random, Math.max(20 * s.requestsPerMinute(), 60));
        for (int r = 0; r < extra; r++) {
          emitRequest(random, s, minute, requests, tokens, incidents, true);
        }
      }
    }
    long half = minute + 30_000;
    feed.update(s.scope(), minute, requests[0], tokens[0], tokens[0] * s.nanoUsdPerToken(), half - 1);
    long allRequests = requests[0] + requests[1];
    long allTokens = tokens[0] + tokens[1];
    feed.update(s.scope(), minute, allRequests, allTokens, allTokens * s.nanoUsdPerToken(), minute + MINUTE - 1);
  }

  /** A request at a uniform second of the minute; runaway requests only inside the incident. */
  private static void emitRequest(Random random, Series s, long minute, long[] requests, long[] tokens,
      List<Incident> incidents, boolean runaway) {
    long at = minute + random.nextInt(60_000);
    double perRequest = s.tokensPerRequest() * Math.exp(0.5 * random.nextGaussian());
    boolean inRunaway = false;
    for (Incident i : incidents) {
      boolean inside = i.scope().equals(s.scope()) && at >= i.start() && at < i.end();
      inRunaway |= inside && i.kind() == AnomalyKind.REQUEST_RATE_SPIKE;
      if (inside && i.kind() == AnomalyKind.BURN_RATE_SPIKE) {
        perRequest *= 5;
      }
    }
    if (runaway && !inRunaway) {
      return;
    }
    int half = at < minute + 30_000 ? 0 : 1;
    requests[half]++;
    tokens[half] += Math.round(perRequest);
  }

  private static int poisson(Random random, double mean) {
    if (mean > 50) {
      return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= random.nextDouble();
      k++;
    }
    return k;
  }
}
