package io.tokenledger.connectors.slack;

import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AnomalyContributor;
import io.tokenledger.schemas.AnomalyKind;
import io.tokenledger.schemas.AnomalyStatus;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import io.tokenledger.schemas.alerts.Runbooks;
import io.tokenledger.schemas.money.NanoUsd;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import io.tokenledger.schemas.models.ProviderModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns each alert type into what an SRE needs to act: what, where, how much against what, and since when. */
public final class AlertRenderer {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

  private AlertRenderer() {}

  public static SlackAlert render(Object alert) {
    if (alert instanceof BudgetAlert b) {
      return budget(b);
    }
    if (alert instanceof ForecastAlert f) {
      return forecast(f);
    }
    if (alert instanceof AnomalyAlert a) {
      return anomaly(a);
    }
    throw new IllegalArgumentException("not a tokenledger alert: " + alert.getClass().getName());
  }

  static SlackAlert budget(BudgetAlert a) {
    boolean usd = a.getMeasure() == BudgetMeasure.USD;
    String amount = usd
        ? NanoUsd.format(a.getSpendNanoUsd()) + " of " + NanoUsd.format(a.getLimitNanoUsd())
        : tokens(a.getSpendTokens()) + " of " + tokens(a.getLimitTokens()) + " tokens";
    long spend = usd ? a.getSpendNanoUsd() : a.getSpendTokens();
    long limit = usd ? a.getLimitNanoUsd() : a.getLimitTokens();
    List<String> fields = new ArrayList<>(scopeFields(a.getTeam(), a.getWorkflow(), a.getModel()));
    fields.add(field("Spent vs limit", amount + " (" + percent(spend, limit) + ")"));
    fields.add(field("Period", period(a.getPeriodStart(), a.getPeriodEnd(), a.getTimezone())));
    fields.add(field("Crossed at", when(a.getCrossedAt(), a.getTimezone())));
    String title = (a.getThresholdPercent() >= 100 ? "Budget exceeded: " : "Budget at " + a.getThresholdPercent() + "%: ")
        + a.getBudgetId();
    return new SlackAlert(a.getAlertId(), a.getTeam(), "budget/" + a.getBudgetId(), null, null, false,
        Runbooks.BUDGET_THRESHOLD, title, fields, "");
  }

  static SlackAlert forecast(ForecastAlert a) {
    boolean usd = a.getMeasure() == BudgetMeasure.USD;
    boolean raised = a.getState() == ForecastState.PROJECTED_TO_EXCEED;
    List<String> fields = new ArrayList<>(scopeFields(a.getTeam(), a.getWorkflow(), a.getModel()));
    fields.add(field("Spent vs limit", amount(a.getSpend(), usd) + " of " + amount(a.getLimit(), usd)
        + " (" + percent(a.getSpend(), a.getLimit()) + ")"));
    fields.add(field("Burn rate", amount(a.getBurnRatePerHour(), usd) + "/h over the last "
        + a.getTrailingWindowMinutes() + " min"));
    fields.add(field("Projected at period end", amount(a.getProjectedEndOfPeriod(), usd)));
    if (a.getProjectedBreachAt() != null) {
      fields.add(field("Limit reached", when(a.getProjectedBreachAt(), a.getTimezone())));
    }
    fields.add(field("Period", period(a.getPeriodStart(), a.getPeriodEnd(), a.getTimezone())));
    String title = raised
        ? "Budget " + a.getBudgetId() + " projected to exceed"
            + (a.getProjectedBreachAt() == null ? "" : " on " + day(a.getProjectedBreachAt(), a.getTimezone()))
        : "Budget " + a.getBudgetId() + " no longer projected to exceed";
    return new SlackAlert(a.getAlertId(), a.getTeam(), "budget/" + a.getBudgetId(), null, null, !raised,
        Runbooks.BUDGET_FORECAST, title, fields, "");
  }

  static SlackAlert anomaly(AnomalyAlert a) {
    boolean resolved = a.getStatus() == AnomalyStatus.RESOLVED;
    // The scope names the provider and service tier too (the fields hold them apart since v2).
    String model = io.tokenledger.schemas.topics.SeriesKey.tryParse(a.getScope()).map(k -> k.providerModel().toString())
        .orElseGet(() -> new ProviderModel(a.getProvider(), a.getModel()).toString());
    String where = a.getTeam() + " / " + a.getWorkflow() + " / " + model;
    String ratio = ratio(a.getObserved(), a.getExpected());
    String what = switch (a.getKind()) {
      case BURN_RATE_SPIKE -> "Spend spike (" + ratio + " normal)";
      case REQUEST_RATE_SPIKE -> "Possible runaway agent: requests " + ratio + " normal";
      case TOKENS_PER_REQUEST_GROWTH -> "Prompt growth: tokens per request " + ratio + " normal";
      case NEW_MODEL -> "New model for " + a.getTeam() + ": " + model;
      default -> "Anomaly " + a.getKind();
    };
    String title = (resolved ? "Resolved: " : "") + what + (a.getKind() == AnomalyKind.NEW_MODEL ? "" : " in " + where);
    List<String> fields = new ArrayList<>(scopeFields(a.getTeam(), a.getWorkflow(), model));
    fields.add(field("Severity", a.getSeverity().toString()));
    if (a.getKind() != AnomalyKind.NEW_MODEL) {
      fields.add(field(resolved ? "Peak" : "Observed", value(a.getObserved(), a.getUnit())));
      fields.add(field("Expected", value(a.getExpected(), a.getUnit()) + " (threshold "
          + value(a.getThreshold(), a.getUnit()) + ", " + a.getBaselineMinutes() + " min of history)"));
    } else {
      fields.add(field("First use", a.getObserved() + " requests in its first minute"));
    }
    fields.add(field("Started", when(a.getStartedAt(), "UTC")));
    fields.add(resolved && a.getResolvedAt() != null ? field("Normal again since", when(a.getResolvedAt(), "UTC"))
        : field("Detected", when(a.getDetectedAt(), "UTC")));
    StringBuilder details = new StringBuilder();
    if (!a.getTopContributors().isEmpty()) {
      details.append("*Top contributors in ").append(a.getTeam()).append("* (observed vs expected)");
      for (AnomalyContributor c : a.getTopContributors()) {
        details.append("\n• ").append(c.getWorkflow()).append(" / ")
            .append(new ProviderModel(c.getProvider(), c.getModel())).append(": ")
            .append(value(c.getObserved(), a.getUnit())).append(" vs ").append(value(c.getExpected(), a.getUnit()));
      }
    }
    String runbook = Runbooks.anomaly(a.getKind());
    String cooldownKey = a.getKind() == AnomalyKind.NEW_MODEL ? null : a.getScope() + "/" + a.getKind();
    return new SlackAlert(a.getAlertId(), a.getTeam(), "series/" + a.getScope(), cooldownKey, a.getAnomalyId(),
        resolved, runbook, title, fields, details.toString());
  }

  private static List<String> scopeFields(String team, CharSequence workflow, CharSequence model) {
    return List.of(field("Team", team), field("Workflow", workflow == null ? "all" : workflow.toString()),
        field("Model", model == null ? "all" : model.toString()));
  }

  static String field(String label, String value) {
    return "*" + label + "*\n" + value;
  }

  private static String amount(long value, boolean usd) {
    return usd ? NanoUsd.format(value) : tokens(value) + " tokens";
  }

  private static String tokens(Long count) {
    return count == null ? "no limit" : String.format(Locale.ROOT, "%,d", count);
  }

  private static String value(long value, String unit) {
    return switch (unit) {
      case "nano_usd_per_minute" -> NanoUsd.formatPrecise(value) + "/min";
      case "requests_per_minute" -> String.format(Locale.ROOT, "%,d requests/min", value);
      case "tokens_per_request" -> String.format(Locale.ROOT, "%,d tokens/request", value);
      default -> Long.toString(value);
    };
  }

  private static String percent(long part, Long whole) {
    if (whole == null || whole == 0) {
      return "no limit";
    }
    return BigDecimal.valueOf(part).multiply(BigDecimal.valueOf(100))
        .divide(BigDecimal.valueOf(whole), 0, RoundingMode.FLOOR).toPlainString() + "%";
  }

  private static String ratio(long observed, long expected) {
    return BigDecimal.valueOf(observed).divide(BigDecimal.valueOf(Math.max(1, expected)), 1, RoundingMode.HALF_UP)
        .toPlainString() + "x";
  }

  private static String period(Instant start, Instant end, String zone) {
    ZoneId z = ZoneId.of(zone);
    return start.atZone(z).toLocalDate() + " to " + end.atZone(z).toLocalDate() + " (" + zone + ")";
  }

  private static String when(Instant at, String zone) {
    return WHEN.format(at.atZone(ZoneId.of(zone)));
  }

  private static String day(Instant at, String zone) {
    return at.atZone(ZoneId.of(zone)).toLocalDate().toString();
  }
}
