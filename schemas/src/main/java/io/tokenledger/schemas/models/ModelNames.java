package io.tokenledger.schemas.models;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Maps a model name as a provider reports it to the name a price is listed under, and that
 * per-model figures and budgets are kept under: one rule for pricing, aggregates and alerting.
 *
 * <p>Rules, in order: lower-case and trim; drop a provider prefix ({@code openai/gpt-4o},
 * {@code models/gemini-2.5-flash}); drop a Vertex-style version suffix ({@code @20241022});
 * drop a date-stamped snapshot suffix ({@code -2024-08-06}, {@code -20241022}). The price
 * book looks up the exact reported name first, so a snapshot with its own price wins over
 * its family.
 */
public final class ModelNames {
  private static final Pattern AT_VERSION = Pattern.compile("@[^@]*$");
  private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$");

  private ModelNames() {}

  public static String normalise(String reported) {
    String name = reported.strip().toLowerCase(Locale.ROOT);
    int slash = name.lastIndexOf('/');
    if (slash >= 0) {
      name = name.substring(slash + 1);
    }
    name = AT_VERSION.matcher(name).replaceFirst("");
    return DATE_SUFFIX.matcher(name).replaceFirst("");
  }

  /** The book key for a provider and a (reported or canonical) model name. */
  public static String key(String provider, String model) {
    return provider.strip().toLowerCase(Locale.ROOT) + "/" + model.strip().toLowerCase(Locale.ROOT);
  }
}
