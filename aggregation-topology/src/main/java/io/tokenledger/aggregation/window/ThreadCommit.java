package io.tokenledger.aggregation.window;

import java.time.Duration;

/**
 * The commit after a processor's emit, asked for once per stream thread. Under exactly-once
 * Kafka Streams commits every task of the thread when one asks, flushing every store of each
 * (each changed window goes to its changelog again). So a task asks a tick after its emit's grid
 * point ({@link EmitGrid}), when every task on the same grid has emitted, and only if no other
 * task of its thread has asked since its emit: that ask's commit takes this emit too.
 */
final class ThreadCommit {
  private static final long NONE = Long.MIN_VALUE;
  /** Commits asked for on this thread, by any task. */
  private static final ThreadLocal<long[]> ASKED = ThreadLocal.withInitial(() -> new long[1]);

  private final long tick;
  private long dueAt = NONE;
  private long askedBeforeEmit;

  /** @param tick how often the processor ticks: by then every task of the thread has emitted */
  ThreadCommit(Duration tick) {
    this.tick = tick.toMillis();
  }

  /** The processor emitted for this grid point. */
  void emitted(long point) {
    dueAt = point + tick;
    askedBeforeEmit = ASKED.get()[0];
  }

  /** Whether to ask for the commit of the last emit now: once, a tick after its point, unless another task has. */
  boolean due(long now) {
    if (dueAt == NONE || now < dueAt) {
      return false;
    }
    dueAt = NONE;
    long[] asked = ASKED.get();
    if (asked[0] != askedBeforeEmit) {
      return false;
    }
    asked[0]++;
    return true;
  }
}
