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

  /**
   * The first and last possible key of one calendar period (every workflow and team of it), for
   * a range scan: the key starts with {@code period|zone|first_day|}, and no key of the period
   * sorts after the same prefix ending in '}' (the character after '|'), in bytes as in chars.
   */
  public static String[] rangeOf(EconomicsPeriod period, ZoneId zone, LocalDate firstDay) {
    String prefix = period + "|" + zone.getId() + "|" + firstDay;
    return new String[] {prefix + "|", prefix + "}"};
  }

  /** The keys of every period of one kind and zone that began before {@code firstDay}, for expiry. */
  public static String[] before(EconomicsPeriod period, ZoneId zone, LocalDate firstDay) {
    return new String[] {period + "|" + zone.getId() + "|", period + "|" + zone.getId() + "|" + firstDay};
  }

  @Override
  public String toString() {
    return period + "|" + zone.getId() + "|" + firstDay + "|" + workflow + "|" + (team == null ? ALL_TEAMS : team);
  }
}
