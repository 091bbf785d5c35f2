package io.tokenledger.alerting.admission;

import io.tokenledger.schemas.config.ConfigDeclaration;
import java.time.Duration;
import java.util.Map;

/**
 * Tunables of admission in the team's task, read from {@code tokenledger.admission.*} keys.
 *
 * @param callHold how long a call's reservation holds unless its usage settles it (the longest
 *     call, streaming included, plus the time its usage takes to be recorded and priced)
 * @param leaseTtl how long a caller may admit calls from a lease without asking again
 * @param leaseSharePercent the share of a budget's remaining headroom one lease takes: each
 *     lease leaves the rest to others, and near the limit no lease is worth one call
 * @param checkInterval how often expired reservations are released and budgets re-read
 */
public record AdmissionSettings(Duration callHold, Duration leaseTtl, int leaseSharePercent, Duration checkInterval) {
  public static final String PREFIX = "tokenledger.admission.";
  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("admission")
      .duration(PREFIX + "call-hold", Duration.ofMinutes(10), Duration.ofSeconds(1),
          "how long a call's reservation holds in the team's task unless the call's usage settles it first")
      .duration(PREFIX + "lease-ttl", Duration.ofSeconds(30), Duration.ZERO,
          "how long a caller may admit calls from a lease (headroom granted far from every limit) without asking; "
              + "0 grants no leases")
      .whole(PREFIX + "lease-share-percent", 10, 1, 100,
          "the share of a budget's remaining headroom one lease takes")
      .duration(PREFIX + "check-interval", Duration.ofSeconds(1), Duration.ofMillis(10),
          "how often expired reservations are released and budgets re-read");

  public static AdmissionSettings defaults() {
    return from(Map.of());
  }

  public static AdmissionSettings from(Map<String, ?> config) {
    return new AdmissionSettings(CONFIG.duration(config, PREFIX + "call-hold"),
        CONFIG.duration(config, PREFIX + "lease-ttl"), (int) CONFIG.whole(config, PREFIX + "lease-share-percent"),
        CONFIG.duration(config, PREFIX + "check-interval"));
  }
}
