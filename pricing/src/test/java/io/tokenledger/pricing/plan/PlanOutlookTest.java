package io.tokenledger.pricing.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.TokenPlan;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import io.tokenledger.testing.LedgerFixtures;
import org.junit.jupiter.api.Test;

/**
 * A quarter's plan, actuals and forecast computed by hand. support's ticket-triage uses 1,000,000
 * gpt-4o input tokens a day ($2.50 a day at $2.50 per 1M; $2.00 from March 1, a known cut) and its
 * reply-drafting 500,000 gpt-4o-mini tokens a day ($0.075 at $0.15 per 1M), every day from
 * January 1. As of February 3: 33 days spent, 57 to forecast (26 in February, 31 in March).
 */
class PlanOutlookTest {
  private static final long USD = 1_000_000_000L;
  private static final Quarter Q1 = Quarter.parse("2027-Q1");
  private static final LocalDate AS_OF = LocalDate.parse("2027-02-03");

  @Test
  void planActualsAndForecastOfAWorkflowAndOfItsTeam() {
    List<TokenPlan> plans = List.of(
        plan("support", "ticket-triage", 150 * USD, "2026-12-15T00:00:00Z"),   // the first version
        plan("support", "ticket-triage", 200 * USD, "2027-01-20T00:00:00Z"),   // revised: in force on Feb 3
        plan("support", "ticket-triage", 300 * USD, "2027-03-01T00:00:00Z"),   // not yet in force
        plan("support", null, 250 * USD, "2026-12-15T00:00:00Z"),
        plan("support", null, 999 * USD, "2026-12-15T00:00:00Z", "2027-Q2")); // another quarter
    List<PlanOutlook.Line> lines = PlanOutlook.of(Q1, AS_OF, plans, ledger(), catalog(), List.of());
    assertEquals(2, lines.size());

    PlanOutlook.Line team = lines.get(0);
    assertEquals("support", team.name());
    // 33 days x ($2.50 + $0.075); then February's 26 days x $2.575 and March's 31 x ($2.00 + $0.075).
    assertEquals(33 * 2_575_000_000L, team.actualNanoUsd());
    assertEquals(33 * 2_575_000_000L + 26 * 2_575_000_000L + 31 * 2_075_000_000L, team.forecastNanoUsd());
    assertEquals(216_250_000_000L, team.forecastNanoUsd());
    assertEquals(-14, team.deviationPercent()); // (216.25 - 250) / 250 = -13.5%, half-even
    assertEquals(90 * 1_500_000L, team.forecastTokens());

    PlanOutlook.Line triage = lines.get(1);
    assertEquals("support / ticket-triage", triage.name());
    assertEquals(200 * USD, triage.planNanoUsd());
    assertEquals(82_500_000_000L, triage.actualNanoUsd());           // 33 x $2.50
    assertEquals(33 * 1_000_000L, triage.actualTokens());
    assertEquals(209_500_000_000L, triage.forecastNanoUsd());         // + 26 x $2.50 + 31 x $2.00
    assertEquals(triage.forecastNanoUsd(), triage.forecastLowNanoUsd(), "a flat line has no band");
    assertEquals(5, triage.deviationPercent());                       // +4.75%, half-even
    assertFalse(triage.forecastUnpriced());
  }

  @Test
  void beforeItsQuarterAPlanHasNoActualsAndTheWholeQuarterIsForecast() {
    // As of February 3, the second quarter: no actuals yet, its 91 days forecast from January's line,
    // gpt-4o at the $2.00 in force from March 1, gpt-4o-mini at $0.15.
    Quarter q2 = Quarter.parse("2027-Q2");
    List<PlanOutlook.Line> lines = PlanOutlook.of(q2, AS_OF,
        List.of(plan("support", "ticket-triage", 200 * USD, "2026-12-15T00:00:00Z", "2027-Q2"),
            plan("support", null, 250 * USD, "2026-12-15T00:00:00Z", "2027-Q2")), ledger(), catalog(), List.of());
    assertEquals(2, lines.size());
    PlanOutlook.Line team = lines.get(0);
    PlanOutlook.Line triage = lines.get(1);
    assertEquals(0, triage.actualNanoUsd());
    assertEquals(0, triage.actualTokens());
    assertEquals(q2.start(), triage.asOf());
    assertEquals(91 * 2_000_000_000L, triage.forecastNanoUsd());               // $182.00
    assertEquals(91 * 1_000_000L, triage.forecastTokens());
    assertEquals(-9, triage.deviationPercent());                               // (182 - 200) / 200
    assertEquals(91 * 2_075_000_000L, team.forecastNanoUsd());                 // $188.825 with reply-drafting
    // Nothing of this quarter's history yet: as of January 1, nothing before it to fit a line on.
    assertEquals(0, PlanOutlook.of(Q1, Q1.start(), List.of(plan("support", "ticket-triage", 200 * USD,
        "2026-12-15T00:00:00Z")), ledger(), catalog(), List.of()).get(0).forecastNanoUsd());
  }

  @Test
  void quartersAreReadAndRefusedPlainly() {
    assertEquals(LocalDate.parse("2027-04-01"), Quarter.parse("2027-q2").start());
    assertEquals(LocalDate.parse("2027-07-01"), Quarter.parse("2027-Q2").end());
    assertEquals(Quarter.parse("2027-Q4"), Quarter.of(LocalDate.parse("2027-11-30")));
    assertEquals("a quarter is written YYYY-Qn, e.g. 2027-Q1, not '2027-5'",
        assertThrows(IllegalArgumentException.class, () -> Quarter.parse("2027-5")).getMessage());
    assertEquals(List.of("give an amount in USD, tokens or both"),
        PlanRules.problems(TokenPlan.newBuilder(plan("support", null, 1, "2027-01-01T00:00:00Z"))
            .setAmountNanoUsd(null).build()));
  }

  private static TokenPlan plan(String team, String workflow, long usd, String from) {
    return plan(team, workflow, usd, from, "2027-Q1");
  }

  private static TokenPlan plan(String team, String workflow, long usd, String from, String quarter) {
    return TokenPlan.newBuilder().setTeam(team).setWorkflow(workflow).setQuarter(quarter).setAmountNanoUsd(usd)
        .setEffectiveFrom(Instant.parse(from)).setSetBy("finance").setUpdatedAt(Instant.parse(from)).build();
  }

  /** One ledger bucket a day per series, from January 1 to the day before as-of (and none later). */
  private static List<UsageAggregate> ledger() {
    List<UsageAggregate> buckets = new ArrayList<>();
    for (LocalDate day = Q1.start(); day.isBefore(AS_OF); day = day.plusDays(1)) {
      Instant at = day.atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(9));
      buckets.add(LedgerFixtures.bucket("support", "ticket-triage", new ProviderModel("openai", "gpt-4o"), at,
          1_000_000, 2_500_000_000L));
      buckets.add(LedgerFixtures.bucket("support", "reply-drafting", new ProviderModel("openai", "gpt-4o-mini"), at,
          500_000, 75_000_000L));
    }
    return buckets;
  }


  private static PriceBook catalog() {
    PriceBook catalog = new PriceBook();
    catalog.put(LedgerFixtures.openAiPrice("gpt-4o", "2025-01-01T00:00:00Z", 2_500_000));
    catalog.put(LedgerFixtures.openAiPrice("gpt-4o", "2027-03-01T00:00:00Z", 2_000_000));
    catalog.put(LedgerFixtures.openAiPrice("gpt-4o-mini", "2025-01-01T00:00:00Z", 150_000));
    return catalog;
  }
}
