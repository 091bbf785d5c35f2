package io.tokenledger.connectors.slack;

import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AnomalyContributor;
import io.tokenledger.schemas.AnomalyKind;
import io.tokenledger.schemas.AnomalyStatus;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import io.tokenledger.schemas.ReconciliationAlert;
import io.tokenledger.schemas.ReconciliationState;
import io.tokenledger.schemas.alerts.AlertTexts;
import io.tokenledger.schemas.alerts.Runbooks;
import io.tokenledger.schemas.models.ProviderModel;
import java.util.ArrayList;
import java.util.List;

/** Turns each alert type into what an SRE needs to act: what, where, how much against what, and since when. */
public final class AlertRenderer {
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
    if (alert instanceof ReconciliationAlert r) {
      return reconciliation(r);
    }
    if (alert instanceof io.tokenledger.schemas.CommitmentAlert c) {
      return commitment(c);
    }
    throw new IllegalArgumentException("not a tokenledger alert: " + alert.getClass().getName());
  }

  static SlackAlert budget(BudgetAlert a) {
    boolean usd = a.getMeasure() == BudgetMeasure.USD;
    long spend = usd ? a.getSpendNanoUsd() : a.getSpendTokens();
    long limit = usd ? a.getLimitNanoUsd() : a.getLimitTokens();
    List<String> fields = new ArrayList<>(scopeFields(a.getTeam(), a.getWorkflow(), a.getModel()));
    fields.add(field("Spent vs limit", AlertTexts.spentOf(spend, limit, a.getMeasure())));
    fields.add(field("Period", AlertTexts.period(a.getPeriodStart(), a.getPeriodEnd(), a.getTimezone())));
    fields.add(field("Crossed at", AlertTexts.when(a.getCrossedAt(), a.getTimezone())));
    return new SlackAlert(a.getAlertId(), a.getTeam(), "budget/" + a.getBudgetId(), null, null, false,
        Runbooks.BUDGET_THRESHOLD, AlertTexts.title(a), fields, "");
  }

  static SlackAlert forecast(ForecastAlert a) {
    boolean raised = a.getState() == ForecastState.PROJECTED_TO_EXCEED;
    List<String> fields = new ArrayList<>(scopeFields(a.getTeam(), a.getWorkflow(), a.getModel()));
    fields.add(field("Spent vs limit", AlertTexts.spentOf(a.getSpend(), a.getLimit(), a.getMeasure())));
    fields.add(field("Burn rate", AlertTexts.burnRate(a)));
    fields.add(field("Projected at period end", AlertTexts.amount(a.getProjectedEndOfPeriod(), a.getMeasure())));
    if (a.getProjectedBreachAt() != null) {
      fields.add(field("Runs out", AlertTexts.runOut(a.getProjectedBreachAt(), a.getPeriodEnd(), a.getTimezone())));
    }
    fields.add(field("Period", AlertTexts.period(a.getPeriodStart(), a.getPeriodEnd(), a.getTimezone())));
    return new SlackAlert(a.getAlertId(), a.getTeam(), "budget/" + a.getBudgetId(), null, null, !raised,
        Runbooks.BUDGET_FORECAST, AlertTexts.title(a), fields, "");
  }

  static SlackAlert anomaly(AnomalyAlert a) {
    boolean resolved = a.getStatus() == AnomalyStatus.RESOLVED;
    String model = AlertTexts.model(a);
    List<String> fields = new ArrayList<>(scopeFields(a.getTeam(), a.getWorkflow(), model));
    fields.add(field("Severity", a.getSeverity().toString()));
    if (a.getKind() != AnomalyKind.NEW_MODEL) {
      fields.add(field(resolved ? "Peak" : "Observed", AlertTexts.detail(a)));
    } else {
      fields.add(field("First use", AlertTexts.detail(a)));
    }
    fields.add(field("Started", AlertTexts.when(a.getStartedAt(), "UTC")));
    fields.add(resolved && a.getResolvedAt() != null ? field("Normal again since", AlertTexts.when(a.getResolvedAt(), "UTC"))
        : field("Detected", AlertTexts.when(a.getDetectedAt(), "UTC")));
    StringBuilder details = new StringBuilder();
    if (!a.getTopContributors().isEmpty()) {
      details.append("*Top contributors in ").append(a.getTeam()).append("* (observed vs expected)");
      for (AnomalyContributor c : a.getTopContributors()) {
        details.append("\n• ").append(c.getWorkflow()).append(" / ")
            .append(new ProviderModel(c.getProvider(), c.getModel())).append(": ")
            .append(AlertTexts.rate(c.getObserved(), a.getUnit())).append(" vs ")
            .append(AlertTexts.rate(c.getExpected(), a.getUnit()));
      }
    }
    String runbook = Runbooks.anomaly(a.getKind());
    String cooldownKey = a.getKind() == AnomalyKind.NEW_MODEL ? null : a.getScope() + "/" + a.getKind();
    return new SlackAlert(a.getAlertId(), a.getTeam(), "series/" + a.getScope(), cooldownKey, a.getAnomalyId(),
        resolved, runbook, AlertTexts.title(a), fields, details.toString());
  }

  static SlackAlert reconciliation(ReconciliationAlert a) {
    boolean cleared = a.getState() != ReconciliationState.UNEXPLAINED_ABOVE_THRESHOLD;
    List<String> fields = new ArrayList<>();
    fields.add(field("Provider", a.getProvider()));
    fields.add(field("Day (UTC)", a.getDay()));
    fields.add(field("Billed vs ledger", AlertTexts.usd(a.getBilledUsd()) + " vs " + AlertTexts.usd(a.getOursUsd())));
    fields.add(field("Unexplained", AlertTexts.usd(a.getUnexplainedUsd()) + " (" + AlertTexts.share(a.getUnexplainedShare())
        + "; threshold " + AlertTexts.share(a.getThresholdShare()) + ")"));
    String details = a.getLargestUnexplained() == null ? AlertTexts.detail(a)
        : AlertTexts.detail(a) + "\n*Largest unexplained*: " + a.getLargestUnexplained();
    return new SlackAlert(a.getAlertId(), a.getTeam(), "bill/" + a.getProvider() + "/" + a.getDay(), null,
        a.getProvider() + "/" + a.getDay(), cleared, Runbooks.RECONCILIATION, AlertTexts.title(a), fields, details);
  }

  static SlackAlert commitment(io.tokenledger.schemas.CommitmentAlert a) {
    boolean cleared = a.getState() != io.tokenledger.schemas.CommitmentAlertState.UNDER_USE_PROJECTED;
    List<String> fields = new ArrayList<>();
    fields.add(field("Provider", a.getProvider()));
    fields.add(field("Owner", a.getOwnerTeam()));
    fields.add(field("Drawn so far vs amount", io.tokenledger.schemas.money.MoneyFormat.usd(a.getDiscountedSoFarNanoUsd())
        + " of " + io.tokenledger.schemas.money.MoneyFormat.usd(a.getAmountNanoUsd())));
    fields.add(field("Projected by period end", io.tokenledger.schemas.money.MoneyFormat.usd(a.getProjectedNanoUsd())
        + (cleared ? "" : " (" + io.tokenledger.schemas.money.MoneyFormat.usd(a.getProjectedUnusedNanoUsd())
            + " unused)")));
    fields.add(field("Period", AlertTexts.period(a.getPeriodStart(), a.getPeriodEnd(), "UTC")));
    String period = a.getPeriodStart().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
    return new SlackAlert(a.getAlertId(), a.getOwnerTeam(), "commitment/" + a.getCommitmentId(), null,
        a.getCommitmentId() + "/" + period, cleared, Runbooks.COMMITMENT_UNDER_USE, AlertTexts.title(a), fields, "");
  }

  private static List<String> scopeFields(String team, CharSequence workflow, CharSequence model) {
    return List.of(field("Team", team), field("Workflow", workflow == null ? "all" : workflow.toString()),
        field("Model", model == null ? "all" : model.toString()));
  }

  static String field(String label, String value) {
    return "*" + label + "*\n" + value;
  }

}
