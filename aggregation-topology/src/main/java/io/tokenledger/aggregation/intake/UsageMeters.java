package io.tokenledger.aggregation.intake;

import io.micrometer.core.instrument.Counter;
import io.tokenledger.platform.metrics.ServiceMeters;

/**
 * What the aggregation does with usage events, as SREs watch it:
 * {@code tokenledger_usage_events_total{outcome=...}}. Counts are of processing, so a task that
 * restarts after a crash may count an event again; the figures themselves are exactly-once.
 */
public final class UsageMeters {
  private static final String NAME = "tokenledger.usage.events";

  public static final Counter ACCEPTED = counter("accepted", "Valid events that entered the pipeline");
  public static final Counter DUPLICATE = counter("duplicate", "Events dropped as a repeat of an event id seen");
  public static final Counter UNPRICED = counter("unpriced", "Events of a model with no price in force");
  public static final Counter LATE = counter("late", "Events after their minute window was final (ledgers only)");
  public static final Counter COUNTED = counter("counted", "Events added to the windowed aggregates");

  private UsageMeters() {}

  private static Counter counter(String outcome, String description) {
    return ServiceMeters.counter(NAME, description, "outcome", outcome);
  }
}
