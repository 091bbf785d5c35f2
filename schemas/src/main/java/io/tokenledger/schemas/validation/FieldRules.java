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
    } else {
      printable(out, field, value);
    }
  }

  /** An optional name or id: when present, no longer than a name and printable. */
  static void optionalName(List<Violation> out, String field, String value, int maxLength) {
    if (value != null && value.length() > maxLength) {
      out.add(new Violation(field, "is " + value.length() + " characters, longer than " + maxLength));
    } else if (value != null) {
      printable(out, field, value);
    }
  }

  /**
   * Names travel into CSV and Parquet exports, JSON, Slack messages and log lines: a control
   * character (NUL, CR, LF, tab, ESC, DEL, C1, line and paragraph separators) would split or
   * shift them, so none is accepted.
   */
  static void printable(List<Violation> out, String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (isControl(c)) {
        out.add(new Violation(field, String.format("contains the control character U+%04X at position %d; names "
            + "and ids must be printable", (int) c, i)));
        return;
      }
    }
  }

  static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
  }

  /** '|' joins team, workflow and model in aggregate keys, so it cannot be part of the first two. */
  static void noSeparator(List<Violation> out, String field, String value) {
    if (value != null && value.indexOf('|') >= 0) {
      out.add(new Violation(field, "must not contain '|' (it separates the parts of aggregate keys)"));
    }
  }

  /**
   * A provider comes before the service tier and the model in {@code provider:tier/model} keys, and
   * a model may contain '/' (OpenRouter's {@code anthropic/claude-3.5-sonnet}), so a provider has
   * none of the separators.
   */
  static void providerName(List<Violation> out, String field, String value) {
    if (value != null && (value.indexOf('|') >= 0 || value.indexOf('/') >= 0 || value.indexOf(':') >= 0)) {
      out.add(new Violation(field, "must not contain '/', '|' or ':' (they separate provider, service tier and model in "
          + "keys); a route "
          + "or region belongs in the model, e.g. provider 'openrouter', model 'anthropic/claude-3.5-sonnet'"));
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
