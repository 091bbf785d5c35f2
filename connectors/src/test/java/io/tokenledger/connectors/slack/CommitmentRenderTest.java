package io.tokenledger.connectors.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.CommitmentAlert;
import io.tokenledger.schemas.CommitmentAlertState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A commitment on pace to leave money unused reaches its owner's channel in money people read, with its runbook. */
class CommitmentRenderTest {
  @Test
  void theAlertSaysWhatWasDrawnAndWhatWouldBeLeftUnused() {
    long usd = 1_000_000_000L;
    CommitmentAlert a = CommitmentAlert.newBuilder().setAlertId("openai-msa/2026-11-01/under-use/1")
        .setCommitmentId("openai-msa").setProvider("openai").setOwnerTeam("finance")
        .setState(CommitmentAlertState.UNDER_USE_PROJECTED).setPeriodStart(Instant.parse("2026-11-01T00:00:00Z"))
        .setPeriodEnd(Instant.parse("2026-12-01T00:00:00Z")).setAmountNanoUsd(10_000 * usd)
        .setDiscountedSoFarNanoUsd(1_000 * usd).setProjectedNanoUsd(3_000 * usd).setProjectedUnusedNanoUsd(7_000 * usd)
        .setAsOf(Instant.parse("2026-11-11T00:00:00Z")).setRaisedAt(Instant.parse("2026-11-11T00:00:00Z")).build();
    SlackAlert alert = AlertRenderer.render(a);
    assertEquals("finance", alert.team());
    assertEquals("commitment-under-use", alert.runbook());
    assertFalse(alert.resolution());
    assertEquals("Commitment openai-msa on pace to leave $7,000.00 of $10,000.00 unused by Dec 1", alert.title());
    assertTrue(alert.fields().containsAll(List.of("*Drawn so far vs amount*\n$1,000.00 of $10,000.00",
        "*Projected by period end*\n$3,000.00 ($7,000.00 unused)")), alert.fields().toString());
    SlackAlert cleared = AlertRenderer.render(CommitmentAlert.newBuilder(a).setState(CommitmentAlertState.UNDER_USE_CLEARED)
        .setAlertId("openai-msa/2026-11-01/under-use/2").setProjectedUnusedNanoUsd(0).build());
    assertTrue(cleared.resolution());
    assertEquals("Commitment openai-msa is on pace to use its $10,000.00 again by Dec 1", cleared.title());
    assertEquals(alert.pairId(), cleared.pairId(), "the clearing answers the alert it clears");
  }
}
