package io.tokenledger.economics;

import static io.tokenledger.economics.EconomicsFixture.DEC_1;
import static io.tokenledger.economics.EconomicsFixture.FIFTY_USD_PER_HOUR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenledger.schemas.AxisVerdict;
import io.tokenledger.schemas.EconomicsRecommendation;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import io.tokenledger.schemas.WorkflowEconomics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Turnaround, quality and the verdict on three axes, hand-computed. Ten tickets, each one call at
 * 10:00 and a successful outcome 1 to 9 minutes later (and one after 50 minutes): turnarounds 60,
 * 120, ..., 540 and 3,000 s, so the median is 300 s within [60, 540] and the p90 540 s within
 * [420, 3,000] (QuantilesAndMeansTest has the ranks). Scores 80, 90, 100, 70, 80, 90, 100, 70, 85,
 * 85: mean 85, s^2 = (10 x 73,250 - 850^2) / 90 = 111.11, 1.96 x sqrt(11.11) = 6.5332, so
 * [78.4668, 91.5332]. The ledger: $0.10 for the ten calls, a cent per ticket; a person costs 12 min
 * at $50/h at 95%: $10.526315789 per ticket. Ten successes of ten: Wilson's low end 72.25%.
 */
class TimeAndQualityTest {
  private static final String MONTH = "MONTH|UTC|2026-12-01|support-tickets|*";
  private static final Instant TEN = Instant.parse("2026-12-01T10:00:00Z");
  private static final int[] SCORES = {80, 90, 100, 70, 80, 90, 100, 70, 85, 85};

  private static HumanBaseline person(long turnaroundSeconds, int quality, int qualityLossAllowed) {
    return HumanBaseline.newBuilder().setWorkflow("support-tickets").setOutcomeUnit("ticket").setSecondsPerUnit(720)
        .setLoadedCostNanoUsdPerHour(FIFTY_USD_PER_HOUR).setSuccessRateBasisPoints(9_500).setEffectiveFrom(DEC_1)
        .setSetBy("test").setSource("time study").setUpdatedAt(DEC_1).setTurnaroundSecondsPerUnit(turnaroundSeconds)
        .setQualityScorePercent(quality).setQualityLossAllowedPoints(qualityLossAllowed).build();
  }

  /** The ten tickets; the last outcome carries no score when {@code lastUnscored}. */
  private static WorkflowEconomics tenTickets(HumanBaseline baseline, boolean lastUnscored) {
    return tenTickets(baseline, lastUnscored, 100_000_000L);
  }

  private static WorkflowEconomics tenTickets(HumanBaseline baseline, boolean lastUnscored, long ledgerNanoUsd) {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.baseline(baseline);
      for (int i = 0; i < 10; i++) {
        String item = "T-" + i;
        f.call("support", "support-tickets", "gpt-4o", item, TEN);
        long seconds = i < 9 ? 60L * (i + 1) : 3_000;
        f.outcomeAs("support", WorkOutcome.newBuilder().setOutcomeId("o-" + i).setWorkItemId(item).setTeam("support")
            .setWorkflow("support-tickets").setOutcomeUnit("ticket").setStatus(WorkOutcomeStatus.SUCCEEDED)
            .setUnitsDelivered(1).setHumanSeconds(0).setEventTime(TEN.plusSeconds(seconds))
            .setQualityScorePercent(lastUnscored && i == 9 ? null : SCORES[i]).build());
      }
      f.ledger("support", "support-tickets", "gpt-4o", TEN, ledgerNanoUsd);
      return f.figures(MONTH);
    }
  }

  @Test
  void fasterAndCheaperWithQualityNotDistinguishableRecommendsTheAgent() {
    WorkflowEconomics e = tenTickets(person(14_400, 80, 5), false);
    assertEquals(10, e.getTurnaroundItems());
    assertEquals(300L, e.getTurnaroundMedianSeconds());
    assertEquals(60L, e.getTurnaroundMedianLowSeconds());
    assertEquals(540L, e.getTurnaroundMedianHighSeconds());
    assertEquals(540L, e.getTurnaroundP90Seconds());
    assertEquals(420L, e.getTurnaroundP90LowSeconds());
    assertEquals(3_000L, e.getTurnaroundP90HighSeconds());
    assertEquals(14_400L, e.getPersonTurnaroundSeconds());
    assertEquals(10, e.getQualityScored());
    assertEquals(0, e.getQualityUnscored());
    assertEquals(8_500, e.getQualityMeanBasisPoints());
    assertEquals(7_847, e.getQualityLowBasisPoints());
    assertEquals(9_153, e.getQualityHighBasisPoints());
    assertEquals(8_000, e.getPersonQualityBasisPoints());
    assertEquals(AxisVerdict.AGENT_BETTER, e.getCostAxis());
    // The median's high end, 540 s, is below the person's 4 hours: 14,400 / 300 = 48.0x.
    assertEquals(AxisVerdict.AGENT_BETTER, e.getTimeAxis());
    // [78.47, 91.53] holds neither below 80 - 5 nor wholly above 80.
    assertEquals(AxisVerdict.NOT_DISTINGUISHABLE, e.getQualityAxis());
    assertEquals(EconomicsRecommendation.AGENT, e.getRecommendation());
    assertEquals("agent: cheaper by $10.52 per ticket, 48.0x faster (median 5m against 4h), quality not "
        + "distinguishable (85.0 against 80.0)", e.getRecommendationReason());
  }

  @Test
  void aWorseQualityIsNeverHiddenBehindCheaperAndFaster() {
    // A person scores 100 and 5 points of loss are acceptable: 91.53 is below 95.
    WorkflowEconomics e = tenTickets(person(14_400, 100, 5), false);
    assertEquals(AxisVerdict.AGENT_BETTER, e.getCostAxis());
    assertEquals(AxisVerdict.AGENT_BETTER, e.getTimeAxis());
    assertEquals(AxisVerdict.AGENT_WORSE, e.getQualityAxis());
    assertEquals(EconomicsRecommendation.PERSON, e.getRecommendation());
    assertEquals("person: cheaper by $10.52 per ticket, 48.0x faster (median 5m against 4h), quality lower "
        + "(85.0 against 100.0)", e.getRecommendationReason());
  }

  @Test
  void slowerThanAPersonIsWorseOnTimeAndBetterQualityIsBetter() {
    // A person takes 30 s: the median's low end, 60 s, is above it (no loss allowed). A person scores 70: 78.47 > 70.
    WorkflowEconomics e = tenTickets(person(30, 70, 0), false);
    assertEquals(AxisVerdict.AGENT_WORSE, e.getTimeAxis());
    assertEquals(AxisVerdict.AGENT_BETTER, e.getQualityAxis());
    assertEquals(EconomicsRecommendation.PERSON, e.getRecommendation());
    assertEquals("person: cheaper by $10.52 per ticket, 10.0x slower (median 5m against 30s), quality higher "
        + "(85.0 against 70.0)", e.getRecommendationReason());
  }

  @Test
  void dearerThanAPersonIsWorseOnCostWhateverTimeSays() {
    // $200 for the ten tickets: $20 each even if every item succeeds, against $10.53: 20 - 10.526315789 = $9.47.
    WorkflowEconomics e = tenTickets(person(14_400, 80, 5), false, 200_000_000_000L);
    assertEquals(AxisVerdict.AGENT_WORSE, e.getCostAxis());
    assertEquals(AxisVerdict.AGENT_BETTER, e.getTimeAxis());
    assertEquals(EconomicsRecommendation.PERSON, e.getRecommendation());
    assertEquals("person: dearer by $9.47 per ticket, 48.0x faster (median 5m against 4h), quality not "
        + "distinguishable (85.0 against 80.0)", e.getRecommendationReason());
  }

  @Test
  void anOutcomeWithoutAScoreIsUnscoredNeverZero() {
    // Nine scores: 80, 90, 100, 70, 80, 90, 100, 70, 85 = 765, mean 85.0; a zero would have made it 76.5.
    WorkflowEconomics e = tenTickets(person(14_400, 80, 5), true);
    assertEquals(9, e.getQualityScored());
    assertEquals(1, e.getQualityUnscored());
    assertEquals(8_500, e.getQualityMeanBasisPoints());
    // Fewer scores than the ten outcomes a verdict needs: no quality axis, said so.
    assertEquals(AxisVerdict.NO_DATA, e.getQualityAxis());
    assertEquals(EconomicsRecommendation.AGENT, e.getRecommendation());
    assertEquals("agent: cheaper by $10.52 per ticket, 48.0x faster (median 5m against 4h), quality: 9 of 10 "
        + "scores needed", e.getRecommendationReason());
  }

  @Test
  void withoutAPersonsTurnaroundTheTimeAxisHasNoData() {
    HumanBaseline costOnly = HumanBaseline.newBuilder(person(0, 0, 0)).setTurnaroundSecondsPerUnit(null)
        .setQualityScorePercent(null).build();
    WorkflowEconomics e = tenTickets(costOnly, false);
    assertEquals(300L, e.getTurnaroundMedianSeconds(), "the agent's own turnaround is there all the same");
    assertNull(e.getPersonTurnaroundSeconds());
    assertEquals(AxisVerdict.NO_DATA, e.getTimeAxis());
    assertEquals(AxisVerdict.NO_DATA, e.getQualityAxis());
    assertEquals("agent: cheaper by $10.52 per ticket, time: no person's turnaround in the baseline, quality: no "
        + "person's score in the baseline", e.getRecommendationReason());
  }
}
