package io.tokenledger.aggregation.query;

import io.tokenledger.aggregation.window.Scope;
import io.tokenledger.schemas.topics.SeriesKey;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What can be asked for over HTTP: a scope and a window size, and the state store that holds
 * them. Store names follow {@code AggregationApp}: {@code <aggregate>-<size>-store}.
 */
public enum AggregateView {
  TEAM("team", Scope.TEAM, "team"),
  TEAM_WORKFLOW_MODEL("team-workflow-model", Scope.TEAM_WORKFLOW_MODEL, "detail"),
  MODEL("model", Scope.MODEL, "model"),
  WORKFLOW("workflow", Scope.WORKFLOW, "workflow");

  /** Window sizes by the name used in URLs and store names. */
  public static final Map<String, Duration> WINDOWS =
      Map.of("1m", Duration.ofMinutes(1), "1h", Duration.ofHours(1), "1d", Duration.ofDays(1));

  /** The period ledger: per team, 15-minute UTC buckets, late events included. */
  public static final String LEDGER_STORE = "team-ledger-15m-store";
  public static final String DETAIL_LEDGER_STORE = "detail-ledger-15m-store";

  final String urlName;
  final Scope scope;
  private final String aggregate;

  AggregateView(String urlName, Scope scope, String aggregate) {
    this.urlName = urlName;
    this.scope = scope;
    this.aggregate = aggregate;
  }

  public static AggregateView fromUrl(String name) {
    for (AggregateView view : values()) {
      if (view.urlName.equals(name.toLowerCase(Locale.ROOT))) {
        return view;
      }
    }
    throw new IllegalArgumentException("unknown scope '" + name + "': use team, team-workflow-model, model or workflow");
  }

  public String storeName(String window) {
    return aggregate + "-" + window + "-store";
  }

  /** Team-keyed stores live in the partition of the team (the usage topic's key). */
  public String routingKey(String key) {
    return this == TEAM_WORKFLOW_MODEL ? SeriesKey.teamOf(key) : key;
  }

  /** Only the finest window keeps current and propagated totals side by side. */
  boolean holdsFineTotals(String window) {
    return this == TEAM_WORKFLOW_MODEL && window.equals("1m");
  }
}
