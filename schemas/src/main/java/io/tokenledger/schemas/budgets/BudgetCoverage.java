package io.tokenledger.schemas.budgets;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.models.ProviderModel;

/**
 * Which calls a budget counts: its team's, narrowed by each of workflow, model, person and agent
 * that it names. One rule for everyone who asks it: the alerting's trackers, admission in the
 * team's task, and the recorder deciding fail-open or fail-closed on its own.
 */
public final class BudgetCoverage {
  private BudgetCoverage() {}

  /**
   * @param model the call's model as figures key it; a budget names a model, not a provider, and
   *     covers it from every provider, dated snapshots included
   * @param userId the call's person, null when it names none
   * @param agentId the call's agent, null when it names none
   */
  public static boolean covers(Budget budget, String team, String workflow, ProviderModel model, String userId,
      String agentId) {
    return budget.getTeam().equals(team)
        && (budget.getWorkflow() == null || budget.getWorkflow().equals(workflow))
        && (budget.getModel() == null || model.isModel(budget.getModel()))
        && (budget.getUserId() == null || budget.getUserId().equals(userId))
        && (budget.getAgentId() == null || budget.getAgentId().equals(agentId));
  }

  /** Whether the budget is a person's or an agent's allowance rather than a team's (or workflow's, model's) budget. */
  public static boolean isAllowance(Budget budget) {
    return budget.getUserId() != null || budget.getAgentId() != null;
  }
}
