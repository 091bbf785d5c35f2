package io.tokenledger.aggregation.window;

import java.time.Duration;

/**
 * When an emit is due, and when its commit: emits at each multiple of the interval on the wall
 * clock (since the epoch), not every interval from when a task started. An emit asks for a
 * commit, and under exactly-once Kafka Streams commits every task of the thread together,
 * flushing every store of each (each changed window goes to its changelog again). Tasks each on a
 * grid of their own made up to one commit per task per interval. On one grid, ticked often, the
 * tasks of a thread all emit within a tick of the same point; a commit is asked for a tick after
 * the point, when each of them has emitted, and only by a task whose emit no other task of the
 * thread has asked a commit for since: one commit takes them all.
 */
final class EmitGrid {
  /** The longest tick: how late after its grid point an emit may come, besides a busy thread. */
  static final long MAX_TICK_MILLIS = 20;
  private static final long NONE = Long.MIN_VALUE;
  /**
   * Commits asked for on this thread, by any task's grid. Kafka Streams commits every task of
   * the thread when one asks, so an ask after an emit, by whichever task, commits that emit.
   */
  private static final ThreadLocal<long[]> ASKED = ThreadLocal.withInitial(() -> new long[1]);

  private final long interval;
  private final long tick;
  private long next;
  private long commitAt = NONE;
  private long askedBeforeEmit;

  EmitGrid(long interval, long now) {
    if (interval <= 0) {
      throw new IllegalArgumentException("an emit interval must be positive, not " + interval + " ms");
    }
    this.interval = interval;
    this.tick = tick(interval).toMillis();
    this.next = after(now);
  }

  /** How often a processor using a grid of this step ticks: at most {@link #MAX_TICK_MILLIS}. */
  static Duration tick(long step) {
    return Duration.ofMillis(Math.max(1, Math.min(step, MAX_TICK_MILLIS)));
  }

  /** Whether a grid point has passed since the last call that said so; missed points are not made up. */
  boolean reached(long now) {
    if (now < next) {
      return false;
    }
    next = after(now);
    return true;
  }

  /** The caller emitted for the point just reached: its commit is asked for once {@link #commitDue} says so. */
  void emitted() {
    commitAt = next - interval + tick; // the latest point passed, plus a tick
    askedBeforeEmit = ASKED.get()[0];
  }

  /**
   * Whether to ask for the commit of the last emit now: a tick after its grid point, unless another
   * task of the thread has asked since the emit (that commit takes it).
   */
  boolean commitDue(long now) {
    if (commitAt == NONE || now < commitAt) {
      return false;
    }
    commitAt = NONE;
    long[] asked = ASKED.get();
    if (asked[0] != askedBeforeEmit) {
      return false;
    }
    asked[0]++;
    return true;
  }

  private long after(long now) {
    return Math.floorDiv(now, interval) * interval + interval;
  }
}
