package io.tokenledger.schemas.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AnomalyKind;
import io.tokenledger.schemas.AnomalySeverity;
import io.tokenledger.schemas.AnomalyStatus;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each alert says, word for word: money as people read it, dates and rates they understand. */
class AlertTextsTest {
  private static final long USD = 1_000_000_000L;
  private static final Instant DEC = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant JAN = Instant.parse("2027-01-01T00:00:00Z");

  @Test
  void aBudgetAlertSaysHowMuchOfWhatInWhichPeriod() {
    BudgetAlert a = BudgetAlert.newBuilder().setAlertId("support-monthly/2026-12-01/80%").setBudgetId("support-monthly")
        .setTeam("support").setPeriodStart(DEC).setPeriodEnd(JAN).setTimezone("UTC").setThresholdPercent(80)
        .setSpendNanoUsd(1_128_004_000_000L).setLimitNanoUsd(1_410 * USD).setMeasure(BudgetMeasure.USD)
        .setSpendTokens(0).setCrossedAt(Instant.parse("2026-12-19T14:20:00Z")).setRaisedAt(DEC).build();
    assertEquals("Budget at 80%: support-monthly", AlertTexts.title(a));
    assertEquals("$1,128.00 of $1,410.00 spent (80%) in Dec 1 to Dec 31, 2026 (UTC); crossed Dec 19 14:20 UTC",
        AlertTexts.detail(a));
  }

  @Test
  void aForecastSaysWhenTheBudgetRunsOutAndHowEarly() {
    ForecastAlert a = ForecastAlert.newBuilder().setAlertId("support-monthly/2026-12-01/forecast-usd/1")
        .setBudgetId("support-monthly").setTeam("support").setState(ForecastState.PROJECTED_TO_EXCEED)
        .setMeasure(BudgetMeasure.USD).setPeriodStart(DEC).setPeriodEnd(JAN).setTimezone("UTC")
        .setSpend(620 * USD).setLimit(1_410 * USD).setBurnRatePerHour(8_200_000_000L)
        .setTrailingWindowMinutes(7 * 24 * 60).setProjectedEndOfPeriod(6_720_400_000_000L)
        .setProjectedBreachAt(Instant.parse("2026-12-19T01:00:00Z")).setAsOf(DEC).setRaisedAt(DEC).build();
    assertEquals("Budget support-monthly projected to run out on Dec 19 (13 days early)", AlertTexts.title(a));
    assertEquals("$620.00 of $1,410.00 spent (43%); burning $8.20/h over the last 7 days: $6,720.40 projected by "
        + "Dec 31", AlertTexts.detail(a));
    ForecastAlert cleared = ForecastAlert.newBuilder(a).setState(ForecastState.NO_LONGER_PROJECTED)
        .setProjectedBreachAt(null).build();
    assertEquals("Budget support-monthly no longer projected to run out", AlertTexts.title(cleared));
  }

  @Test
  void anAnomalySaysHowManyTimesNormalInMoneyPerHour() {
    AnomalyAlert a = AnomalyAlert.newBuilder().setAlertId("x/raised").setAnomalyId("x")
        .setScope("support|triage|openai/gpt-4o").setTeam("support").setWorkflow("triage").setProvider("openai")
        .setModel("gpt-4o").setKind(AnomalyKind.BURN_RATE_SPIKE).setStatus(AnomalyStatus.RAISED)
        .setSeverity(AnomalySeverity.WARNING).setUnit("nano_usd_per_minute").setObserved(730_833_333L)
        .setExpected(136_666_667L).setThreshold(410_000_000L).setBaselineMinutes(7 * 24 * 60).setStartedAt(DEC)
        .setDetectedAt(DEC).setTopContributors(List.of()).setRaisedAt(DEC).build();
    assertEquals("Spend 5.3x normal in support / triage / openai/gpt-4o", AlertTexts.title(a));
    assertEquals("spend 5.3x normal: $43.85/h against $8.20/h (threshold $24.60/h, 7 days of history)",
        AlertTexts.detail(a));
    AnomalyAlert requests = AnomalyAlert.newBuilder(a).setKind(AnomalyKind.REQUEST_RATE_SPIKE)
        .setUnit("requests_per_minute").setObserved(1_400).setExpected(100).setThreshold(300).setBaselineMinutes(60)
        .build();
    assertEquals("Possible runaway agent: requests 14x normal in support / triage / openai/gpt-4o",
        AlertTexts.title(requests));
    assertEquals("requests 14x normal: 1,400 requests/min against 100 requests/min (threshold 300 requests/min, "
        + "60 min of history)", AlertTexts.detail(requests));
  }

  @Test
  void aReconciliationAlertSaysHowMuchOfTheBillIsUnexplained() {
    io.tokenledger.schemas.ReconciliationAlert a = io.tokenledger.schemas.ReconciliationAlert.newBuilder()
        .setAlertId("anthropic/2026-11-03/reconciliation/1").setProvider("anthropic").setTeam("finance")
        .setDay("2026-11-03").setState(io.tokenledger.schemas.ReconciliationState.UNEXPLAINED_ABOVE_THRESHOLD)
        .setBilledUsd("18.8625").setOursUsd("17.3499999").setUnexplainedUsd("5")
        .setUnexplainedShare("0.265076209410205").setThresholdShare("0.01")
        .setExplained(java.util.Map.of("tier classification", "-6", "price drift", "0.1"))
        .setLargestUnexplained(null).setRaisedAt(DEC).build();
    assertEquals("anthropic's bill for Nov 3 has $5.00 unexplained (27% of the bill)", AlertTexts.title(a));
    assertEquals("billed $18.86, ledger $17.35; explained: price drift $0.10, tier classification -$6.00",
        AlertTexts.detail(a));
    assertEquals("anthropic's bill for Nov 3 is explained again", AlertTexts.title(
        io.tokenledger.schemas.ReconciliationAlert.newBuilder(a)
            .setState(io.tokenledger.schemas.ReconciliationState.WITHIN_THRESHOLD).build()));
    assertEquals("$0.00047", AlertTexts.usd("0.00047"));
    assertEquals("1.2%", AlertTexts.share("0.0125"));
  }
}
