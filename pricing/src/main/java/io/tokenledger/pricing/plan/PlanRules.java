package io.tokenledger.pricing.plan;

import io.tokenledger.schemas.TokenPlan;
import java.util.ArrayList;
import java.util.List;

/** What makes a token plan usable; {@code tokenledger plan set} refuses what breaks them. */
public final class PlanRules {
  private PlanRules() {}

  public static List<String> problems(TokenPlan plan) {
    List<String> problems = new ArrayList<>();
    if (plan.getTeam() == null || plan.getTeam().isBlank()) {
      problems.add("team is required");
    }
    if (plan.getWorkflow() != null && plan.getWorkflow().isBlank()) {
      problems.add("workflow cannot be blank (leave it out for the team's plan)");
    }
    try {
      Quarter.parse(plan.getQuarter());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (plan.getAmountNanoUsd() == null && plan.getTokens() == null) {
      problems.add("give an amount in USD, tokens or both");
    }
    if ((plan.getAmountNanoUsd() != null && plan.getAmountNanoUsd() < 0)
        || (plan.getTokens() != null && plan.getTokens() < 0)) {
      problems.add("a plan cannot be negative");
    }
    if (plan.getSetBy() == null || plan.getSetBy().isBlank()) {
      problems.add("set_by is required: who set the plan");
    }
    return problems;
  }

  public static TokenPlan checked(TokenPlan plan) {
    List<String> problems = problems(plan);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return TokenPlan.newBuilder(plan).setQuarter(Quarter.parse(plan.getQuarter()).toString()).build();
  }
}
