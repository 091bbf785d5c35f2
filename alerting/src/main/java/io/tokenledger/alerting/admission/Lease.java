package io.tokenledger.alerting.admission;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetDowngrade;
import io.tokenledger.schemas.models.ProviderModel;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;

/**
 * Headroom reserved beyond one call, from which the caller admits further calls of the same cell
 * without asking: a share of what every covering budget has left after the call (and below any
 * downgrade threshold for the model, so a lease never admits a call the policy would send
 * elsewhere). Null in a measure no budget limits. None at all when it would not hold one more
 * such call: near a limit every call asks the team's task.
 */
record Lease(Long nanoUsd, Long tokens) {
  static Lease size(List<Budget> hard, CallEstimate call, ProviderModel model, Function<Budget, Headroom> rooms,
      int sharePercent) {
    Long nano = null;
    Long tokens = null;
    for (Budget budget : hard) {
      Headroom room = rooms.apply(budget);
      BudgetDowngrade rule = null;
      for (BudgetDowngrade r : budget.getDowngrades()) {
        if (model.isModel(r.getFromModel())) {
          rule = r;
          break;
        }
      }
      if (budget.getLimitNanoUsd() != null) {
        long share = share(budget.getLimitNanoUsd(), room.usedNanoUsd() + call.nanoUsd(), rule, sharePercent);
        nano = nano == null ? share : Math.min(nano, share);
      }
      if (budget.getLimitTokens() != null) {
        long share = share(budget.getLimitTokens(), room.usedTokens() + call.tokens(), rule, sharePercent);
        tokens = tokens == null ? share : Math.min(tokens, share);
      }
    }
    if ((nano != null && nano < Math.max(1, call.nanoUsd())) || (tokens != null && tokens < Math.max(1,
        call.tokens()))) {
      return null;
    }
    return new Lease(nano, tokens);
  }

  private static long share(long limit, long usedAfterCall, BudgetDowngrade rule, int sharePercent) {
    long ceiling = rule == null ? limit : BigInteger.valueOf(limit).multiply(BigInteger.valueOf(rule.getAbovePercent()))
        .divide(BigInteger.valueOf(100)).longValueExact();
    long left = Math.max(0, ceiling - usedAfterCall);
    return BigInteger.valueOf(left).multiply(BigInteger.valueOf(sharePercent)).divide(BigInteger.valueOf(100))
        .longValueExact();
  }
}
