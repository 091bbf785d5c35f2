package io.tokenledger.economics.items;

import io.tokenledger.economics.figures.Counters;
import io.tokenledger.economics.figures.Strings;
import io.tokenledger.economics.figures.Turnarounds;
import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the economics remembers of one work item: its workflow, the model and time of its first
 * call (or of its outcome, without calls), its last activity, its outcome as last reported
 * and valued, its variant and what its own calls cost. {@link #contribution()} and
 * {@link #turnarounds()} are what the item counts in the figures; any change of the item
 * replaces its old contribution with its new one.
 *
 * @param firstCall event time of the earliest call, {@link #NO_CALL} before any
 * @param status the outcome, {@link Status#OPEN} before one
 * @param outcomeTime event time of the outcome in force, 0 before one
 * @param perUnitNanoUsd the person's cost per successful unit in force at the outcome's time, -1 without a baseline
 * @param variant the workflow variant: the outcome's when it names one, else the first call's; null for none
 * @param variantFromOutcome whether the outcome named the variant (a call then no longer changes it)
 * @param qualityScore the outcome's quality score, 0 to 100, or -1 for none
 * @param callSpendNanoUsd the priced cost of the item's calls
 * @param person the baseline's turnaround, quality and acceptable losses in force at the outcome's time
 */
public record ItemState(String workflow, String model, long firstCall, long lastActivity, Status status,
    long outcomeTime, String unit, long units, long humanSeconds, long humanLoopNanoUsd, long perUnitNanoUsd,
    String variant, boolean variantFromOutcome, int qualityScore, long callSpendNanoUsd, Person person) {
  public static final long NO_CALL = Long.MAX_VALUE;
  public static final String NO_MODEL = "(none)";
  // Version 2 added the variant, the quality score, the calls' spend and the person's turnaround and quality.
  private static final StoredLayout LAYOUT = new StoredLayout("economics work item", 2);

  /** How an item stands. {@code TIMED_OUT}: no outcome within the horizon, counted as abandoned. */
  public enum Status { OPEN, SUCCEEDED, FAILED, ESCALATED, ABANDONED, TIMED_OUT }

  /**
   * What a person's baseline says besides cost: turnaround per unit (seconds) and quality score,
   * -1 when it says nothing; the workflow's acceptable time (percent) and quality (points) losses.
   */
  public record Person(long turnaroundSeconds, int qualityScore, int timeLossAllowedPercent,
      int qualityLossAllowedPoints) {
    public static final Person UNKNOWN = new Person(-1, -1, 0, 0);
  }

  /** A time an item's figures are filed under: its first call, or its outcome if it had no call. */
  public long startedAt() {
    return firstCall != NO_CALL ? firstCall : outcomeTime;
  }

  public boolean reported() {
    return status != Status.OPEN && status != Status.TIMED_OUT;
  }

  public Counters contribution() {
    boolean valued = reported() && perUnitNanoUsd >= 0;
    boolean success = status == Status.SUCCEEDED;
    long unitsSucceeded = success ? units : 0;
    boolean scored = success && qualityScore >= 0;
    boolean personTime = success && person.turnaroundSeconds() >= 0;
    boolean personQuality = scored && person.qualityScore() >= 0;
    return new Counters(1, success ? 1 : 0, status == Status.FAILED ? 1 : 0,
        status == Status.ESCALATED ? 1 : 0, status == Status.ABANDONED || status == Status.TIMED_OUT ? 1 : 0,
        unitsSucceeded, humanSeconds, 0, humanLoopNanoUsd, valued ? Math.multiplyExact(unitsSucceeded, perUnitNanoUsd) : 0,
        valued ? perUnitNanoUsd : 0, valued ? 1 : 0, reported() && !valued ? 1 : 0,
        scored ? 1 : 0, scored ? qualityScore : 0, scored ? (long) qualityScore * qualityScore : 0,
        success && !scored ? 1 : 0,
        personTime ? person.turnaroundSeconds() : 0, personTime ? 1 : 0,
        personTime ? person.timeLossAllowedPercent() : 0,
        personQuality ? person.qualityScore() : 0, personQuality ? 1 : 0,
        personQuality ? person.qualityLossAllowedPoints() : 0, callSpendNanoUsd);
  }

  /** The item's turnaround, from first call to outcome in whole seconds, if it succeeded after a call. */
  public Turnarounds turnarounds() {
    if (status != Status.SUCCEEDED || firstCall == NO_CALL || outcomeTime < firstCall) {
      return Turnarounds.EMPTY;
    }
    return Turnarounds.of((outcomeTime - firstCall) / 1_000, 1);
  }

  /**
   * This item with one more call: the earliest call names the model (ties: the first name) and,
   * unless the outcome named one, the variant.
   */
  public ItemState withCall(String callModel, long time, long costNanoUsd, String callVariant) {
    boolean earliest = time < firstCall || (time == firstCall && callModel.compareTo(model) < 0);
    Status reopened = status == Status.TIMED_OUT && time > lastActivity ? Status.OPEN : status;
    String nextVariant = variantFromOutcome || !(earliest || variant == null) ? variant
        : callVariant != null ? callVariant : variant;
    return new ItemState(workflow, earliest ? callModel : model, Math.min(firstCall, time),
        Math.max(lastActivity, time), reopened, outcomeTime, unit, units, humanSeconds, humanLoopNanoUsd,
        perUnitNanoUsd, nextVariant, variantFromOutcome, qualityScore, Math.addExact(callSpendNanoUsd, costNanoUsd),
        person);
  }

  /** This item with its outcome; an outcome that names a variant sets the item's. */
  public ItemState withOutcome(Status outcome, long time, String outcomeUnit, long unitsDelivered, long seconds,
      long humanLoop, long perUnit, String outcomeVariant, int score, Person baseline) {
    boolean named = outcomeVariant != null;
    return new ItemState(workflow, model, firstCall, Math.max(lastActivity, time), outcome, time, outcomeUnit,
        unitsDelivered, seconds, humanLoop, perUnit, named ? outcomeVariant : variant, named || variantFromOutcome,
        score, callSpendNanoUsd, baseline);
  }

  public ItemState timedOut() {
    return new ItemState(workflow, model, firstCall, lastActivity, Status.TIMED_OUT, outcomeTime, unit, units,
        humanSeconds, humanLoopNanoUsd, perUnitNanoUsd, variant, variantFromOutcome, qualityScore, callSpendNanoUsd,
        person);
  }

  public static ItemState started(String workflow) {
    return new ItemState(workflow, NO_MODEL, NO_CALL, 0, Status.OPEN, 0, null, 0, 0, 0, -1, null, false, -1, 0,
        Person.UNKNOWN);
  }

  public static Serde<ItemState> serde() {
    return Serdes.serdeFrom((topic, s) -> s == null ? null : s.toBytes(),
        (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
  }

  private byte[] toBytes() {
    ByteBuffer out = LAYOUT.writer(Strings.size(workflow) + Strings.size(model) + Strings.size(unit) + 1
        + 7 * Long.BYTES + Strings.size(variant) + 1 + Integer.BYTES + Long.BYTES + Long.BYTES + 3 * Integer.BYTES);
    Strings.write(out, workflow);
    Strings.write(out, model);
    Strings.write(out, unit);
    out.put((byte) status.ordinal()).putLong(firstCall).putLong(lastActivity).putLong(outcomeTime).putLong(units)
        .putLong(humanSeconds).putLong(humanLoopNanoUsd).putLong(perUnitNanoUsd);
    Strings.write(out, variant);
    out.put((byte) (variantFromOutcome ? 1 : 0)).putInt(qualityScore).putLong(callSpendNanoUsd)
        .putLong(person.turnaroundSeconds()).putInt(person.qualityScore()).putInt(person.timeLossAllowedPercent())
        .putInt(person.qualityLossAllowedPoints());
    return out.array();
  }

  private static ItemState fromBytes(byte[] bytes) {
    StoredLayout.Body body = LAYOUT.reader(bytes);
    ByteBuffer in = body.buffer();
    String workflow = Strings.read(in);
    String model = Strings.read(in);
    String unit = Strings.read(in);
    Status status = Status.values()[in.get()];
    long firstCall = in.getLong();
    long lastActivity = in.getLong();
    long outcomeTime = in.getLong();
    long units = in.getLong();
    long humanSeconds = in.getLong();
    long humanLoop = in.getLong();
    long perUnit = in.getLong();
    if (body.version() < 2) {
      return new ItemState(workflow, model, firstCall, lastActivity, status, outcomeTime, unit, units, humanSeconds,
          humanLoop, perUnit, null, false, -1, 0, Person.UNKNOWN);
    }
    String variant = Strings.read(in);
    boolean fromOutcome = in.get() == 1;
    int score = in.getInt();
    long spend = in.getLong();
    Person person = new Person(in.getLong(), in.getInt(), in.getInt(), in.getInt());
    return new ItemState(workflow, model, firstCall, lastActivity, status, outcomeTime, unit, units, humanSeconds,
        humanLoop, perUnit, variant, fromOutcome, score, spend, person);
  }
}
