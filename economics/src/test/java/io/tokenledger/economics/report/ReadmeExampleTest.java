package io.tokenledger.economics.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.figures.Counters;
import io.tokenledger.economics.figures.EconomicsKey;
import io.tokenledger.economics.figures.Figures;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.EconomicsVerdict;
import io.tokenledger.schemas.WorkflowEconomics;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worked example in docs/economics.md, figure by figure: if this changes, that page must too. */
class ReadmeExampleTest {
  @Test
  void theWorkedExampleOfTheReadme() {
    long perTicket = 10_526_315_789L; // 720 s x $50/h / 3,600 / 95%
    long review = 1_666_666_667L; // 2 min at $50/h, rounded once per outcome
    long escalation = 6_666_666_667L; // 8 min at $50/h
    Counters month = new Counters(1_000, 920, 20, 50, 0, 920, (50 * 8 + 184 * 2) * 60, 23_000_000_000L,
        50 * escalation + 184 * review, 920 * perTicket, 990 * perTicket, 990, 0);
    Figures figures = new Figures("ticket", month, Map.of("claude-sonnet-4", month));
    WorkflowEconomics e = EconomicsReport.of(new EconomicsKey(EconomicsPeriod.MONTH, EconomicsSettings.UTC,
        LocalDate.parse("2026-11-01"), "ticket-triage", null), figures, EconomicsSettings.defaults());

    assertEquals(10, e.getItemsOpen());
    assertEquals(640_000_000_078L, e.getHumanInLoopCostNanoUsd());
    assertEquals(663_000_000_078L, e.getAiPathCostNanoUsd());
    assertEquals(720_652_174L, e.getCostPerSuccessNanoUsd());
    assertEquals(perTicket, e.getHumanCostPerOutcomeNanoUsd());
    assertEquals(9_684_210_525_880L, e.getHumanCostAvoidedNanoUsd());
    assertEquals(9_805_663_615L, e.getSavingPerOutcomeNanoUsd());
    assertEquals(9_021_210_525_802L, e.getSavingTotalNanoUsd());
    assertEquals(136_067L, e.getTokenRoiBasisPoints());
    assertEquals(9_293, e.getSuccessRateBasisPoints());
    assertEquals(9_116, e.getSuccessLowBasisPoints());
    assertEquals(9_437, e.getSuccessHighBasisPoints());
    assertEquals(EconomicsVerdict.AGENT_CHEAPER, e.getVerdict());
    assertEquals("the agent path costs $0.73 per ticket even at the low end of its success rate's 95% interval "
        + "(91.16% success over 990 items), against a person $10.53 per ticket", e.getVerdictReason());
  }
}
