package io.tokenledger.alerting.admission;

import io.tokenledger.schemas.Budget;
import java.math.BigInteger;

/**
 * Where one budget stands for admission: its period's spend plus everything reserved against it
 * and not yet settled, against its limits.
 */
record Headroom(Budget budget, long usedNanoUsd, long usedTokens) {
  Headroom(Budget budget, AdmissionControl.PeriodSpend spend, long[] reserved) {
    this(budget, Math.addExact(spend.nanoUsd(), reserved[0]), Math.addExact(spend.tokens(), reserved[1]));
  }

  boolean fits(CallEstimate call) {
    return (budget.getLimitNanoUsd() == null || Math.addExact(usedNanoUsd, call.nanoUsd()) <= budget.getLimitNanoUsd())
        && (budget.getLimitTokens() == null || Math.addExact(usedTokens, call.tokens()) <= budget.getLimitTokens());
  }

  /** Whether spend and reservations reach {@code percent} of either limit. */
  boolean reached(int percent) {
    return reached(usedNanoUsd, budget.getLimitNanoUsd(), percent) || reached(usedTokens, budget.getLimitTokens(),
        percent);
  }

  Long leftNanoUsd() {
    return budget.getLimitNanoUsd() == null ? null : Math.max(0, budget.getLimitNanoUsd() - usedNanoUsd);
  }

  Long leftTokens() {
    return budget.getLimitTokens() == null ? null : Math.max(0, budget.getLimitTokens() - usedTokens);
  }

  /** The share of the limit used, in basis points, of whichever limit is nearer. */
  long usedBasisPoints() {
    return Math.max(basisPoints(usedNanoUsd, budget.getLimitNanoUsd()), basisPoints(usedTokens,
        budget.getLimitTokens()));
  }

  boolean tighterThan(Headroom other) {
    return usedBasisPoints() > other.usedBasisPoints();
  }

  private static long basisPoints(long used, Long limit) {
    return limit == null ? 0 : BigInteger.valueOf(used).multiply(BigInteger.valueOf(10_000))
        .divide(BigInteger.valueOf(limit)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
  }

  private static boolean reached(long used, Long limit, int percent) {
    return limit != null && BigInteger.valueOf(used).multiply(BigInteger.valueOf(100))
        .compareTo(BigInteger.valueOf(limit).multiply(BigInteger.valueOf(percent))) >= 0;
  }
}
