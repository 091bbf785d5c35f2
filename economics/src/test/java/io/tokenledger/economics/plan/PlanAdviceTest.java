package io.tokenledger.economics.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.pricing.plan.PlanOutlook;
import io.tokenledger.pricing.plan.Quarter;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.EconomicsRecommendation;
import io.tokenledger.schemas.EconomicsVerdict;
import io.tokenledger.schemas.WorkflowEconomics;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plan's advice, computed by hand. ticket-triage: plan $150, spent $82.50 on 33M tokens,
 * forecast $209.50 on 90M (a price cut makes its remaining 57M tokens cost $127: $2.228 per 1M
 * against $2.50), its agent $0.80 per successful ticket against $10.53 for a person. disputes:
 * plan $100, spent $30 on 12M tokens, forecast $90 on 36M (the same price), its agent $43.84 per
 * successful dispute against $12.50 for a person.
 */
class PlanAdviceTest {
  private static final long USD = 1_000_000_000L;
  private static final Quarter Q1 = Quarter.parse("2027-Q1");
  private static final LocalDate AS_OF = LocalDate.parse("2027-02-03");

  @Test
  void fundsTheCheaperAgentCutsTheDearerOneAndSaysWhatMovingChanges() {
    PlanOutlook.Line triage = line("ticket-triage", 150 * USD, 82_500_000_000L, 33_000_000, 209_500_000_000L, 90_000_000);
    PlanOutlook.Line disputes = line("disputes", 100 * USD, 30 * USD, 12_000_000, 90 * USD, 36_000_000);
    // The forecast's price trend: 127 x 33 / (57 x 82.5) = 0.8912280701..., so $0.80 becomes $0.712982456.
    assertEquals(712_982_456L, PlanAdvice.atForecastPrices(800_000_000L, triage));
    assertEquals(43_840_000_000L, PlanAdvice.atForecastPrices(43_840_000_000L, disputes));

    List<PlanAdvice.Advice> advice = PlanAdvice.of(List.of(triage, disputes), Map.of(
        "support|ticket-triage", economics("ticket-triage", "ticket", 800_000_000L, 10_530_000_000L,
            EconomicsVerdict.AGENT_CHEAPER),
        "support|disputes", economics("disputes", "dispute", 43_840_000_000L, 12_500_000_000L,
            EconomicsVerdict.PERSON_CHEAPER)));
    assertEquals(3, advice.size());

    PlanAdvice.Advice fund = advice.get(0);
    assertEquals(PlanAdvice.Kind.FUND, fund.kind());
    assertEquals(59_500_000_000L, fund.amountNanoUsd());    // $209.50 forecast - $150 plan
    assertEquals(83, fund.outcomes());                       // $59.50 / $0.712982456 = 83.45
    assertEquals(83 * 10_530_000_000L, fund.peopleNanoUsd()); // $873.99
    assertEquals("support / ticket-triage: its agent is cheaper than a person ($0.71 per successful ticket at the "
        + "forecast's prices, against $10.53) and its forecast passes its plan by $59.50: that is 83 tickets by the "
        + "agent, which people would do for $873.99.", fund.text());

    PlanAdvice.Advice cut = advice.get(1);
    assertEquals(PlanAdvice.Kind.CUT, cut.kind());
    assertEquals(70 * USD, cut.amountNanoUsd());             // $100 plan - $30 spent
    assertEquals(1, cut.outcomes());                         // $70 / $43.84 = 1.6

    PlanAdvice.Advice move = advice.get(2);
    assertEquals(PlanAdvice.Kind.MOVE, move.kind());
    assertEquals(59_500_000_000L, move.amountNanoUsd());     // the shortfall, within disputes' $70
    assertEquals(83, move.outcomes());
    assertEquals(12_500_000_000L, move.peopleNanoUsd());     // 1 dispute ($59.50 / $43.84) by people
    assertEquals("Moving $59.50 from support / disputes to support / ticket-triage: ticket-triage gains 83 tickets by its "
        + "agent; disputes's agent does 1 fewer disputes, which people do for $12.50 ($47.00 less than the agent "
        + "would have cost).", move.text());
  }

  @Test
  void noAdviceWithoutEconomicsOrAVerdict() {
    PlanOutlook.Line triage = line("ticket-triage", 150 * USD, 82_500_000_000L, 33_000_000, 209_500_000_000L, 90_000_000);
    assertEquals(List.of(), PlanAdvice.of(List.of(triage), Map.of()));
    assertEquals(List.of(), PlanAdvice.of(List.of(triage), Map.of("support|ticket-triage", economics("ticket-triage",
        "ticket", 800_000_000L, 10_530_000_000L, EconomicsVerdict.NOT_ENOUGH_DATA))));
  }

  private static PlanOutlook.Line line(String workflow, long plan, long actual, long actualTokens, long forecast,
      long forecastTokens) {
    return new PlanOutlook.Line("support", workflow, Q1, AS_OF, plan, null, actual, actualTokens, forecast, forecast,
        forecast, forecastTokens, false);
  }

  @Test
  void fundingAnAgentWhoseQualityMakesAPersonTheRecommendationSaysSo() {
    PlanOutlook.Line triage = line("ticket-triage", 150 * USD, 82_500_000_000L, 33_000_000, 209_500_000_000L, 90_000_000);
    WorkflowEconomics worse = WorkflowEconomics.newBuilder(economics("ticket-triage", "ticket", 800_000_000L,
        10_530_000_000L, EconomicsVerdict.AGENT_CHEAPER)).setRecommendation(EconomicsRecommendation.PERSON)
        .setRecommendationReason("person: cheaper by $9.73 per ticket, quality lower (78.0 against 90.0)").build();
    PlanAdvice.Advice fund = PlanAdvice.of(List.of(triage), Map.of("support|ticket-triage", worse)).get(0);
    assertEquals(PlanAdvice.Kind.FUND, fund.kind(), "cheaper is still cheaper");
    assertTrue(fund.text().endsWith("which people would do for $873.99. Mind: on cost, time and quality "
        + "ticket-triage's recommendation is a person's (person: cheaper by $9.73 per ticket, quality lower (78.0 "
        + "against 90.0))."), fund.text());
  }

  private static WorkflowEconomics economics(String workflow, String unit, long costPerSuccess, long person,
      EconomicsVerdict verdict) {
    return WorkflowEconomics.newBuilder().setWorkflow(workflow).setTeam("support").setPeriod(EconomicsPeriod.MONTH)
        .setZone("UTC").setFirstDay("2027-02-01").setPeriodStart(Instant.parse("2027-02-01T00:00:00Z"))
        .setPeriodEnd(Instant.parse("2027-03-01T00:00:00Z")).setOutcomeUnit(unit).setItemsStarted(100)
        .setItemsSucceeded(90).setItemsFailed(10).setItemsEscalated(0).setItemsAbandoned(0).setItemsOpen(0)
        .setUnitsSucceeded(90).setHumanSeconds(0).setAiSpendNanoUsd(1).setHumanInLoopCostNanoUsd(0)
        .setAiPathCostNanoUsd(1).setCostPerSuccessNanoUsd(costPerSuccess).setHumanCostPerOutcomeNanoUsd(person)
        .setHumanCostAvoidedNanoUsd(0).setUnvaluedOutcomes(0).setVerdict(verdict).setVerdictReason("test").build();
  }
}
