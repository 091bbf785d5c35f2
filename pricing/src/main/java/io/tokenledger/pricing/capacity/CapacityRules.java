package io.tokenledger.pricing.capacity;

import io.tokenledger.schemas.CapacityPool;
import io.tokenledger.schemas.Commitment;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** What makes a pool version or an agreement usable; the CLI refuses the rest with these reasons. */
public final class CapacityRules {
  private CapacityRules() {}

  public static List<String> problems(CapacityPool pool) {
    List<String> problems = new ArrayList<>();
    if ((pool.getHourlyCostNanoUsd() == null) == (pool.getMonthlyCostNanoUsd() == null)) {
      problems.add("give either an hourly cost per unit or a monthly cost, not " + (pool.getHourlyCostNanoUsd() == null
          ? "neither" : "both"));
    }
    if (pool.getHourlyCostNanoUsd() != null && pool.getHourlyCostNanoUsd() < 0
        || pool.getMonthlyCostNanoUsd() != null && pool.getMonthlyCostNanoUsd() < 0) {
      problems.add("a cost cannot be negative");
    }
    if (pool.getUnits() < 0) {
      problems.add("units cannot be negative (0 ends the pool)");
    }
    if (pool.getServes().isEmpty() && pool.getUnits() > 0) {
      problems.add("name the models it serves, each provider/model (e.g. selfhosted/llama-3.1-8b)");
    }
    pool.getServes().stream().map(CharSequence::toString).filter(s -> s.indexOf('/') <= 0 || s.endsWith("/"))
        .forEach(s -> problems.add("'" + s + "' is not provider/model"));
    if (pool.getCapacityTokensPerSecond() != null && pool.getCapacityTokensPerSecond() <= 0) {
      problems.add("a capacity must be positive (leave it out when not known)");
    }
    if (pool.getOutputTokenWeight() < 1) {
      problems.add("the output token weight is at least 1");
    }
    return problems;
  }

  public static List<String> problems(Commitment commitment) {
    List<String> problems = new ArrayList<>();
    if (commitment.getAmountNanoUsd() <= 0) {
      problems.add("the committed amount must be positive");
    }
    if (commitment.getDiscountBasisPoints() < 0 || commitment.getDiscountBasisPoints() >= 10_000) {
      problems.add("the discount is from 0% up to (not including) 100%");
    }
    if (commitment.getPeriodMonths() < 1) {
      problems.add("the period is at least one month");
    } else if (commitment.getTermMonths() < commitment.getPeriodMonths()
        || commitment.getTermMonths() % commitment.getPeriodMonths() != 0) {
      problems.add("the term (" + commitment.getTermMonths() + " months) must be a whole number of periods of "
          + commitment.getPeriodMonths() + " months");
    }
    var start = commitment.getStart().atZone(ZoneOffset.UTC);
    if (start.getDayOfMonth() != 1 || start.toLocalTime().toSecondOfDay() != 0) {
      problems.add("an agreement starts on the first of a month (UTC), not " + commitment.getStart());
    }
    return problems;
  }
}
