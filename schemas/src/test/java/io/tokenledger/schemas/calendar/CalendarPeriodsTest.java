package io.tokenledger.schemas.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.BudgetPeriod;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CalendarPeriodsTest {
  @Test
  void aDayThatStartsAtOneInTheMorningBecauseOfADstGapIs23HoursLong() {
    // Sao Paulo moved its clocks from 00:00 to 01:00 on 2018-11-04: that day starts at 01:00 -02:00.
    ZoneId saoPaulo = ZoneId.of("America/Sao_Paulo");
    CalendarPeriods.Period day = CalendarPeriods.containing(BudgetPeriod.DAY, saoPaulo,
        Instant.parse("2018-11-04T12:00:00Z"));
    assertEquals(Instant.parse("2018-11-04T03:00:00Z"), day.start());
    assertEquals(Instant.parse("2018-11-05T02:00:00Z"), day.end());
    assertEquals(Duration.ofHours(23), Duration.between(day.start(), day.end()));
    assertEquals(LocalDate.parse("2018-11-04"), day.firstDay());
    // The last moment of the day before belongs to the day before.
    assertEquals(LocalDate.parse("2018-11-03"), CalendarPeriods.containing(BudgetPeriod.DAY, saoPaulo,
        Instant.parse("2018-11-04T02:59:59.999Z")).firstDay());
  }

  @Test
  void aWeekStartsOnMondayAndIsAnHourShorterWhenClocksGoForward() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // Sunday 2026-03-29: clocks go from 02:00 to 03:00 in Berlin.
    CalendarPeriods.Period week = CalendarPeriods.containing(BudgetPeriod.WEEK, berlin,
        Instant.parse("2026-03-29T12:00:00Z"));
    assertEquals(LocalDate.parse("2026-03-23"), week.firstDay());
    assertEquals(Instant.parse("2026-03-22T23:00:00Z"), week.start(), "Monday 00:00 CET");
    assertEquals(Instant.parse("2026-03-29T22:00:00Z"), week.end(), "the next Monday 00:00 CEST");
    assertEquals(Duration.ofHours(167), Duration.between(week.start(), week.end()));
    // Sunday 23:59 local is still this week; Monday 00:00 local is the next.
    assertEquals(LocalDate.parse("2026-03-23"), CalendarPeriods.containing(BudgetPeriod.WEEK, berlin,
        Instant.parse("2026-03-29T21:59:59Z")).firstDay());
    assertEquals(LocalDate.parse("2026-03-30"), CalendarPeriods.containing(BudgetPeriod.WEEK, berlin,
        Instant.parse("2026-03-29T22:00:00Z")).firstDay());
  }
}
