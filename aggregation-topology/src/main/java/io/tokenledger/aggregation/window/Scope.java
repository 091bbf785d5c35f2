package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
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
  /** Per team, workflow, provider, model and service tier. Key: {@code team|workflow|provider/model} ({@link SeriesKey}). */
  SERIES {
    @Override
    String keyOf(SeriesKey series) {
      return series.toString();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      SeriesKey series = SeriesKey.parse(key);
      aggregate.setTeam(series.team()).setWorkflow(series.workflow()).setProvider(series.provider())
          .setModel(series.model()).setServiceTier(series.serviceTier());
    }
  },
  /** Per provider and model, across teams. Key: {@code provider/model} ({@link ProviderModel}). */
  MODEL {
    @Override
    String keyOf(SeriesKey series) {
      return series.providerModel().toString();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      ProviderModel model = ProviderModel.parse(key);
      aggregate.setProvider(model.provider()).setModel(model.model()).setServiceTier(model.serviceTier());
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
