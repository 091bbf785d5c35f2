package io.tokenledger.economics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.VariantComparison;
import io.tokenledger.schemas.VariantEconomics;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import io.tokenledger.schemas.WorkflowEconomics;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A workflow's variants compared, hand-computed. Each item is one call (its variant and its own
 * priced cost) and an outcome after a turnaround with a score; the fixture's minimum is 10 outcomes.
 */
class VariantsTest {
  private static final String MONTH = "MONTH|UTC|2026-12-01|support-tickets|*";
  private static final Instant TEN = Instant.parse("2026-12-01T10:00:00Z");

  /** {@code items} items of one variant, the first {@code succeeded} succeeding. */
  private static void items(EconomicsFixture f, String variant, int items, int succeeded, long costNanoUsd,
      long turnaroundSeconds, int score) {
    for (int i = 0; i < items; i++) {
      String item = variant + "-" + i;
      Instant at = TEN.plusSeconds(i);
      f.callAs(PricedUsageEvent.newBuilder().setEventId("e-" + item).setEventTime(at).setTeam("support")
          .setWorkflow("support-tickets").setService("svc").setProvider("openai").setModel("gpt-4o")
          .setPricedModel("gpt-4o").setUncachedInputTokens(100).setCacheReadTokens(0).setCacheWriteTokens(0)
          .setOutputTokens(10).setReasoningTokens(0).setRequestCount(1).setCostNanoUsd(costNanoUsd).setWorkItemId(item)
          .setVariant(variant).build());
      boolean success = i < succeeded;
      f.outcomeAs("support", WorkOutcome.newBuilder().setOutcomeId("o-" + item).setWorkItemId(item).setTeam("support")
          .setWorkflow("support-tickets").setOutcomeUnit("ticket")
          .setStatus(success ? WorkOutcomeStatus.SUCCEEDED : WorkOutcomeStatus.FAILED).setUnitsDelivered(success ? 1 : 0)
          .setHumanSeconds(0).setEventTime(at.plusSeconds(turnaroundSeconds))
          .setQualityScorePercent(success ? score : null).build());
    }
  }

  private static VariantEconomics variant(WorkflowEconomics e, String name) {
    return e.getVariants().stream().filter(v -> v.getVariant().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aVariantBetterOnEveryAxisWins() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      // prompt-v7: 40 items at $0.01, 20 succeed after 10 min, scored 80. prompt-v8: 40 at $0.005, 38 after 1 min, 90.
      items(f, "prompt-v7", 40, 20, 10_000_000L, 600, 80);
      items(f, "prompt-v8", 40, 38, 5_000_000L, 60, 90);
      WorkflowEconomics e = f.figures(MONTH);
      VariantEconomics v8 = variant(e, "prompt-v8");
      assertEquals(40, v8.getItemsDecided());
      assertEquals(200_000_000L, v8.getPathCostNanoUsd());
      // $0.20 / 38 = $0.005263158; at Wilson's 98.62% and 83.50% of 40: $0.00507 and $0.00599.
      assertEquals(5_263_158L, v8.getCostPerSuccessNanoUsd());
      assertEquals(9_500, v8.getSuccessRateBasisPoints());
      assertEquals(60L, v8.getTurnaroundMedianSeconds());
      assertEquals(9_000, v8.getQualityMeanBasisPoints());
      assertEquals(20_000_000L, variant(e, "prompt-v7").getCostPerSuccessNanoUsd(), "$0.40 / 20");
      VariantComparison c = e.getVariantComparison();
      assertEquals("prompt-v8", c.getCostWinner());
      assertEquals("prompt-v8", c.getSuccessWinner());
      assertEquals("prompt-v8", c.getTimeWinner());
      assertEquals("prompt-v8", c.getQualityWinner());
      assertTrue(c.getEnoughData());
      // 95% against 50%: 14.2 items each tell them apart; both have 40.
      assertEquals(0L, c.getItemsNeeded());
      assertEquals("prompt-v8 wins on cost (prompt-v7 $0.02 per ticket, prompt-v8 $0.0053 per ticket); prompt-v8 wins "
          + "on success (prompt-v7 50.00%, prompt-v8 95.00%); prompt-v8 wins on time (prompt-v7 median 10m, prompt-v8 "
          + "median 1m); prompt-v8 wins on quality (prompt-v7 80.0, prompt-v8 90.0)", c.getMessage());
    }
  }

  @Test
  void closeSuccessRatesOnTwelveItemsEachNeedSevenHundredTwentyMore() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      // 9 of 12 against 10 of 12, the same cost, time and score: nothing tells them apart yet.
      items(f, "agent-only", 12, 9, 5_000_000L, 60, 80);
      items(f, "hybrid-review", 12, 10, 5_000_000L, 60, 80);
      VariantComparison c = f.figures(MONTH).getVariantComparison();
      assertNull(c.getSuccessWinner());
      assertNull(c.getCostWinner());
      assertFalse(c.getEnoughData());
      // p1 = 10/12, p2 = 9/12, pooled 19/24: (1.96 sqrt(2 x 0.7917 x 0.2083) + 0.8416 sqrt(0.1389 + 0.1875))^2
      // / (1/12)^2 = 371.6 -> 372 each; both lack 360.
      assertEquals(720L, c.getItemsNeeded());
      assertTrue(c.getMessage().startsWith("not enough data: about 720 more decided items to tell hybrid-review's "
          + "success rate from agent-only's. So far: cost not distinguishable"), c.getMessage());
    }
  }

  @Test
  void cheaperAndBetterAreDifferentVariantsAndBothAreSaid() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      // Both succeed 30 of 30 in a minute; agent-only costs $0.005 an item and scores 70, hybrid-review $0.01 and 90.
      items(f, "agent-only", 30, 30, 5_000_000L, 60, 70);
      items(f, "hybrid-review", 30, 30, 10_000_000L, 60, 90);
      VariantComparison c = f.figures(MONTH).getVariantComparison();
      assertEquals("agent-only", c.getCostWinner());
      assertEquals("hybrid-review", c.getQualityWinner());
      assertNull(c.getSuccessWinner(), "both succeed every time");
      assertNull(c.getTimeWinner());
      assertNull(c.getItemsNeeded(), "equal success rates: no difference to detect");
      assertTrue(c.getEnoughData(), "cost and quality are told apart");
      assertEquals("agent-only wins on cost (agent-only $0.005 per ticket, hybrid-review $0.01 per ticket); success "
          + "not distinguishable (agent-only 100.00%, hybrid-review 100.00%); time not distinguishable (agent-only "
          + "median 1m, hybrid-review median 1m); hybrid-review wins on quality (agent-only 70.0, hybrid-review 90.0)",
          c.getMessage());
    }
  }
}
