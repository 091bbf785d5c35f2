package io.tokenledger.pricing.plan;

import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A calendar quarter in UTC, written {@code YYYY-Qn}: Q1 is January to March. */
public record Quarter(int year, int number) {
  private static final Pattern TEXT = Pattern.compile("(\\d{4})-Q([1-4])");

  public Quarter {
    if (number < 1 || number > 4) {
      throw new IllegalArgumentException("a quarter is 1 to 4, not " + number);
    }
  }

  public static Quarter parse(String text) {
    Matcher m = TEXT.matcher(text == null ? "" : text.strip().toUpperCase(java.util.Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("a quarter is written YYYY-Qn, e.g. 2027-Q1, not '" + text + "'");
    }
    return new Quarter(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  public static Quarter of(LocalDate day) {
    return new Quarter(day.getYear(), (day.getMonthValue() - 1) / 3 + 1);
  }

  /** Its first day. */
  public LocalDate start() {
    return LocalDate.of(year, (number - 1) * 3 + 1, 1);
  }

  /** The day after its last. */
  public LocalDate end() {
    return start().plusMonths(3);
  }

  @Override
  public String toString() {
    return year + "-Q" + number;
  }
}
