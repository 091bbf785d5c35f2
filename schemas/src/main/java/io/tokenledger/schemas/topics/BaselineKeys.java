package io.tokenledger.schemas.topics;

import io.tokenledger.schemas.HumanBaseline;

/**
 * The key of a human-baseline version on its compacted topic: {@code workflow|team|unit@effective_from},
 * with {@code *} for a baseline of every team. One key per version, so the history stays.
 */
public final class BaselineKeys {
  private BaselineKeys() {}

  public static String of(HumanBaseline baseline) {
    return baseline.getWorkflow() + '|' + (baseline.getTeam() == null ? "*" : baseline.getTeam()) + '|'
        + baseline.getOutcomeUnit() + '@' + baseline.getEffectiveFrom();
  }
}
