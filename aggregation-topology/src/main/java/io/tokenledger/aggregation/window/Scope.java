package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.SeriesKey;

/** What an aggregate is kept per: its key, and how the key reads back into the published record. */
public enum Scope {
  /** Per team. Key: the team. */
  TEAM {
    @Override
    String keyOf(SeriesKey series) {
      return series.team();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      aggregate.setTeam(key);
    }
  },
  /** Per team, workflow and normalised model. Key: {@code team|workflow|model}. */
  SERIES {
    @Override
    String keyOf(SeriesKey series) {
      return series.toString();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      SeriesKey series = SeriesKey.parse(key);
      aggregate.setTeam(series.team()).setWorkflow(series.workflow()).setModel(series.model());
    }
  },
  /** Per normalised model, across teams. Key: the model. */
  MODEL {
    @Override
    String keyOf(SeriesKey series) {
      return series.model();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      aggregate.setModel(key);
    }
  },
  /** Per workflow, across teams. Key: the workflow. */
  WORKFLOW {
    @Override
    String keyOf(SeriesKey series) {
      return series.workflow();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      aggregate.setWorkflow(key);
    }
  };

  /** This scope's key for a series' figures. */
  abstract String keyOf(SeriesKey series);

  public abstract void describe(String key, UsageAggregate.Builder aggregate);
}
