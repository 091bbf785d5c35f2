package io.tokenledger.pricing.capacity;

import io.tokenledger.schemas.ModelEconomics;
import io.tokenledger.schemas.WorkflowEconomics;
import java.util.List;
import java.util.Optional;

/**
 * What the economics counted of a workflow over a span (its MONTH figures, or its DAY figures
 * summed): finished and succeeded items, and the candidate model's where it ran as a variant.
 */
public record Outcomes(long finished, long succeeded, long candidateFinished, long candidateSucceeded, String unit) {
  /** None when the economics has no figures of it. */
  public static Optional<Outcomes> of(List<WorkflowEconomics> rows, String candidate) {
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    long finished = 0;
    long succeeded = 0;
    long cFinished = 0;
    long cSucceeded = 0;
    String unit = null;
    for (WorkflowEconomics e : rows) {
      finished += e.getItemsSucceeded() + e.getItemsFailed() + e.getItemsEscalated() + e.getItemsAbandoned();
      succeeded += e.getItemsSucceeded();
      unit = unit != null ? unit : e.getOutcomeUnit();
      for (ModelEconomics m : e.getModels()) {
        if (candidate.equals(m.getProvider() + "/" + m.getModel())) {
          cFinished += m.getItemsSucceeded() + m.getItemsFailed() + m.getItemsEscalated() + m.getItemsAbandoned();
          cSucceeded += m.getItemsSucceeded();
        }
      }
    }
    return Optional.of(new Outcomes(finished, succeeded, cFinished, cSucceeded, unit == null ? "outcome" : unit));
  }

  /** Counts made apart, added up. */
  public Outcomes plus(Outcomes other) {
    return new Outcomes(finished + other.finished, succeeded + other.succeeded, candidateFinished + other.candidateFinished,
        candidateSucceeded + other.candidateSucceeded, unit != null ? unit : other.unit);
  }

  /** The API side's cost per success: its cost over the successes counted, rounded once. */
  public Optional<Long> apiPerSuccess(long apiCostNanoUsd) {
    return BuildOrBuy.perSuccess(apiCostNanoUsd, 1, succeeded, 1);
  }

  /** The candidate's: the capacity's cost over the finished items at the candidate's measured success rate. */
  public Optional<Long> candidatePerSuccess(long capacityCostNanoUsd) {
    return BuildOrBuy.perSuccess(capacityCostNanoUsd, finished, candidateSucceeded, candidateFinished);
  }
}
