package io.tokenledger.aggregation.window;

/** Tumbling event-time windows aligned to the Unix epoch (so to every UTC minute/hour/day). */
public final class EpochWindows {
  private EpochWindows() {}

  public static long start(long eventTimeMillis, long sizeMillis) {
    return eventTimeMillis - Math.floorMod(eventTimeMillis, sizeMillis);
  }
}
