package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.ledger.LedgerBuckets;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every aggregate the topology keeps: its scope and window size, the store that holds it and the
 * topic it is published to. The name makes the store's and sink's names, which a running
 * application's state and changelogs are found by, so it never changes: the (team, workflow,
 * model) series' aggregates keep the name they were first released with, {@code detail-*}.
 */
public enum Aggregate {
  SERIES_1M("detail-1m", Scope.SERIES, Duration.ofMinutes(1), false, t -> t.seriesAggregates1m),
  SERIES_1H("detail-1h", Scope.SERIES, Duration.ofHours(1), false, t -> t.seriesAggregates1h),
  SERIES_1D("detail-1d", Scope.SERIES, Duration.ofDays(1), false, t -> t.seriesAggregates1d),
  TEAM_1M("team-1m", Scope.TEAM, Duration.ofMinutes(1), false, t -> t.teamAggregates1m),
  TEAM_1H("team-1h", Scope.TEAM, Duration.ofHours(1), false, t -> t.teamAggregates1h),
  TEAM_1D("team-1d", Scope.TEAM, Duration.ofDays(1), false, t -> t.teamAggregates1d),
  MODEL_1M("model-1m", Scope.MODEL, Duration.ofMinutes(1), false, t -> t.modelAggregates1m),
  MODEL_1H("model-1h", Scope.MODEL, Duration.ofHours(1), false, t -> t.modelAggregates1h),
  MODEL_1D("model-1d", Scope.MODEL, Duration.ofDays(1), false, t -> t.modelAggregates1d),
  WORKFLOW_1M("workflow-1m", Scope.WORKFLOW, Duration.ofMinutes(1), false, t -> t.workflowAggregates1m),
  WORKFLOW_1H("workflow-1h", Scope.WORKFLOW, Duration.ofHours(1), false, t -> t.workflowAggregates1h),
  WORKFLOW_1D("workflow-1d", Scope.WORKFLOW, Duration.ofDays(1), false, t -> t.workflowAggregates1d),
  TEAM_LEDGER("team-ledger-15m", Scope.TEAM, LedgerBuckets.SIZE, true, t -> t.teamLedger15m),
  SERIES_LEDGER("detail-ledger-15m", Scope.SERIES, LedgerBuckets.SIZE, true, t -> t.seriesLedger15m);

  private final String aggregateName;
  private final Scope scope;
  private final Duration size;
  private final boolean ledger;
  private final Function<Topics, Topic<String, UsageAggregate>> topic;

  Aggregate(String name, Scope scope, Duration size, boolean ledger,
      Function<Topics, Topic<String, UsageAggregate>> topic) {
    this.aggregateName = name;
    this.scope = scope;
    this.size = size;
    this.ledger = ledger;
    this.topic = topic;
  }

  /** The aggregate's own name, e.g. {@code team-1h}. */
  public String aggregateName() {
    return aggregateName;
  }

  public Scope scope() {
    return scope;
  }

  public Duration size() {
    return size;
  }

  /** A period ledger: buckets that take late usage for as long as they are kept, never final. */
  public boolean ledger() {
    return ledger;
  }

  public String store() {
    return aggregateName + "-store";
  }

  public String sink() {
    return aggregateName + "-sink";
  }

  public Topic<String, UsageAggregate> topic(Topics topics) {
    return topic.apply(topics);
  }

  /** The windowed (not ledger) aggregate of a scope and size, if the topology keeps one. */
  public static Optional<Aggregate> windows(Scope scope, Duration size) {
    for (Aggregate a : values()) {
      if (!a.ledger && a.scope == scope && a.size.equals(size)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
