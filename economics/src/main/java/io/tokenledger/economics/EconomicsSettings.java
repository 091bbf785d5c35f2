package io.tokenledger.economics;

import static io.tokenledger.schemas.config.ConfigValues.duration;
import static io.tokenledger.schemas.config.ConfigValues.longValue;

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

  public static EconomicsSettings defaults() {
    return from(Map.of());
  }

  public static EconomicsSettings from(Map<String, ?> config) {
    Object zone = config.get(PREFIX + "zone");
    EconomicsSettings settings = new EconomicsSettings(zone == null ? UTC : ZoneId.of(zone.toString()),
        duration(config, PREFIX + "abandon-after", Duration.ofDays(3)),
        duration(config, PREFIX + "retain", Duration.ofDays(35)),
        duration(config, PREFIX + "check-interval", Duration.ofMinutes(1)),
        duration(config, PREFIX + "emit-interval", Duration.ofSeconds(1)),
        longValue(config, PREFIX + "min-outcomes", 30),
        longValue(config, PREFIX + "right-sizing-margin-basis-points", 200),
        ValidationSettings.from(config),
        duration(config, PREFIX + "figures-retention", Duration.ofDays(400)));
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
