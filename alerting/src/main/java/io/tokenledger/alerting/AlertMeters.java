package io.tokenledger.alerting;

import io.micrometer.core.instrument.Counter;
import io.tokenledger.platform.metrics.ServiceMeters;

/** Alerts published, by type: {@code tokenledger_alerts_raised_total{type=budget|forecast|anomaly}}. */
public final class AlertMeters {
  public static final Counter BUDGET = raised("budget", "Budget threshold alerts published");
  public static final Counter FORECAST = raised("forecast", "Budget forecasts published (raised or cleared)");
  public static final Counter ANOMALY = raised("anomaly", "Anomalies published (raised or resolved)");

  private AlertMeters() {}

  private static Counter raised(String type, String description) {
    return ServiceMeters.counter("tokenledger.alerts.raised", description, "type", type);
  }
}
