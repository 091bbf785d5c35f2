package io.tokenledger.reconciliation.service;

import io.tokenledger.reconciliation.Reconciliation;
import io.tokenledger.schemas.config.ConfigDeclaration;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * Tunables of the reconciliation service, from {@code tokenledger.reconciliation.*} keys.
 *
 * @param checkInterval how often closed days are reconciled for alerts
 * @param lookback how far back closed days are checked (a bill arrives days after its day)
 * @param thresholdShare the unexplained share of a day's bill above which it is raised
 * @param tolerance what a bill line may be off by and still match
 * @param alertTeam whose Slack channel reconciliation alerts go to
 */
public record ReconciliationSettings(Duration checkInterval, Duration lookback, BigDecimal thresholdShare,
    Reconciliation.Settings tolerance, String alertTeam) {
  public static final String PREFIX = "tokenledger.reconciliation.";

  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("the reconciliation")
      .duration(PREFIX + "check-interval", Duration.ofMinutes(10), Duration.ofMillis(100),
          "how often closed days are reconciled with the imported bills for alerts")
      .duration(PREFIX + "lookback", Duration.ofDays(35), Duration.ofDays(1),
          "how far back closed days are checked (bills come days after their day)")
      .whole(PREFIX + "alert-threshold-basis-points", 100, 0, 10_000,
          "the unexplained share of a closed day's bill above which it is raised (100: 1%)")
      .whole(PREFIX + "tolerance-nano-usd", 1_000, 0, Long.MAX_VALUE,
          "what one bill line may be off by and still match, in nano-USD (1,000: $0.000001)")
      .text(PREFIX + "alert-team", "finance", "whose Slack channel reconciliation alerts go to");

  public static ReconciliationSettings defaults() {
    return from(Map.of());
  }

  public static ReconciliationSettings from(Map<String, ?> config) {
    return new ReconciliationSettings(CONFIG.duration(config, PREFIX + "check-interval"),
        CONFIG.duration(config, PREFIX + "lookback"),
        BigDecimal.valueOf(CONFIG.whole(config, PREFIX + "alert-threshold-basis-points"), 4),
        new Reconciliation.Settings(BigDecimal.valueOf(CONFIG.whole(config, PREFIX + "tolerance-nano-usd"), 9)),
        CONFIG.text(config, PREFIX + "alert-team"));
  }
}
