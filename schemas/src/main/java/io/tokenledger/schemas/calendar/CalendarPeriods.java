package io.tokenledger.schemas.calendar;

import io.tokenledger.schemas.BudgetPeriod;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * Calendar periods in a time zone, derived from event time: no reset job, so a period can
 * never fail to reset nor wipe spend that arrives around its boundary. Weeks start Monday.
 */
public final class CalendarPeriods {
  private CalendarPeriods() {}

  /** A period [start, end) and the local date it starts on (for ids people read). */
  public record Period(Instant start, Instant end, LocalDate firstDay) {}

  public static Period containing(BudgetPeriod period, ZoneId zone, Instant time) {
    LocalDate day = time.atZone(zone).toLocalDate();
    LocalDate first = switch (period) {
      case DAY -> day;
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
    };
    LocalDate next = switch (period) {
      case DAY -> first.plusDays(1);
      case WEEK -> first.plusWeeks(1);
      case MONTH -> first.plusMonths(1);
    };
    // atStartOfDay(zone) handles days that start at 01:00 because of a DST gap.
    return new Period(first.atStartOfDay(zone).toInstant(), next.atStartOfDay(zone).toInstant(), first);
  }
}
