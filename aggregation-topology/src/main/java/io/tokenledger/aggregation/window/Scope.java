package io.tokenledger.aggregation.window;

import io.tokenledger.aggregation.pricing.PricedUsage;
import io.tokenledger.schemas.UsageAggregate;

/** What an aggregate is kept per: its key, and how the key reads back into the published record. */
public enum Scope {
  /** Per team. Key: the team. */
  TEAM {
    @Override
    String key(PricedUsage usage) {
      return usage.event().getTeam();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      aggregate.setTeam(key);
    }
  },
  /** Per team, workflow and normalised model. Key: {@code team|workflow|model}. */
  TEAM_WORKFLOW_MODEL {
    @Override
    String key(PricedUsage usage) {
      return usage.event().getTeam() + '|' + usage.event().getWorkflow() + '|' + usage.model();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      String[] parts = key.split("\\|", 3); // team and workflow never contain '|' (validated)
      aggregate.setTeam(parts[0]).setWorkflow(parts[1]).setModel(parts[2]);
    }
  },
  /** Per normalised model, across teams. Key: the model. */
  MODEL {
    @Override
    String key(PricedUsage usage) {
      return usage.model();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      aggregate.setModel(key);
    }
  },
  /** Per workflow, across teams. Key: the workflow. */
  WORKFLOW {
    @Override
    String key(PricedUsage usage) {
      return usage.event().getWorkflow();
    }

    @Override
    public void describe(String key, UsageAggregate.Builder aggregate) {
      aggregate.setWorkflow(key);
    }
  };

  abstract String key(PricedUsage usage);

  public abstract void describe(String key, UsageAggregate.Builder aggregate);
}
