package io.tokenledger.economics;

import static io.tokenledger.economics.EconomicsFixture.DEC_1;
import static io.tokenledger.economics.EconomicsFixture.FIFTY_USD_PER_HOUR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.EconomicsVerdict;
import io.tokenledger.schemas.ModelAdvice;
import io.tokenledger.schemas.ModelRecommendation;
import io.tokenledger.schemas.WorkOutcomeStatus;
import io.tokenledger.schemas.WorkflowEconomics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictAndAdviceTest {
  private static final Instant NINE = Instant.parse("2026-12-01T09:00:00Z");

  /** {@code count} items of a workflow on a model, each with one call and an outcome. */
  private static void items(EconomicsFixture f, String workflow, String model, String prefix, int count,
      WorkOutcomeStatus status, long humanSeconds) {
    for (int i = 0; i < count; i++) {
      Instant at = NINE.plusSeconds(i);
      f.call("ops", workflow, model, workflow + "-" + prefix + i, at);
      f.outcome("ops", workflow, workflow + "-" + prefix + i, status, status == WorkOutcomeStatus.SUCCEEDED
          || status == WorkOutcomeStatus.ESCALATED ? 1 : 0, humanSeconds, at.plus(Duration.ofMinutes(10)));
    }
  }

  private static String month(String workflow) {
    return "MONTH|UTC|2026-12-01|" + workflow + "|*";
  }

  @Test
  void theAgentIsCheaperWhenEvenItsWorstLikelySuccessRateBeatsAPerson() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.baseline("tickets", 720, FIFTY_USD_PER_HOUR, 9_500, DEC_1);
      items(f, "tickets", "gpt-4o", "ok-", 38, WorkOutcomeStatus.SUCCEEDED, 0);
      items(f, "tickets", "gpt-4o", "ko-", 2, WorkOutcomeStatus.FAILED, 0);
      f.ledger("ops", "tickets", "gpt-4o", NINE, 200_000_000);

      WorkflowEconomics m = f.figures(month("tickets"));
      assertEquals(EconomicsVerdict.AGENT_CHEAPER, m.getVerdict(), m.getVerdictReason());
      assertEquals(9_500, m.getSuccessRateBasisPoints());
      assertEquals(8_350, m.getSuccessLowBasisPoints(), "Wilson 95% for 38 of 40: 0.834961...");
      assertEquals(9_862, m.getSuccessHighBasisPoints());
      assertEquals(5_263_158, m.getCostPerSuccessNanoUsd(), "$0.20 over 38 tickets");
      assertTrue(m.getVerdictReason().contains("$0.006 per ticket even at the low end"), m.getVerdictReason());
      assertTrue(m.getVerdictReason().contains("a person $10.53 per ticket"), m.getVerdictReason());
      assertNull(m.getAdvice(), "one model: nothing to right-size");
    }
  }

  @Test
  void thePersonIsCheaperWhenEscalationsCostMoreThanThePersonEvenAtTheBestLikelyRate() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.baseline("disputes", 720, FIFTY_USD_PER_HOUR, 9_500, DEC_1);
      items(f, "disputes", "gpt-4o", "ok-", 4, WorkOutcomeStatus.SUCCEEDED, 0);
      items(f, "disputes", "gpt-4o", "esc-", 36, WorkOutcomeStatus.ESCALATED, 1_800);
      f.ledger("ops", "disputes", "gpt-4o", NINE, 40_000_000);

      WorkflowEconomics m = f.figures(month("disputes"));
      assertEquals(EconomicsVerdict.PERSON_CHEAPER, m.getVerdict(), m.getVerdictReason());
      assertEquals(900_000_000_000L, m.getHumanInLoopCostNanoUsd(), "36 half-hours at $50/h");
      assertEquals(225_010_000_000L, m.getCostPerSuccessNanoUsd(), "($0.04 + $900) over 4 successes");
      assertTrue(m.getSavingPerOutcomeNanoUsd() < 0, "a loss per outcome");
      assertEquals(1_000, m.getSuccessRateBasisPoints());
    }
  }

  @Test
  void noVerdictOnTooFewOutcomesOrAnIntervalThatSpansThePersonsCost() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.baseline("few", 720, FIFTY_USD_PER_HOUR, 9_500, DEC_1);
      items(f, "few", "gpt-4o", "ok-", 9, WorkOutcomeStatus.SUCCEEDED, 0);
      WorkflowEconomics few = f.figures(month("few"));
      assertEquals(EconomicsVerdict.NOT_ENOUGH_DATA, few.getVerdict());
      assertTrue(few.getVerdictReason().contains("9 items with an outcome; at least 10"), few.getVerdictReason());

      f.baseline("wide", 720, FIFTY_USD_PER_HOUR, 9_500, DEC_1);
      items(f, "wide", "gpt-4o", "ok-", 5, WorkOutcomeStatus.SUCCEEDED, 0);
      items(f, "wide", "gpt-4o", "ko-", 5, WorkOutcomeStatus.FAILED, 0);
      f.ledger("ops", "wide", "gpt-4o", NINE, 52_631_578_945L); // five times a person's cost per success
      WorkflowEconomics wide = f.figures(month("wide"));
      assertEquals(EconomicsVerdict.NOT_ENOUGH_DATA, wide.getVerdict(), wide.getVerdictReason());
      assertTrue(wide.getVerdictReason().contains("spans a person $10.53 per ticket"), wide.getVerdictReason());

      items(f, "no-baseline", "gpt-4o", "ok-", 12, WorkOutcomeStatus.SUCCEEDED, 0);
      WorkflowEconomics none = f.figures(month("no-baseline"));
      assertEquals(EconomicsVerdict.NOT_ENOUGH_DATA, none.getVerdict());
      assertTrue(none.getVerdictReason().contains("tokenledger baselines set"), none.getVerdictReason());
      assertEquals(12, none.getUnvaluedOutcomes());
      assertNull(none.getTokenRoiBasisPoints());
    }
  }

  @Test
  void recommendsTheCheaperModelWhenItIsNotWorseByMoreThanTheMargin() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of(EconomicsSettings.PREFIX + "right-sizing-margin-basis-points", "500"))) {
      items(f, "claims", "gpt-4o", "a-ok-", 196, WorkOutcomeStatus.SUCCEEDED, 0);
      items(f, "claims", "gpt-4o", "a-ko-", 4, WorkOutcomeStatus.FAILED, 0);
      items(f, "claims", "gpt-4o-mini", "b-ok-", 195, WorkOutcomeStatus.SUCCEEDED, 0);
      items(f, "claims", "gpt-4o-mini", "b-ko-", 5, WorkOutcomeStatus.FAILED, 0);
      f.ledger("ops", "claims", "gpt-4o", NINE, 2_000_000_000L);
      f.ledger("ops", "claims", "gpt-4o-mini", NINE, 120_000_000L);

      WorkflowEconomics m = f.figures(month("claims"));
      ModelAdvice advice = m.getAdvice();
      assertEquals(ModelRecommendation.SWITCH, advice.getRecommendation(), advice.getMessage());
      assertEquals("gpt-4o", advice.getCurrentModel());
      assertEquals("gpt-4o-mini", advice.getCandidateModel());
      assertEquals("openai", advice.getCurrentProvider());
      assertEquals("openai", advice.getCandidateProvider());
      assertEquals(1_879_384_615L, advice.getExpectedMonthlySavingNanoUsd(), "(2e9/196 - 1.2e8/195) x 196 tickets");
      assertTrue(advice.getSuccessDifferenceLowBasisPoints() > -500, advice.toString());
      assertEquals(2, m.getModels().size());
      assertEquals(10_204_082L, m.getModels().get(0).getCostPerSuccessNanoUsd());
      assertEquals(615_385L, m.getModels().get(1).getCostPerSuccessNanoUsd());
      assertTrue(advice.getMessage().startsWith("move openai/gpt-4o to openai/gpt-4o-mini"), advice.getMessage());
    }
  }

  @Test
  void keepsTheModelWhenTheCheaperOneIsMeasurablyWorseAndEscalationsEatTheSaving() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.baseline("claims", 720, FIFTY_USD_PER_HOUR, 9_500, DEC_1);
      items(f, "claims", "gpt-4o", "a-ok-", 196, WorkOutcomeStatus.SUCCEEDED, 0);
      items(f, "claims", "gpt-4o", "a-ko-", 4, WorkOutcomeStatus.FAILED, 0);
      items(f, "claims", "gpt-4o-mini", "b-ok-", 100, WorkOutcomeStatus.SUCCEEDED, 0);
      items(f, "claims", "gpt-4o-mini", "b-esc-", 100, WorkOutcomeStatus.ESCALATED, 600);
      f.ledger("ops", "claims", "gpt-4o", NINE, 2_000_000_000L);
      f.ledger("ops", "claims", "gpt-4o-mini", NINE, 120_000_000L);

      ModelAdvice advice = f.figures(month("claims")).getAdvice();
      assertEquals(ModelRecommendation.KEEP, advice.getRecommendation(), advice.getMessage());
      assertNull(advice.getExpectedMonthlySavingNanoUsd());
      assertEquals("keep openai/gpt-4o: openai/gpt-4o-mini fails 25.0x as often (openai/gpt-4o-mini succeeds 50.00% against 98.00%), "
          + "which costs more in failures and escalations than it saves: $8.33 per ticket against $0.01",
          advice.getMessage());
    }
  }
}
