package io.tokenledger.connectors.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.ReconciliationAlert;
import io.tokenledger.schemas.ReconciliationState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bill with too much unexplained reaches the finance channel in money people read, with its runbook. */
class ReconciliationRenderTest {
  @Test
  void theAlertSaysWhatWasBilledAgainstTheLedgerAndWhatIsUnexplained() {
    ReconciliationAlert a = ReconciliationAlert.newBuilder().setAlertId("openai/2026-11-03/reconciliation/1")
        .setProvider("openai").setTeam("finance").setDay("2026-11-03")
        .setState(ReconciliationState.UNEXPLAINED_ABOVE_THRESHOLD).setBilledUsd("1234.5678").setOursUsd("1200")
        .setUnexplainedUsd("34.5678").setUnexplainedShare("0.028").setThresholdShare("0.01")
        .setExplained(Map.of()).setLargestUnexplained("(all models) all: an amount not split by model and token type")
        .setRaisedAt(Instant.parse("2026-11-05T08:00:00Z")).build();
    SlackAlert alert = AlertRenderer.render(a);
    assertEquals("finance", alert.team());
    assertEquals("reconciliation-unexplained", alert.runbook());
    assertFalse(alert.resolution());
    assertEquals("openai's bill for Nov 3 has $34.57 unexplained (2.8% of the bill)", alert.title());
    assertTrue(alert.fields().containsAll(List.of("*Billed vs ledger*\n$1,234.57 vs $1,200.00",
        "*Unexplained*\n$34.57 (2.8%; threshold 1%)")), alert.fields().toString());
    assertTrue(alert.details().contains("*Largest unexplained*: (all models) all"), alert.details());
    assertTrue(AlertRenderer.render(ReconciliationAlert.newBuilder(a).setState(ReconciliationState.WITHIN_THRESHOLD)
        .setAlertId("openai/2026-11-03/reconciliation/2").build()).resolution());
  }
}
