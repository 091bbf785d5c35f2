package io.tokenledger.alerting.admission;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetState;
import io.tokenledger.schemas.BudgetStatus;
import java.math.BigInteger;
import java.time.Instant;

/**
 * Where a person's or an agent's allowance stands in its current period: spend against its
 * limits and thresholds. No projection: an allowance is drawn down call by call, and its
 * holder reads what is left.
 */
final class AllowanceStatus {
  private AllowanceStatus() {}

  static BudgetStatus of(Budget budget, AdmissionControl.PeriodSpend spend, long now) {
    long used = Math.max(basisPoints(spend.nanoUsd(), budget.getLimitNanoUsd()),
        basisPoints(spend.tokens(), budget.getLimitTokens()));
    int lowest = budget.getThresholdsPercent().stream().mapToInt(Integer::intValue).min().orElse(100);
    BudgetState state = used >= 10_000 ? BudgetState.EXCEEDED
        : lowest < 100 && used >= lowest * 100L ? BudgetState.WARNING : BudgetState.OK;
    return BudgetStatus.newBuilder().setBudgetId(budget.getBudgetId()).setTeam(budget.getTeam())
        .setWorkflow(budget.getWorkflow()).setModel(budget.getModel()).setUserId(budget.getUserId())
        .setAgentId(budget.getAgentId()).setPeriodStart(Instant.ofEpochMilli(spend.start()))
        .setPeriodEnd(Instant.ofEpochMilli(spend.end())).setTimezone(budget.getTimezone())
        .setEnforcement(budget.getEnforcement()).setSpendNanoUsd(spend.nanoUsd())
        .setLimitNanoUsd(budget.getLimitNanoUsd()).setSpendTokens(spend.tokens())
        .setLimitTokens(budget.getLimitTokens()).setUsedBasisPoints(used).setState(state)
        .setAsOf(Instant.ofEpochMilli(now)).setUpdatedAt(Instant.ofEpochMilli(now)).build();
  }

  private static long basisPoints(long amount, Long limit) {
    return limit == null || limit <= 0 ? 0 : BigInteger.valueOf(amount).multiply(BigInteger.valueOf(10_000))
        .divide(BigInteger.valueOf(limit)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
  }
}
