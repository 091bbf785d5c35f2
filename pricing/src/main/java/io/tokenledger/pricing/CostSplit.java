package io.tokenledger.pricing;

import io.tokenledger.schemas.tokens.TokenKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * A ledger bucket's cost split by token kind, for what reports it per kind (FOCUS rows, the
 * reconciliation with a bill): in proportion to what each kind costs at the prices (tokens where
 * there is no price), each part rounded down and the remainder on the largest, so the parts are
 * never negative and always sum to the bucket's cost.
 */
public final class CostSplit {
  private static final TokenKind[] KINDS = TokenKind.ALL;

  private CostSplit() {}

  public static long[] byKind(long[] tokens, Optional<Rates> rates, long total) {
    BigDecimal[] weights = new BigDecimal[KINDS.length];
    BigDecimal sum = BigDecimal.ZERO;
    for (int t = 0; t < KINDS.length; t++) {
      BigDecimal price = rates.isPresent() ? rates.get().usdPerMillion(KINDS[t]) : BigDecimal.ONE;
      weights[t] = price.multiply(BigDecimal.valueOf(tokens[t]));
      sum = sum.add(weights[t]);
    }
    long[] split = new long[KINDS.length];
    if (sum.signum() == 0) {
      split[0] = total;
      return split;
    }
    long assigned = 0;
    int largest = 0;
    for (int t = 0; t < KINDS.length; t++) {
      split[t] = BigDecimal.valueOf(total).multiply(weights[t]).divide(sum, 0, RoundingMode.FLOOR).longValueExact();
      assigned += split[t];
      if (weights[t].compareTo(weights[largest]) > 0) {
        largest = t;
      }
    }
    split[largest] += total - assigned;
    return split;
  }
}
