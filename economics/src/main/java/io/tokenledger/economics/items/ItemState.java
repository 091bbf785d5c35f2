package io.tokenledger.economics.items;

import io.tokenledger.economics.figures.Counters;
import io.tokenledger.economics.figures.Strings;
import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the economics remembers of one work item: its workflow, the model and time of its first
 * call (or of its outcome, without calls), its last activity, and its outcome as last reported
 * and valued. {@link #contribution()} is what the item counts in the figures; any change of the
 * item replaces its old contribution with its new one.
 *
 * @param firstCall event time of the earliest call, {@link #NO_CALL} before any
 * @param status the outcome, {@link Status#OPEN} before one
 * @param outcomeTime event time of the outcome in force, 0 before one
 * @param perUnitNanoUsd the person's cost per successful unit in force at the outcome's time, -1 without a baseline
 */
public record ItemState(String workflow, String model, long firstCall, long lastActivity, Status status,
    long outcomeTime, String unit, long units, long humanSeconds, long humanLoopNanoUsd, long perUnitNanoUsd) {
  public static final long NO_CALL = Long.MAX_VALUE;
  public static final String NO_MODEL = "(none)";
  private static final StoredLayout LAYOUT = new StoredLayout("economics work item", 1);

  /** How an item stands. {@code TIMED_OUT}: no outcome within the horizon, counted as abandoned. */
  public enum Status { OPEN, SUCCEEDED, FAILED, ESCALATED, ABANDONED, TIMED_OUT }

  /** A time an item's figures are filed under: its first call, or its outcome if it had no call. */
  public long startedAt() {
    return firstCall != NO_CALL ? firstCall : outcomeTime;
  }

  public boolean reported() {
    return status != Status.OPEN && status != Status.TIMED_OUT;
  }

  public Counters contribution() {
    boolean valued = reported() && perUnitNanoUsd >= 0;
    long unitsSucceeded = status == Status.SUCCEEDED ? units : 0;
    return new Counters(1, status == Status.SUCCEEDED ? 1 : 0, status == Status.FAILED ? 1 : 0,
        status == Status.ESCALATED ? 1 : 0, status == Status.ABANDONED || status == Status.TIMED_OUT ? 1 : 0,
        unitsSucceeded, humanSeconds, 0, humanLoopNanoUsd, valued ? Math.multiplyExact(unitsSucceeded, perUnitNanoUsd) : 0,
        valued ? perUnitNanoUsd : 0, valued ? 1 : 0, reported() && !valued ? 1 : 0);
  }

  /** This item with one more call: the earliest call names the model (ties: the first name). */
  public ItemState withCall(String callModel, long time) {
    boolean earliest = time < firstCall || (time == firstCall && callModel.compareTo(model) < 0);
    Status reopened = status == Status.TIMED_OUT && time > lastActivity ? Status.OPEN : status;
    return new ItemState(workflow, earliest ? callModel : model, Math.min(firstCall, time),
        Math.max(lastActivity, time), reopened, outcomeTime, unit, units, humanSeconds, humanLoopNanoUsd,
        perUnitNanoUsd);
  }

  public ItemState withOutcome(Status outcome, long time, String outcomeUnit, long unitsDelivered, long seconds,
      long humanLoop, long perUnit) {
    return new ItemState(workflow, model, firstCall, Math.max(lastActivity, time), outcome, time, outcomeUnit,
        unitsDelivered, seconds, humanLoop, perUnit);
  }

  public ItemState timedOut() {
    return new ItemState(workflow, model, firstCall, lastActivity, Status.TIMED_OUT, outcomeTime, unit, units,
        humanSeconds, humanLoopNanoUsd, perUnitNanoUsd);
  }

  public static ItemState started(String workflow) {
    return new ItemState(workflow, NO_MODEL, NO_CALL, 0, Status.OPEN, 0, null, 0, 0, 0, -1);
  }

  public static Serde<ItemState> serde() {
    return Serdes.serdeFrom((topic, s) -> s == null ? null : s.toBytes(),
        (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
  }

  private byte[] toBytes() {
    ByteBuffer out = LAYOUT.writer(Strings.size(workflow) + Strings.size(model) + Strings.size(unit) + 1
        + 7 * Long.BYTES);
    Strings.write(out, workflow);
    Strings.write(out, model);
    Strings.write(out, unit);
    out.put((byte) status.ordinal()).putLong(firstCall).putLong(lastActivity).putLong(outcomeTime).putLong(units)
        .putLong(humanSeconds).putLong(humanLoopNanoUsd).putLong(perUnitNanoUsd);
    return out.array();
  }

  private static ItemState fromBytes(byte[] bytes) {
    ByteBuffer in = LAYOUT.reader(bytes).buffer();
    String workflow = Strings.read(in);
    String model = Strings.read(in);
    String unit = Strings.read(in);
    Status status = Status.values()[in.get()];
    long firstCall = in.getLong();
    long lastActivity = in.getLong();
    long outcomeTime = in.getLong();
    return new ItemState(workflow, model, firstCall, lastActivity, status, outcomeTime, unit, in.getLong(),
        in.getLong(), in.getLong(), in.getLong());
  }
}
