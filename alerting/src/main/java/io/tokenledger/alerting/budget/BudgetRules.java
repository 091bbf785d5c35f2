package io.tokenledger.alerting.budget;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.models.ModelNames;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes a budget usable, and the form alerting evaluates it in. Alerting applies these to
 * every budget it reads, whoever wrote it; {@code tokenledger budgets set} applies the same
 * before writing, so the CLI refuses what alerting would ignore.
 */
public final class BudgetRules {
  private BudgetRules() {}

  /** Every problem of a budget, each naming its field; empty when the budget can be evaluated. */
  public static List<String> problems(Budget budget) {
    List<String> problems = new ArrayList<>();
    String id = budget.getBudgetId();
    if (id == null || id.isBlank() || id.contains("|") || id.contains("/")) {
      problems.add("budget_id must be non-empty and may not contain '|' or '/'");
    }
    if (budget.getTeam() == null || budget.getTeam().isBlank()) {
      problems.add("team is required");
    }
    if (budget.getLimitNanoUsd() == null && budget.getLimitTokens() == null) {
      problems.add("give limit_nano_usd, limit_tokens or both");
    }
    if ((budget.getLimitNanoUsd() != null && budget.getLimitNanoUsd() <= 0)
        || (budget.getLimitTokens() != null && budget.getLimitTokens() <= 0)) {
      problems.add("limits must be positive");
    }
    try {
      ZoneId.of(budget.getTimezone());
    } catch (DateTimeException | NullPointerException e) {
      problems.add("timezone '" + budget.getTimezone() + "' is not an IANA time zone such as Europe/Berlin");
    }
    List<Integer> thresholds = budget.getThresholdsPercent();
    if (thresholds == null || thresholds.isEmpty() || thresholds.stream().anyMatch(t -> t <= 0 || t > 1000)) {
      problems.add("thresholds_percent must be percentages between 1 and 1000, e.g. 50,80,100");
    }
    for (String[] subject : new String[][] {{"user_id", budget.getUserId()}, {"agent_id", budget.getAgentId()}}) {
      if (subject[1] != null && subject[1].isBlank()) {
        problems.add(subject[0] + " cannot be blank (leave it out for a team's budget)");
      }
    }
    for (var d : budget.getDowngrades()) {
      if (d.getFromModel().isBlank() || d.getToModel().isBlank()
          || ModelNames.normalise(d.getFromModel()).equals(ModelNames.normalise(d.getToModel()))) {
        problems.add("a downgrade names two different models, not '" + d.getFromModel() + "' to '" + d.getToModel()
            + "'");
      }
      if (d.getAbovePercent() < 1 || d.getAbovePercent() > 100) {
        problems.add("a downgrade starts between 1% and 100% of the limit, not " + d.getAbovePercent() + "%");
      }
    }
    return problems;
  }

  /**
   * The budget as alerting evaluates it: its model normalised as usage is (a dated snapshot
   * such as gpt-4o-2024-08-06 counts as gpt-4o), thresholds distinct and ascending.
   */
  public static Budget normalised(Budget budget) {
    return Budget.newBuilder(budget)
        .setModel(budget.getModel() == null ? null : ModelNames.normalise(budget.getModel()))
        .setThresholdsPercent(budget.getThresholdsPercent().stream().distinct().sorted().toList())
        .build();
  }

  /** The normalised budget, or an exception listing every problem. */
  public static Budget checked(Budget budget) {
    List<String> problems = problems(budget);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return normalised(budget);
  }
}
