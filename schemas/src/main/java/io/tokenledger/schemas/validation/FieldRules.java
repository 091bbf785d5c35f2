package io.tokenledger.schemas.validation;

import java.util.List;

/** Field rules every record type shares: required names and ids, and the key separator. */
final class FieldRules {
  private FieldRules() {}

  static void name(List<Violation> out, String field, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      out.add(new Violation(field, "is required and must not be blank"));
    } else if (value.length() > maxLength) {
      out.add(new Violation(field, "is " + value.length() + " characters, longer than " + maxLength));
    }
  }

  /** '|' joins team, workflow and model in aggregate keys, so it cannot be part of the first two. */
  static void noSeparator(List<Violation> out, String field, String value) {
    if (value != null && value.indexOf('|') >= 0) {
      out.add(new Violation(field, "must not contain '|' (it separates the parts of aggregate keys)"));
    }
  }

  static void futureSkew(List<Violation> out, java.time.Instant time, long referenceMillis, long maxSkewMillis) {
    if (time != null && time.toEpochMilli() > referenceMillis + maxSkewMillis) {
      out.add(new Violation("event_time", time + " is more than " + java.time.Duration.ofMillis(maxSkewMillis)
          + " after " + java.time.Instant.ofEpochMilli(referenceMillis) + "; event times must not be in the future "
          + "(check the clock, or raise " + ValidationSettings.PREFIX + "max-future-skew)"));
    }
  }
}
