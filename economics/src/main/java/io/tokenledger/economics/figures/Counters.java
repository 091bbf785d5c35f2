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
 * @param scored succeeded items whose outcome carries a quality score
 * @param qualitySum their scores summed (0 to 100 each)
 * @param qualitySquares their scores squared and summed, for the spread
 * @param unscored succeeded items whose outcome carries no score
 * @param personTurnaroundSum a person's turnaround per unit (seconds) from the baseline in force, once
 *     per succeeded outcome whose baseline states one
 * @param personTurnarounds how many those are
 * @param timeLossAllowedSum the acceptable time loss (percent) of those same baselines
 * @param personQualitySum a person's quality score from the baseline in force, once per scored
 *     success whose baseline states one
 * @param personQualities how many those are
 * @param qualityLossAllowedSum the acceptable quality loss (points) of those same baselines
 * @param itemSpendNanoUsd the priced cost of the items' own calls: what a variant of a workflow
 *     spends (the ledger, and so {@code aiSpendNanoUsd}, has no variants)
 */
public record Counters(long started, long succeeded, long failed, long escalated, long abandoned,
    long unitsSucceeded, long humanSeconds, long aiSpendNanoUsd, long humanLoopNanoUsd, long humanAvoidedNanoUsd,
    long baselineSumNanoUsd, long valuedOutcomes, long unvaluedOutcomes, long scored, long qualitySum,
    long qualitySquares, long unscored, long personTurnaroundSum, long personTurnarounds, long timeLossAllowedSum,
    long personQualitySum, long personQualities, long qualityLossAllowedSum, long itemSpendNanoUsd) {
  public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  private static final int FIELDS = 24;
  private static final int FIELDS_V1 = 13;
  static final int BYTES = FIELDS * Long.BYTES;

  /** The figures of items and calls alone, without quality, time baselines or item spend. */
  public Counters(long started, long succeeded, long failed, long escalated, long abandoned, long unitsSucceeded,
      long humanSeconds, long aiSpendNanoUsd, long humanLoopNanoUsd, long humanAvoidedNanoUsd,
      long baselineSumNanoUsd, long valuedOutcomes, long unvaluedOutcomes) {
    this(started, succeeded, failed, escalated, abandoned, unitsSucceeded, humanSeconds, aiSpendNanoUsd,
        humanLoopNanoUsd, humanAvoidedNanoUsd, baselineSumNanoUsd, valuedOutcomes, unvaluedOutcomes, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0);
  }

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
    return combine(o, 1);
  }

  public Counters negated() {
    return ZERO.combine(this, -1);
  }

  public Counters minus(Counters o) {
    return combine(o, -1);
  }

  /** this + sign x o, field by field, exact: one pass (every delta the rollup adds goes through here). */
  private Counters combine(Counters o, int sign) {
    long[] a = values();
    long[] b = o.values();
    for (int i = 0; i < FIELDS; i++) {
      a[i] = Math.addExact(a[i], sign > 0 ? b[i] : Math.negateExact(b[i]));
    }
    return of(a);
  }

  public boolean isZero() {
    return equals(ZERO);
  }

  private long[] values() {
    return new long[] {started, succeeded, failed, escalated, abandoned, unitsSucceeded, humanSeconds, aiSpendNanoUsd,
        humanLoopNanoUsd, humanAvoidedNanoUsd, baselineSumNanoUsd, valuedOutcomes, unvaluedOutcomes, scored, qualitySum,
        qualitySquares, unscored, personTurnaroundSum, personTurnarounds, timeLossAllowedSum, personQualitySum,
        personQualities, qualityLossAllowedSum, itemSpendNanoUsd};
  }

  private static Counters of(long[] v) {
    return new Counters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14],
        v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23]);
  }

  void write(ByteBuffer out) {
    for (long v : values()) {
      out.putLong(v);
    }
  }

  /** Counters as layout {@code version} wrote them: version 1 had the first 13 only. */
  static Counters read(ByteBuffer in, int version) {
    long[] v = new long[FIELDS];
    int stored = version < 2 ? FIELDS_V1 : FIELDS;
    for (int i = 0; i < stored; i++) {
      v[i] = in.getLong();
    }
    return of(v);
  }
}
