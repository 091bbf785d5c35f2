package io.tokenledger.aggregation.window;

import java.time.Duration;

/**
 * When an emit is due: at each multiple of the interval on the wall clock (since the epoch), not
 * every interval from when a task started. Every task's emits then fall within a tick of the
 * same points, so the tasks of a thread can share the commit after them ({@link ThreadCommit}):
 * tasks each on a grid of their own made up to one commit per task per interval.
 */
final class EmitGrid {
  /** The longest tick: how late after its grid point an emit may come, besides a busy thread. */
  static final long MAX_TICK_MILLIS = 20;

  private final long interval;
  private long next;

  EmitGrid(long interval, long now) {
    if (interval <= 0) {
      throw new IllegalArgumentException("an emit interval must be positive, not " + interval + " ms");
    }
    this.interval = interval;
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

  /** The latest grid point reached. */
  long point() {
    return next - interval;
  }

  private long after(long now) {
    return Math.floorDiv(now, interval) * interval + interval;
  }
}
