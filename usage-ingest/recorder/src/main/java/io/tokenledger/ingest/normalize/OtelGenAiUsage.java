package io.tokenledger.ingest.normalize;

import java.util.Map;

/**
 * OpenTelemetry GenAI span attributes ({@code gen_ai.*}). {@code gen_ai.usage.output_tokens}
 * includes reasoning, which is split out.
 *
 * <p>Whether {@code gen_ai.usage.input_tokens} includes the cache is decided from the attribute
 * names, never from the magnitudes (an exclusive input can be larger than the cache counts, and
 * subtracting them then under-counts uncached input):
 * <ul>
 *   <li>Spans that name the provider with {@code gen_ai.provider.name} follow the current
 *       conventions: input includes cache reads and cache writes, which are subtracted. Input
 *       smaller than the cache counts is inconsistent and refused, naming the field.
 *   <li>Spans that name it only with the deprecated {@code gen_ai.system} come from older
 *       instrumentations, which copied the provider's own input count: for {@code anthropic}
 *       that count excludes the cache (Anthropic reports cache tokens apart), so it is taken as
 *       uncached input as is; for every other provider it includes the cache, as above.
 * </ul>
 */
public final class OtelGenAiUsage {
  public static final String PROVIDER_NAME = "gen_ai.provider.name";
  public static final String LEGACY_SYSTEM = "gen_ai.system";
  public static final String RESPONSE_MODEL = "gen_ai.response.model";
  public static final String REQUEST_MODEL = "gen_ai.request.model";
  public static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
  public static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  public static final String CACHE_READ = "gen_ai.usage.cache_read.input_tokens";
  public static final String CACHE_CREATION = "gen_ai.usage.cache_creation.input_tokens";
  public static final String REASONING = "gen_ai.usage.reasoning.output_tokens";

  private OtelGenAiUsage() {}

  public static TokenBuckets attributes(Map<String, ?> attributes) {
    long input = count(attributes, INPUT_TOKENS);
    long cacheRead = count(attributes, CACHE_READ);
    long cacheWrite = count(attributes, CACHE_CREATION);
    long output = count(attributes, OUTPUT_TOKENS);
    long reasoning = count(attributes, REASONING);
    long uncached = inputExcludesCache(attributes) ? input
        : Json.minus(input, INPUT_TOKENS, Math.addExact(cacheRead, cacheWrite), CACHE_READ + " + " + CACHE_CREATION);
    return new TokenBuckets(uncached, cacheRead, cacheWrite,
        Json.minus(output, OUTPUT_TOKENS, reasoning, REASONING), reasoning);
  }

  /** Only older instrumentations (legacy {@code gen_ai.system}) of Anthropic report input without the cache. */
  static boolean inputExcludesCache(Map<String, ?> attributes) {
    Object system = attributes.get(LEGACY_SYSTEM);
    return attributes.get(PROVIDER_NAME) == null && system != null && "anthropic".equalsIgnoreCase(system.toString());
  }

  /** Provider ({@code gen_ai.provider.name}, or the older {@code gen_ai.system}), response model, buckets. */
  public static ProviderCall span(Map<String, ?> attributes) {
    Object provider = attributes.get(PROVIDER_NAME) != null ? attributes.get(PROVIDER_NAME) : attributes.get(LEGACY_SYSTEM);
    Object model = attributes.get(RESPONSE_MODEL) != null ? attributes.get(RESPONSE_MODEL) : attributes.get(REQUEST_MODEL);
    if (provider == null) {
      throw new UsageShapeException(PROVIDER_NAME, "is missing");
    }
    if (model == null) {
      throw new UsageShapeException(RESPONSE_MODEL, "is missing (and so is " + REQUEST_MODEL + ")");
    }
    return new ProviderCall(provider.toString(), model.toString(), attributes(attributes));
  }

  private static long count(Map<String, ?> attributes, String key) {
    Object value = attributes.get(key);
    if (value == null) {
      return 0;
    }
    long count;
    if (value instanceof Number number && !(value instanceof Double) && !(value instanceof Float)) {
      count = number.longValue();
    } else {
      try {
        count = Long.parseLong(value.toString().strip());
      } catch (NumberFormatException e) {
        throw new UsageShapeException(key, "must be a whole number, was " + value);
      }
    }
    if (count < 0) {
      throw new UsageShapeException(key, "must not be negative, was " + count);
    }
    return count;
  }
}
