package io.tokenledger.economics.figures;

import java.nio.ByteBuffer;

/**
 * The additive figures of some work items and calls: every figure the economics publishes is
 * derived from sums of these, so an item's change is always "remove what it counted, add what
 * it counts now" and a correction can never count twice. Money in nano-USD.
 *
 * @param started items started (1 per item)
 * @param aiSpendNanoUsd priced spend of calls (from the ledger, never from items)
 * @param humanLoopNanoUsd person-time at the baseline's hourly cost, each outcome rounded once
 * @param humanAvoidedNanoUsd succeeded units at the person's cost per successful unit
 * @param baselineSumNanoUsd the person's cost per successful unit, once per valued outcome (for the average)
 * @param valuedOutcomes outcomes with a baseline in force at their time
 * @param unvaluedOutcomes outcomes without one
 */
public record Counters(long started, long succeeded, long failed, long escalated, long abandoned,
    long unitsSucceeded, long humanSeconds, long aiSpendNanoUsd, long humanLoopNanoUsd, long humanAvoidedNanoUsd,
    long baselineSumNanoUsd, long valuedOutcomes, long unvaluedOutcomes) {
  public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  static final int BYTES = 13 * Long.BYTES;

  public static Counters spend(long nanoUsd) {
    return new Counters(0, 0, 0, 0, 0, 0, 0, nanoUsd, 0, 0, 0, 0, 0);
  }

  /** Items with an outcome, reported or by the horizon. */
  public long decided() {
    return succeeded + failed + escalated + abandoned;
  }

  public long open() {
    return started - decided();
  }

  /** What the agent path cost: every call's spend and the people's time in the loop. */
  public long aiPathNanoUsd() {
    return Math.addExact(aiSpendNanoUsd, humanLoopNanoUsd);
  }

  public Counters plus(Counters o) {
    return new Counters(Math.addExact(started, o.started), Math.addExact(succeeded, o.succeeded),
        Math.addExact(failed, o.failed), Math.addExact(escalated, o.escalated), Math.addExact(abandoned, o.abandoned),
        Math.addExact(unitsSucceeded, o.unitsSucceeded), Math.addExact(humanSeconds, o.humanSeconds),
        Math.addExact(aiSpendNanoUsd, o.aiSpendNanoUsd), Math.addExact(humanLoopNanoUsd, o.humanLoopNanoUsd),
        Math.addExact(humanAvoidedNanoUsd, o.humanAvoidedNanoUsd),
        Math.addExact(baselineSumNanoUsd, o.baselineSumNanoUsd), Math.addExact(valuedOutcomes, o.valuedOutcomes),
        Math.addExact(unvaluedOutcomes, o.unvaluedOutcomes));
  }

  public Counters negated() {
    return new Counters(-started, -succeeded, -failed, -escalated, -abandoned, -unitsSucceeded, -humanSeconds,
        -aiSpendNanoUsd, -humanLoopNanoUsd, -humanAvoidedNanoUsd, -baselineSumNanoUsd, -valuedOutcomes,
        -unvaluedOutcomes);
  }

  public Counters minus(Counters o) {
    return plus(o.negated());
  }

  public boolean isZero() {
    return equals(ZERO);
  }

  void write(ByteBuffer out) {
    out.putLong(started).putLong(succeeded).putLong(failed).putLong(escalated).putLong(abandoned)
        .putLong(unitsSucceeded).putLong(humanSeconds).putLong(aiSpendNanoUsd).putLong(humanLoopNanoUsd)
        .putLong(humanAvoidedNanoUsd).putLong(baselineSumNanoUsd).putLong(valuedOutcomes).putLong(unvaluedOutcomes);
  }

  static Counters read(ByteBuffer in) {
    return new Counters(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(),
        in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong());
  }
}
