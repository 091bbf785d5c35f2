package io.tokenledger.schemas.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code tokenledger.*} keys one part of tokenledger reads, each declared once with its type,
 * default, range and meaning, and read only through here: the default a reader gets, the range
 * it is checked against and the configuration reference people read are the same declaration.
 * A value out of range is an error naming the key, the value and the range, at start-up.
 */
public final class ConfigDeclaration {
  /** How a value is written. */
  public enum Type {
    DURATION("duration (500ms, 30s, 5m, 24h, 7d, PT30S)"), WHOLE("whole number"), DECIMAL("number"), TEXT("text"),
    LIST("comma-separated list"), ZONE("time zone (UTC, Europe/Berlin)"), CHOICE("one of");

    private final String written;

    Type(String written) {
      this.written = written;
    }

    public String written() {
      return written;
    }
  }

  /** One declared key; {@code name} is a pattern such as {@code tokenledger.topic.<name>.partitions} when {@code matcher} is set. */
  public record Key(String name, Type type, String defaultValue, String range, String doc, Pattern matcher) {
    public boolean matches(String key) {
      return matcher == null ? name.equals(key) : matcher.matcher(key).matches();
    }
  }

  private final String owner;
  private final Map<String, Key> keys = new LinkedHashMap<>();
  private final Map<String, Duration> minDurations = new LinkedHashMap<>();
  private final Map<String, long[]> wholeRanges = new LinkedHashMap<>();
  private final Map<String, double[]> decimalRanges = new LinkedHashMap<>();

  /** @param owner what reads these keys, as the reference names it ("the aggregation") */
  public ConfigDeclaration(String owner) {
    this.owner = owner;
  }

  public String owner() {
    return owner;
  }

  public List<Key> keys() {
    return Collections.unmodifiableList(new ArrayList<>(keys.values()));
  }

  public boolean declares(String key) {
    return keys.values().stream().anyMatch(k -> k.matches(key));
  }

  public ConfigDeclaration duration(String name, Duration defaultValue, Duration min, String doc) {
    minDurations.put(name, min);
    return add(new Key(name, Type.DURATION, text(defaultValue), "at least " + text(min), doc, null));
  }

  public ConfigDeclaration whole(String name, long defaultValue, long min, long max, String doc) {
    wholeRanges.put(name, new long[] {min, max});
    String range = max == Long.MAX_VALUE ? "at least " + min : min + " to " + max;
    return add(new Key(name, Type.WHOLE, Long.toString(defaultValue), range, doc, null));
  }

  /** A number above {@code above} (exclusive) or from {@code atLeast} (inclusive): give one, the other NaN. */
  public ConfigDeclaration decimal(String name, double defaultValue, double above, double atLeast, String doc) {
    decimalRanges.put(name, new double[] {above, atLeast});
    String range = Double.isNaN(above) ? "at least " + plain(atLeast) : "above " + plain(above);
    return add(new Key(name, Type.DECIMAL, plain(defaultValue), range, doc, null));
  }

  public ConfigDeclaration text(String name, String defaultValue, String doc) {
    return add(new Key(name, Type.TEXT, defaultValue, "", doc, null));
  }

  public ConfigDeclaration list(String name, String defaultValue, String doc) {
    return add(new Key(name, Type.LIST, defaultValue, "", doc, null));
  }

  public ConfigDeclaration zone(String name, String defaultValue, String doc) {
    return add(new Key(name, Type.ZONE, defaultValue, "an IANA zone id", doc, null));
  }

  public ConfigDeclaration choice(String name, String defaultValue, List<String> choices, String doc) {
    return add(new Key(name, Type.CHOICE, defaultValue, String.join(", ", choices), doc, null));
  }

  /** Keys of one shape, e.g. {@code tokenledger.topic.<name>.partitions} for {@code tokenledger\.topic\..+\.partitions}. */
  public ConfigDeclaration pattern(String shown, String regex, Type type, String defaultValue, String doc) {
    return add(new Key(shown, type, defaultValue, "", doc, Pattern.compile(regex)));
  }

  private ConfigDeclaration add(Key key) {
    if (keys.put(key.name(), key) != null) {
      throw new IllegalStateException(key.name() + " is declared twice by " + owner);
    }
    return this;
  }

  public Duration duration(Map<String, ?> config, String name) {
    Key key = declared(name, Type.DURATION);
    Duration value = ConfigValues.duration(config, name, ConfigValues.parseDuration(key.defaultValue()));
    if (value.compareTo(minDurations.get(name)) < 0) {
      throw outOfRange(key, text(value));
    }
    return value;
  }

  public long whole(Map<String, ?> config, String name) {
    Key key = declared(name, Type.WHOLE);
    long value = ConfigValues.longValue(config, name, Long.parseLong(key.defaultValue()));
    long[] range = wholeRanges.get(name);
    if (value < range[0] || value > range[1]) {
      throw outOfRange(key, Long.toString(value));
    }
    return value;
  }

  public double decimal(Map<String, ?> config, String name) {
    Key key = declared(name, Type.DECIMAL);
    double value = ConfigValues.doubleValue(config, name, Double.parseDouble(key.defaultValue()));
    double[] range = decimalRanges.get(name);
    if (Double.isNaN(range[0]) ? value < range[1] : value <= range[0]) {
      throw outOfRange(key, plain(value));
    }
    return value;
  }

  /** The value as written, stripped; the default when absent or blank. */
  public String text(Map<String, ?> config, String name) {
    Key key = keys.get(name);
    if (key == null || key.matcher() != null) {
      throw new IllegalStateException(name + " is not declared by " + owner);
    }
    Object value = config.get(name);
    return value == null || value.toString().isBlank() ? key.defaultValue() : value.toString().strip();
  }

  public List<String> list(Map<String, ?> config, String name) {
    return java.util.Arrays.stream(text(config, name).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  public ZoneId zone(Map<String, ?> config, String name) {
    String value = text(config, name);
    try {
      return ZoneId.of(value);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException(name + "=" + value + " is not a time zone: use an IANA id such as UTC or "
          + "Europe/Berlin", e);
    }
  }

  /** The choice as written, upper-cased for an enum's {@code valueOf}. */
  public String choice(Map<String, ?> config, String name) {
    Key key = declared(name, Type.CHOICE);
    String value = text(config, name).toLowerCase(Locale.ROOT);
    if (!List.of(key.range().split(", ")).contains(value)) {
      throw outOfRange(key, value);
    }
    return value.toUpperCase(Locale.ROOT);
  }

  private Key declared(String name, Type type) {
    Key key = keys.get(name);
    if (key == null || key.type() != type) {
      throw new IllegalStateException(name + " is not declared as a " + type + " by " + owner);
    }
    return key;
  }

  private static IllegalArgumentException outOfRange(Key key, String value) {
    return new IllegalArgumentException(key.name() + "=" + value + " is out of range: it must be " + key.range()
        + " (" + key.doc() + ")");
  }

  private static String text(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000L == 0 && ms != 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0 && ms != 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0 && ms != 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1_000L == 0) {
      return ms / 1_000L + "s";
    }
    return ms + "ms";
  }

  private static String plain(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) + ".0" : Double.toString(d);
  }
}
