package io.tokenledger.aggregation;

import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.time.Duration;
import java.util.Map;

/**
 * Tunables of the aggregation topology, read from {@code tokenledger.aggregation.*} keys.
 *
 * @param grace how long after a window's end events are still added to it (stream time)
 * @param liveEmitInterval how often running totals of changed windows are published
 * @param dedupHorizon how long an event_id is remembered (event time)
 * @param validation the limits events are checked against, read as the recorder and gateway read them
 * @param windowRetention how long 1-minute windows stay queryable in the store
 * @param idleAdvance after this long (wall clock) without a record, a task moves its stream time
 *     to wall clock minus this, so quiet partitions close their windows
 * @param seriesEmitInterval how often the per team/workflow/model windows (1m, 1h, 1d) and
 *     ledger are brought up to date and their running totals published: there are as many of
 *     them as series, so doing it at every live emit made more output than input. Late usage
 *     and price corrections still reach the ledger at once. Team, cross-team and team-ledger
 *     figures keep the live emit interval.
 * @param closeChunk how many minute windows are finalised at a time when a minute closes
 * @param dedupMemoryIds how many of a task's latest event ids dedup holds in memory
 */
public record AggregationSettings(Duration grace, Duration liveEmitInterval, Duration dedupHorizon,
    ValidationSettings validation, Duration windowRetention, Duration idleAdvance, Duration seriesEmitInterval,
    int closeChunk, long dedupMemoryIds) {

  public static final String PREFIX = "tokenledger.aggregation.";
  /** Some 25 s of a partition at 8,000 events/s (and the newest ten seconds whole). */
  static final long DEDUP_MEMORY_IDS = 200_000;

  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("the aggregation")
      .duration(PREFIX + "grace", Duration.ofMinutes(1), Duration.ZERO,
          "how long after a window's end (stream time) events are still added to it; later ones go to the late topic "
          + "and the period ledger")
      .duration(PREFIX + "live-emit-interval", Duration.ofSeconds(1), Duration.ofMillis(10),
          "how often the running totals of changed team, cross-team and team-ledger windows are published (each "
          + "emit is followed by a commit); in the interval after stream time enters a new minute, every quarter "
          + "of it, so that the minute just ended settles fast")
      .duration(PREFIX + "dedup-horizon", Duration.ofHours(24), Duration.ofMinutes(1),
          "how long (event time) an event_id is remembered; a retry later than this is counted again")
      .duration(PREFIX + "window-retention", Duration.ofDays(7), Duration.ofHours(1),
          "how long 1-minute windows stay queryable in the store")
      .duration(PREFIX + "idle-advance", Duration.ofMinutes(2), Duration.ofSeconds(1),
          "after this long (wall clock) without a record, a task moves its stream time to wall clock minus this, so "
          + "quiet partitions close their windows")
      .duration(PREFIX + "detail-emit-interval", Duration.ofSeconds(10), Duration.ofMillis(10),
          "how often the per team/workflow/model windows and ledger are brought up to date and published (their "
          + "final records, late usage and price corrections never wait)")
      .whole(PREFIX + "close-chunk", 500, 1, 1_000_000,
          "how many minute windows are finalised at a time when a minute closes (per record and per emit), so that "
          + "closing thousands of series' minutes does not hold up the live figures")
      .whole(PREFIX + "dedup-memory-ids", DEDUP_MEMORY_IDS, 1, 100_000_000,
          "how many of a task's latest event ids dedup holds in memory (32-64 bytes each); older ones are looked up "
          + "in RocksDB. After a crash a task restores about this many ids from its changelog");

  /** Dedup's memory of the default size. */
  public AggregationSettings(Duration grace, Duration liveEmitInterval, Duration dedupHorizon,
      ValidationSettings validation, Duration windowRetention, Duration idleAdvance, Duration seriesEmitInterval,
      int closeChunk) {
    this(grace, liveEmitInterval, dedupHorizon, validation, windowRetention, idleAdvance, seriesEmitInterval,
        closeChunk, DEDUP_MEMORY_IDS);
  }

  /** Series windows published at every live emit, as before they had a cadence of their own. */
  public AggregationSettings(Duration grace, Duration liveEmitInterval, Duration dedupHorizon,
      ValidationSettings validation, Duration windowRetention, Duration idleAdvance) {
    this(grace, liveEmitInterval, dedupHorizon, validation, windowRetention, idleAdvance, liveEmitInterval, 500);
  }

  /** Minutes closed in chunks of the default size. */
  public AggregationSettings(Duration grace, Duration liveEmitInterval, Duration dedupHorizon,
      ValidationSettings validation, Duration windowRetention, Duration idleAdvance, Duration seriesEmitInterval) {
    this(grace, liveEmitInterval, dedupHorizon, validation, windowRetention, idleAdvance, seriesEmitInterval, 500);
  }

  public static AggregationSettings defaults() {
    return from(Map.of());
  }

  public static AggregationSettings from(Map<String, ?> config) {
    return new AggregationSettings(
        CONFIG.duration(config, PREFIX + "grace"),
        CONFIG.duration(config, PREFIX + "live-emit-interval"),
        CONFIG.duration(config, PREFIX + "dedup-horizon"),
        ValidationSettings.from(config),
        CONFIG.duration(config, PREFIX + "window-retention"),
        CONFIG.duration(config, PREFIX + "idle-advance"),
        CONFIG.duration(config, PREFIX + "detail-emit-interval"),
        (int) CONFIG.whole(config, PREFIX + "close-chunk"),
        CONFIG.whole(config, PREFIX + "dedup-memory-ids"));
  }
}
