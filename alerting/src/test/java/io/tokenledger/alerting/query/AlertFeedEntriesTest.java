package io.tokenledger.alerting.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.CommitmentAlert;
import io.tokenledger.schemas.CommitmentAlertState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A commitment alert in the alert list: under its owner's team, in money people read, with its runbook. */
class AlertFeedEntriesTest {
  @Test
  void aCommitmentAlertIsListedUnderItsOwnersTeam() {
    long usd = 1_000_000_000L;
    CommitmentAlert a = CommitmentAlert.newBuilder().setAlertId("openai-msa/2026-11-01/under-use/1")
        .setCommitmentId("openai-msa").setProvider("openai").setOwnerTeam("finance")
        .setState(CommitmentAlertState.UNDER_USE_PROJECTED).setPeriodStart(Instant.parse("2026-11-01T00:00:00Z"))
        .setPeriodEnd(Instant.parse("2026-12-01T00:00:00Z")).setAmountNanoUsd(10_000 * usd)
        .setDiscountedSoFarNanoUsd(1_000 * usd).setProjectedNanoUsd(3_000 * usd).setProjectedUnusedNanoUsd(7_000 * usd)
        .setAsOf(Instant.parse("2026-11-11T00:00:00Z")).setRaisedAt(Instant.parse("2026-11-11T00:00:00Z")).build();
    Map<String, Object> entry = AlertFeed.commitment(a);
    assertEquals("commitment", entry.get("type"));
    assertEquals("finance", entry.get("team"));
    assertEquals("Commitment openai-msa on pace to leave $7,000.00 of $10,000.00 unused by Dec 1", entry.get("title"));
    assertEquals("openai: $1,000.00 drawn of $10,000.00, $3,000.00 projected by the period's end", entry.get("detail"));
    assertEquals("WARNING", entry.get("severity"));
    assertEquals(false, entry.get("resolution"));
    assertEquals("commitment-under-use", entry.get("runbook"));
  }
}
