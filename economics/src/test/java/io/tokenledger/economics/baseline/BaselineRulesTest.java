package io.tokenledger.economics.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.HumanBaseline;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineRulesTest {
  /** A support ticket: 12 minutes at a loaded $50/h, and the person gets it right 95% of the time. */
  static HumanBaseline tickets() {
    return HumanBaseline.newBuilder().setWorkflow("ticket-triage").setOutcomeUnit("ticket").setSecondsPerUnit(720)
        .setLoadedCostNanoUsdPerHour(50_000_000_000L).setSuccessRateBasisPoints(9_500)
        .setEffectiveFrom(Instant.parse("2026-11-01T00:00:00Z")).setSetBy("finance@acme").setSource("time study Q3")
        .setUpdatedAt(Instant.parse("2026-11-01T00:00:00Z")).build();
  }

  @Test
  void aPersonsCostPerSuccessfulUnitIsExactAndRoundedOnce() {
    assertEquals(List.of(), BaselineRules.problems(tickets()));
    // 720 s x $50/h = $10.00 per attempt; / 0.95 = $10.526315789473... -> 10,526,315,789 nano-USD.
    assertEquals(10_526_315_789L, HumanCost.perSuccessfulUnitNanoUsd(tickets()));
    HumanBaseline perfect = HumanBaseline.newBuilder(tickets()).setSuccessRateBasisPoints(10_000).build();
    assertEquals(10_000_000_000L, HumanCost.perSuccessfulUnitNanoUsd(perfect));
  }

  @Test
  void refusesAbsurdFiguresNamingTheField() {
    HumanBaseline yearly = HumanBaseline.newBuilder(tickets()).setLoadedCostNanoUsdPerHour(100_000_000_000_000L)
        .setSuccessRateBasisPoints(12_000).setSecondsPerUnit(0).setSource(" ").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BaselineRules.checked(yearly));
    assertTrue(e.getMessage().contains("seconds_per_unit must be between 1"), e.getMessage());
    assertTrue(e.getMessage().contains("loaded_cost_nano_usd_per_hour must be above 0 and at most $10,000/h"),
        e.getMessage());
    assertTrue(e.getMessage().contains("success_rate_basis_points must be between 1 and 10,000"), e.getMessage());
    assertTrue(e.getMessage().contains("source is required"), e.getMessage());
    assertEquals(4, BaselineRules.problems(yearly).size());
  }
}
