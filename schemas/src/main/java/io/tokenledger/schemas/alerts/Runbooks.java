package io.tokenledger.schemas.alerts;

import io.tokenledger.schemas.AnomalyKind;
import java.util.Locale;

/**
 * Which runbook (a file in {@code ops/runbooks/}, without {@code .md}) answers which alert: one
 * rule for every place that links one (Slack messages, the dashboard's alert list).
 */
public final class Runbooks {
  public static final String BUDGET_THRESHOLD = "budget-threshold";
  public static final String BUDGET_FORECAST = "budget-forecast";
  public static final String RECONCILIATION = "reconciliation-unexplained";
  public static final String COMMITMENT_UNDER_USE = "commitment-under-use";

  private Runbooks() {}

  public static String anomaly(AnomalyKind kind) {
    return "anomaly-" + kind.toString().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
