package io.tokenledger.economics.figures;

import io.tokenledger.schemas.EconomicsPeriod;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Which figures: a workflow, or one team's share of it ({@code team} null: every team), in one
 * calendar day or month of a zone. Written {@code period|zone|first_day|workflow|team or *}, the
 * key of the economics topic and store; team and workflow never contain '|' (the validators
 * refuse it), nor do zone ids.
 */
public record EconomicsKey(EconomicsPeriod period, ZoneId zone, LocalDate firstDay, String workflow, String team) {
  private static final String ALL_TEAMS = "*";

  public static EconomicsKey parse(String key) {
    String[] parts = key.split("\\|", -1);
    if (parts.length != 5) {
      throw new IllegalArgumentException("Not a period|zone|first_day|workflow|team key: '" + key + "'");
    }
    return new EconomicsKey(EconomicsPeriod.valueOf(parts[0]), ZoneId.of(parts[1]), LocalDate.parse(parts[2]),
        parts[3], ALL_TEAMS.equals(parts[4]) ? null : parts[4]);
  }

  @Override
  public String toString() {
    return period + "|" + zone.getId() + "|" + firstDay + "|" + workflow + "|" + (team == null ? ALL_TEAMS : team);
  }
}
