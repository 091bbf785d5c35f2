package io.tokenledger.aggregation.query;

import io.tokenledger.aggregation.window.Aggregate;
import io.tokenledger.aggregation.window.Scope;
import io.tokenledger.schemas.topics.SeriesKey;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** What can be asked for over HTTP: a scope and a window size, and the aggregate that holds them. */
public enum AggregateView {
  TEAM("team", Scope.TEAM),
  SERIES("team-workflow-model", Scope.SERIES),
  MODEL("model", Scope.MODEL),
  WORKFLOW("workflow", Scope.WORKFLOW);

  /** Window sizes by the name used in URLs and store names. */
  public static final Map<String, Duration> WINDOWS =
      Map.of("1m", Duration.ofMinutes(1), "1h", Duration.ofHours(1), "1d", Duration.ofDays(1));

  final String urlName;
  final Scope scope;

  AggregateView(String urlName, Scope scope) {
    this.urlName = urlName;
    this.scope = scope;
  }

  public static AggregateView fromUrl(String name) {
    for (AggregateView view : values()) {
      if (view.urlName.equals(name.toLowerCase(Locale.ROOT))) {
        return view;
      }
    }
    throw new IllegalArgumentException("unknown scope '" + name + "': use team, team-workflow-model, model or workflow");
  }

  /** The store of this scope's windows of a size named as in URLs ({@link #WINDOWS}). */
  public String storeName(String window) {
    return Aggregate.windows(scope, WINDOWS.get(window)).orElseThrow(() -> new IllegalArgumentException(
        "no " + window + " windows of scope " + urlName)).store();
  }

  /** Team-keyed stores live in the partition of the team (the usage topic's key). */
  public String routingKey(String key) {
    return this == SERIES ? SeriesKey.teamOf(key) : key;
  }

  /** The provider a key of this view names, if the view has one (empty also for a key kept before providers were). */
  java.util.Optional<String> providerOf(String key) {
    return switch (this) {
      case SERIES -> java.util.Optional.ofNullable(SeriesKey.parse(key).provider());
      case MODEL -> java.util.Optional.ofNullable(io.tokenledger.schemas.models.ProviderModel.parse(key).provider());
      default -> java.util.Optional.empty();
    };
  }

  /** Only the finest window keeps current and propagated totals side by side. */
  boolean holdsFineTotals(String window) {
    return this == SERIES && window.equals("1m");
  }
}
