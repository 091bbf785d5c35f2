package io.tokenledger.ops.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Times as operators type them: a date (UTC midnight) or an ISO-8601 instant. */
public final class Times {
  private Times() {}

  public static Instant instant(String value, String option) {
    try {
      return value.contains("T") ? Instant.parse(value) : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + " must be a date such as 2026-11-01 or an ISO instant such as "
          + "2026-11-01T00:00:00Z, not '" + value + "'");
    }
  }
}
