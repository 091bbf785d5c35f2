package io.tokenledger.economics;


import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Tunables of the economics, from {@code tokenledger.economics.*} keys.
 *
 * @param zone the stated zone whose calendar days and months are kept besides UTC's
 * @param abandonAfter an item with no outcome this long after its last call counts as abandoned
 *     (a later outcome still corrects it)
 * @param retain how long after its last activity an item is remembered, so that a late outcome or
 *     correction meets it; afterwards its figures stay, the item is forgotten
 * @param checkInterval how often items past the horizon are looked for
 * @param emitInterval how often changed figures are published
 * @param minOutcomes no verdict or model advice on fewer decided items
 * @param marginBasisPoints a cheaper model may be at most this much worse in success rate, at 95%
 *     confidence, to be recommended (200: two percentage points)
 * @param validation the rules outcomes and usage are checked against, as at ingest
 * @param figuresRetention how long a day's or month's figures are kept after the period began;
 *     older ones are deleted from the store and tombstoned on the economics topic
 */
public record EconomicsSettings(ZoneId zone, Duration abandonAfter, Duration retain, Duration checkInterval,
    Duration emitInterval, long minOutcomes, long marginBasisPoints, ValidationSettings validation,
    Duration figuresRetention) {
  public static final String PREFIX = "tokenledger.economics.";
  /** UTC by its name, so keys and answers say "UTC" rather than "Z". */
  public static final ZoneId UTC = ZoneId.of("UTC");

  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("the economics")
      .zone(PREFIX + "zone", "UTC", "the calendar figures are kept in besides UTC (days and months)")
      .duration(PREFIX + "abandon-after", Duration.ofDays(3), Duration.ofMinutes(1),
          "how long after its last call an item with no outcome counts as abandoned")
      .duration(PREFIX + "retain", Duration.ofDays(35), Duration.ofMinutes(2),
          "how long an item is remembered, so that a late outcome corrects it (longer than abandon-after)")
      .duration(PREFIX + "check-interval", Duration.ofMinutes(1), Duration.ofMillis(10),
          "how often items past their deadline are timed out or forgotten")
      .duration(PREFIX + "emit-interval", Duration.ofSeconds(1), Duration.ofMillis(10),
          "how often changed figures are published")
      .whole(PREFIX + "min-outcomes", 30, 1, Long.MAX_VALUE,
          "outcomes a workflow needs before it gets a verdict or model advice")
      .whole(PREFIX + "right-sizing-margin-basis-points", 200, 0, 10_000,
          "how much (basis points of success rate) a cheaper model may lose and still be advised")
      .duration(PREFIX + "figures-retention", Duration.ofDays(400), Duration.ofDays(1),
          "how long a period's figures are kept (longer than retain)");

  public static EconomicsSettings defaults() {
    return from(Map.of());
  }

  public static EconomicsSettings from(Map<String, ?> config) {
    ZoneId zone = CONFIG.zone(config, PREFIX + "zone");
    EconomicsSettings settings = new EconomicsSettings(zone.getId().equals("UTC") ? UTC : zone,
        CONFIG.duration(config, PREFIX + "abandon-after"),
        CONFIG.duration(config, PREFIX + "retain"),
        CONFIG.duration(config, PREFIX + "check-interval"),
        CONFIG.duration(config, PREFIX + "emit-interval"),
        CONFIG.whole(config, PREFIX + "min-outcomes"),
        CONFIG.whole(config, PREFIX + "right-sizing-margin-basis-points"),
        ValidationSettings.from(config),
        CONFIG.duration(config, PREFIX + "figures-retention"));
    if (settings.figuresRetention.compareTo(settings.retain) <= 0) {
      throw new IllegalArgumentException(PREFIX + "figures-retention (" + settings.figuresRetention + ") must be "
          + "longer than " + PREFIX + "retain (" + settings.retain + "), or a remembered item's late outcome would "
          + "revive a forgotten period");
    }
    if (settings.retain.compareTo(settings.abandonAfter) <= 0) {
      throw new IllegalArgumentException(PREFIX + "retain (" + settings.retain + ") must be longer than "
          + PREFIX + "abandon-after (" + settings.abandonAfter + ")");
    }
    return settings;
  }

  /** UTC, and the stated zone when it is another. */
  public List<ZoneId> zones() {
    return zone.normalized().equals(ZoneOffset.UTC) ? List.of(UTC) : List.of(UTC, zone);
  }
}
