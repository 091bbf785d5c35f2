package io.tokenledger.alerting.query;

import io.tokenledger.platform.topics.TopicFollower;
import io.tokenledger.platform.topics.TopicReaders;
import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AnomalyStatus;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import io.tokenledger.schemas.alerts.AlertTexts;
import io.tokenledger.schemas.alerts.Runbooks;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What alerting has said, as people read it: where each budget stands (the compacted status
 * topic, from its beginning) and the alerts of the last days (the three alert topics, from
 * {@code lookback} ago), followed as they arrive and kept in memory. Alerts are rare; a team
 * keeps its latest {@link #PER_TEAM}.
 */
public final class AlertFeed implements TopicReaders, AutoCloseable {
  static final int PER_TEAM = 500;

  private final Map<String, BudgetStatus> budgets = new ConcurrentHashMap<>();
  private final Map<String, Deque<Map<String, Object>>> alerts = new ConcurrentHashMap<>();
  private final List<TopicFollower<String, ?>> followers = new ArrayList<>();

  public AlertFeed(Map<String, ?> settings, Topics topics, Duration lookback) {
    Instant from = Instant.now().minus(lookback);
    followers.add(new TopicFollower<>(settings, topics.budgetStatus, null, r -> {
      if (r.value() == null) {
        budgets.remove(r.key());
      } else {
        budgets.put(r.key(), r.value());
      }
    }));
    // Alert topics are append-only; a tombstone on one (an operator's mistake) is passed over.
    followers.add(new TopicFollower<>(settings, topics.budgetAlerts, from,
        r -> { if (r.value() != null) { add(r.value().getTeam(), budget(r.value())); } }));
    followers.add(new TopicFollower<>(settings, topics.forecastAlerts, from,
        r -> { if (r.value() != null) { add(r.value().getTeam(), forecast(r.value())); } }));
    followers.add(new TopicFollower<>(settings, topics.anomalyAlerts, from,
        r -> { if (r.value() != null) { add(r.value().getTeam(), anomaly(r.value())); } }));
    // The reconciliation's (its team is the one its provider's bills go to) and the commitments' (the owner's).
    followers.add(new TopicFollower<>(settings, topics.reconciliationAlerts, from,
        r -> { if (r.value() != null) { add(r.value().getTeam(), reconciliation(r.value())); } }));
    followers.add(new TopicFollower<>(settings, topics.commitmentAlerts, from,
        r -> { if (r.value() != null) { add(r.value().getOwnerTeam(), commitment(r.value())); } }));
  }

  @Override
  public List<TopicFollower.Health> readers() {
    return followers.stream().map(TopicFollower::health).toList();
  }

  public boolean loaded() {
    return followers.stream().allMatch(TopicFollower::loaded);
  }

  /** The budgets of the teams {@code reads} accepts, by team then id. */
  public List<Map<String, Object>> budgets(Predicate<String> reads) {
    return budgets.values().stream().filter(b -> reads.test(b.getTeam()))
        .sorted(Comparator.comparing(BudgetStatus::getTeam).thenComparing(BudgetStatus::getBudgetId))
        .map(AlertFeed::status).toList();
  }

  /** The latest {@code limit} alerts of the teams {@code reads} accepts, newest first. */
  public List<Map<String, Object>> alerts(Predicate<String> reads, int limit) {
    List<Map<String, Object>> found = new ArrayList<>();
    alerts.forEach((team, list) -> {
      if (reads.test(team)) {
        synchronized (list) {
          found.addAll(list);
        }
      }
    });
    found.sort(Comparator.comparing((Map<String, Object> a) -> (String) a.get("raised_at")).reversed()
        .thenComparing(a -> (String) a.get("alert_id")));
    return found.subList(0, Math.min(limit, found.size()));
  }

  private void add(String team, Map<String, Object> alert) {
    Deque<Map<String, Object>> list = alerts.computeIfAbsent(team, t -> new ArrayDeque<>());
    synchronized (list) {
      list.addLast(alert);
      if (list.size() > PER_TEAM) {
        list.removeFirst();
      }
    }
  }

  static Map<String, Object> status(BudgetStatus s) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("budget_id", s.getBudgetId());
    b.put("team", s.getTeam());
    b.put("workflow", s.getWorkflow());
    b.put("model", s.getModel());
    b.put("user_id", s.getUserId());
    b.put("agent_id", s.getAgentId());
    b.put("period_start", s.getPeriodStart().toString());
    b.put("period_end", s.getPeriodEnd().toString());
    b.put("timezone", s.getTimezone());
    b.put("state", s.getState().toString());
    b.put("enforcement", s.getEnforcement().toString());
    b.put("spend_nano_usd", s.getSpendNanoUsd());
    b.put("spend_usd", NanoUsd.toUsd(s.getSpendNanoUsd()).toPlainString());
    b.put("limit_nano_usd", s.getLimitNanoUsd());
    b.put("limit_usd", s.getLimitNanoUsd() == null ? null : NanoUsd.toUsd(s.getLimitNanoUsd()).toPlainString());
    b.put("spend_tokens", s.getSpendTokens());
    b.put("limit_tokens", s.getLimitTokens());
    b.put("used_percent", java.math.BigDecimal.valueOf(s.getUsedBasisPoints(), 2).toPlainString());
    b.put("projected_spend_nano_usd", s.getProjectedSpendNanoUsd());
    b.put("projected_spend_usd", s.getProjectedSpendNanoUsd() == null ? null
        : NanoUsd.toUsd(s.getProjectedSpendNanoUsd()).toPlainString());
    b.put("projected_tokens", s.getProjectedTokens());
    b.put("burn_rate_nano_usd_per_hour", s.getBurnRateNanoUsdPerHour());
    b.put("projection_history_minutes", s.getProjectionHistoryMinutes());
    b.put("projection_history", s.getProjectionHistoryMinutes() == null ? null
        : AlertTexts.window(s.getProjectionHistoryMinutes()));
    b.put("projection_basis", s.getProjectionHistoryMinutes() == null
        ? "not projected yet: too little spend history"
        : "projected at " + (s.getBurnRateNanoUsdPerHour() == null ? "the burn rate"
            : MoneyFormat.perHour(s.getBurnRateNanoUsdPerHour())) + ", the burn rate over the last "
            + AlertTexts.window(s.getProjectionHistoryMinutes()));
    b.put("as_of", s.getAsOf().toString());
    return b;
  }

  static Map<String, Object> budget(BudgetAlert a) {
    return alert("budget", a.getAlertId(), a.getTeam(), a.getWorkflow(), a.getModel(), a.getRaisedAt(),
        AlertTexts.title(a), AlertTexts.detail(a), a.getThresholdPercent() >= 100 ? "CRITICAL" : "WARNING", false,
        Runbooks.BUDGET_THRESHOLD);
  }

  static Map<String, Object> forecast(ForecastAlert a) {
    boolean raised = a.getState() == ForecastState.PROJECTED_TO_EXCEED;
    return alert("forecast", a.getAlertId(), a.getTeam(), a.getWorkflow(), a.getModel(), a.getRaisedAt(),
        AlertTexts.title(a), AlertTexts.detail(a), raised ? "WARNING" : "INFO", !raised, Runbooks.BUDGET_FORECAST);
  }

  static Map<String, Object> anomaly(AnomalyAlert a) {
    boolean resolved = a.getStatus() == AnomalyStatus.RESOLVED;
    return alert("anomaly", a.getAlertId(), a.getTeam(), a.getWorkflow(), AlertTexts.model(a), a.getRaisedAt(),
        AlertTexts.title(a), AlertTexts.detail(a), a.getSeverity().toString(), resolved, Runbooks.anomaly(a.getKind()));
  }

  static Map<String, Object> reconciliation(io.tokenledger.schemas.ReconciliationAlert a) {
    boolean raised = a.getState() == io.tokenledger.schemas.ReconciliationState.UNEXPLAINED_ABOVE_THRESHOLD;
    return alert("reconciliation", a.getAlertId(), a.getTeam(), null, null, a.getRaisedAt(), AlertTexts.title(a),
        AlertTexts.detail(a), raised ? "WARNING" : "INFO", !raised, Runbooks.RECONCILIATION);
  }

  static Map<String, Object> commitment(io.tokenledger.schemas.CommitmentAlert a) {
    boolean raised = a.getState() == io.tokenledger.schemas.CommitmentAlertState.UNDER_USE_PROJECTED;
    String detail = a.getProvider() + ": " + MoneyFormat.usd(a.getDiscountedSoFarNanoUsd()) + " drawn of "
        + MoneyFormat.usd(a.getAmountNanoUsd()) + ", " + MoneyFormat.usd(a.getProjectedNanoUsd())
        + " projected by the period's end";
    return alert("commitment", a.getAlertId(), a.getOwnerTeam(), null, null, a.getRaisedAt(), AlertTexts.title(a),
        detail, raised ? "WARNING" : "INFO", !raised, Runbooks.COMMITMENT_UNDER_USE);
  }

  private static Map<String, Object> alert(String type, String id, String team, String workflow, String model,
      Instant raisedAt, String title, String detail, String severity, boolean resolution, String runbook) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("type", type);
    a.put("alert_id", id);
    a.put("team", team);
    a.put("workflow", workflow);
    a.put("model", model);
    a.put("raised_at", raisedAt.toString());
    a.put("title", title);
    a.put("detail", detail);
    a.put("severity", severity);
    a.put("resolution", resolution);
    a.put("runbook", runbook);
    return a;
  }

  @Override
  public void close() {
    followers.forEach(TopicFollower::close);
  }
}
