package io.tokenledger.aggregation;

import static io.tokenledger.schemas.config.ConfigValues.duration;

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
 * @param detailEmitInterval how often running totals of the per team/workflow/model windows
 *     (1m, 1h, 1d) are published: there are as many of them as series, so publishing them at
 *     every live emit made more output than input; queries read the stores and are
 *     fresher. Team, cross-team and ledger figures keep the live emit interval.
 */
public record AggregationSettings(Duration grace, Duration liveEmitInterval, Duration dedupHorizon,
    ValidationSettings validation, Duration windowRetention, Duration idleAdvance, Duration detailEmitInterval) {

  public static final String PREFIX = "tokenledger.aggregation.";

  /** Detail windows published at every live emit, as before the detail cadence existed. */
  public AggregationSettings(Duration grace, Duration liveEmitInterval, Duration dedupHorizon,
      ValidationSettings validation, Duration windowRetention, Duration idleAdvance) {
    this(grace, liveEmitInterval, dedupHorizon, validation, windowRetention, idleAdvance, liveEmitInterval);
  }

  public static AggregationSettings defaults() {
    return from(Map.of());
  }

  public static AggregationSettings from(Map<String, ?> config) {
    return new AggregationSettings(
        duration(config, PREFIX + "grace", Duration.ofMinutes(1)),
        duration(config, PREFIX + "live-emit-interval", Duration.ofSeconds(1)),
        duration(config, PREFIX + "dedup-horizon", Duration.ofHours(24)),
        ValidationSettings.from(config),
        duration(config, PREFIX + "window-retention", Duration.ofDays(7)),
        duration(config, PREFIX + "idle-advance", Duration.ofMinutes(2)),
        duration(config, PREFIX + "detail-emit-interval", Duration.ofSeconds(10)));
  }
}
