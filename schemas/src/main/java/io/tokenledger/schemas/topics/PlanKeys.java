package io.tokenledger.schemas.topics;

import io.tokenledger.schemas.TokenPlan;

/** The key of a token plan version: {@code [team, workflow or *, quarter, effective_from]} as a JSON array. */
public final class PlanKeys {
  /** A team's plan as a whole, in keys. */
  public static final String WHOLE_TEAM = "*";

  private PlanKeys() {}

  public static String of(TokenPlan plan) {
    return JsonArrayKeys.of(plan.getTeam(), plan.getWorkflow() == null ? WHOLE_TEAM : plan.getWorkflow(),
        plan.getQuarter(), plan.getEffectiveFrom().toString());
  }
}
