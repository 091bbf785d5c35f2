package io.tokenledger.schemas.models;

import java.util.Locale;
import java.util.Set;

/**
 * A provider's service tier as figures key it: lower case, and null for the standard tier,
 * whatever the provider calls it (OpenAI reports {@code default}, Anthropic {@code standard}, a
 * request may ask for {@code auto}).
 */
public final class ServiceTiers {
  private static final Set<String> STANDARD = Set.of("", "default", "standard", "auto", "on_demand");

  private ServiceTiers() {}

  /** The tier a usage event records: null for the standard tier. */
  public static String normalise(String reported) {
    if (reported == null) {
      return null;
    }
    String tier = reported.strip().toLowerCase(Locale.ROOT);
    return STANDARD.contains(tier) ? null : tier;
  }
}
