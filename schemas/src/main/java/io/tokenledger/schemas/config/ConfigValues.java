package io.tokenledger.schemas.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Reads typed values from a flat configuration map, with messages that name the key. */
public final class ConfigValues {
  private ConfigValues() {}

  public static Duration duration(Map<String, ?> config, String key, Duration fallback) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return parseDuration(value.toString());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + "=" + value + " is not a duration: use e.g. 500ms, 30s, 5m, 24h, 7d or PT30S", e);
    }
  }

  public static long longValue(Map<String, ?> config, String key, long fallback) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value.toString().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + value + " is not a whole number", e);
    }
  }

  public static double doubleValue(Map<String, ?> config, String key, double fallback) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value.toString().strip());
      if (!Double.isFinite(parsed)) {
        throw new NumberFormatException("not finite");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + value + " is not a number", e);
    }
  }

  /** ISO-8601 ("PT30S") or a whole number with a unit: ms, s, m, h, d. */
  public static Duration parseDuration(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    if (value.startsWith("p")) {
      return Duration.parse(value.toUpperCase(Locale.ROOT));
    }
    if (value.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
    }
    long amount = Long.parseLong(value.substring(0, value.length() - 1));
    return switch (value.charAt(value.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException("unknown unit in '" + text + "'");
    };
  }
}
