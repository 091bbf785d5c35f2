package io.tokenledger.schemas.ledger;

import java.time.Duration;

/**
 * The period ledgers' shape, which every reader of them shares: running totals per 15-minute
 * bucket (a quarter hour is the finest offset any time zone has from UTC, so any calendar day or
 * month in any zone is a whole number of buckets), kept long enough for any month-to-date in any
 * zone with room for late events.
 */
public final class LedgerBuckets {
  public static final Duration SIZE = Duration.ofMinutes(15);
  public static final Duration RETENTION = Duration.ofDays(62);
  private static final long SIZE_MS = SIZE.toMillis();

  private LedgerBuckets() {}

  /** The start of the bucket that holds {@code epochMillis}. */
  public static long startOf(long epochMillis) {
    return epochMillis - Math.floorMod(epochMillis, SIZE_MS);
  }

  /** Whether {@code epochMillis} is where a bucket starts. */
  public static boolean isStart(long epochMillis) {
    return Math.floorMod(epochMillis, SIZE_MS) == 0;
  }
}
