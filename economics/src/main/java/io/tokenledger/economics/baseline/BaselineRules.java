package io.tokenledger.economics.baseline;

import io.tokenledger.schemas.HumanBaseline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes a human baseline usable. The economics applies these to every baseline it reads,
 * whoever wrote it; {@code tokenledger baselines set} applies the same before writing.
 */
public final class BaselineRules {
  /** More than a month of a person's time for one unit is taken for a unit mistake. */
  public static final long MAX_SECONDS_PER_UNIT = Duration.ofDays(30).toSeconds();
  /** A loaded cost above $10,000 an hour is taken for a unit mistake (a price per year, or per month). */
  public static final long MAX_NANO_USD_PER_HOUR = 10_000L * 1_000_000_000L;
  public static final int BASIS_POINTS = 10_000;

  private BaselineRules() {}

  /** Every problem of a baseline, each naming its field; empty when it can be used. */
  public static List<String> problems(HumanBaseline b) {
    List<String> problems = new ArrayList<>();
    name(problems, "workflow", b.getWorkflow());
    name(problems, "outcome_unit", b.getOutcomeUnit());
    if (b.getTeam() != null) {
      name(problems, "team", b.getTeam());
    }
    if (b.getSecondsPerUnit() <= 0 || b.getSecondsPerUnit() > MAX_SECONDS_PER_UNIT) {
      problems.add("seconds_per_unit must be between 1 and " + MAX_SECONDS_PER_UNIT + " (30 days), was "
          + b.getSecondsPerUnit());
    }
    if (b.getLoadedCostNanoUsdPerHour() <= 0 || b.getLoadedCostNanoUsdPerHour() > MAX_NANO_USD_PER_HOUR) {
      problems.add("loaded_cost_nano_usd_per_hour must be above 0 and at most $10,000/h, was "
          + b.getLoadedCostNanoUsdPerHour() + " nano-USD; is it a cost per hour?");
    }
    if (b.getSuccessRateBasisPoints() <= 0 || b.getSuccessRateBasisPoints() > BASIS_POINTS) {
      problems.add("success_rate_basis_points must be between 1 and 10,000 (0.01% to 100%), was "
          + b.getSuccessRateBasisPoints());
    }
    Long turnaround = b.getTurnaroundSecondsPerUnit();
    if (turnaround != null && (turnaround <= 0 || turnaround > 10 * MAX_SECONDS_PER_UNIT)) {
      problems.add("turnaround_seconds_per_unit must be between 1 and " + 10 * MAX_SECONDS_PER_UNIT
          + " (300 days), was " + turnaround);
    }
    Integer quality = b.getQualityScorePercent();
    if (quality != null && (quality < 0 || quality > 100)) {
      problems.add("quality_score_percent must be between 0 and 100, was " + quality);
    }
    if (b.getQualityLossAllowedPoints() < 0 || b.getQualityLossAllowedPoints() > 100) {
      problems.add("quality_loss_allowed_points must be between 0 and 100, was " + b.getQualityLossAllowedPoints());
    }
    if (b.getTimeLossAllowedPercent() < 0 || b.getTimeLossAllowedPercent() > 10_000) {
      problems.add("time_loss_allowed_percent must be between 0 and 10,000, was " + b.getTimeLossAllowedPercent());
    }
    if (b.getEffectiveFrom() == null || b.getEffectiveFrom().toEpochMilli() <= 0) {
      problems.add("effective_from must be a positive UTC time");
    }
    if (b.getSetBy() == null || b.getSetBy().isBlank()) {
      problems.add("set_by is required (who set this version)");
    }
    if (b.getSource() == null || b.getSource().isBlank()) {
      problems.add("source is required (the evidence: a time study, a report)");
    }
    return problems;
  }

  /** The baseline, or an exception listing every problem. */
  public static HumanBaseline checked(HumanBaseline baseline) {
    List<String> problems = problems(baseline);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return baseline;
  }

  /** Names join into keys with '|' and '@'; they may contain neither. */
  private static void name(List<String> problems, String field, String value) {
    if (value == null || value.isBlank()) {
      problems.add(field + " is required");
    } else if (value.indexOf('|') >= 0 || value.indexOf('@') >= 0) {
      problems.add(field + " must not contain '|' or '@' (they separate the parts of baseline keys)");
    }
  }
}
