package io.tokenledger.ingest.normalize;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LLM usage from OpenTelemetry span attributes, in each naming family instrumentations emit:
 * <ul>
 *   <li>the GenAI semantic conventions: {@code gen_ai.provider.name}, {@code gen_ai.request.model},
 *       {@code gen_ai.response.model}, {@code gen_ai.usage.input_tokens}, {@code .output_tokens},
 *       {@code .cache_read.input_tokens}, {@code .cache_creation.input_tokens} (renamed
 *       {@code .cache_write.input_tokens} on the conventions' main branch),
 *       {@code .reasoning.output_tokens};
 *   <li>their deprecated names: {@code gen_ai.system}, {@code gen_ai.usage.prompt_tokens},
 *       {@code gen_ai.usage.completion_tokens};
 *   <li>OpenLLMetry's (read from its source at 0.47, 0.53 and 0.62): {@code gen_ai.usage.cache_read_input_tokens},
 *       {@code gen_ai.usage.cache_creation_input_tokens} (0.4x-0.5x; 0.6x writes the conventions'
 *       names), reasoning as {@code gen_ai.usage.reasoning_tokens} (0.47, 0.6x) or
 *       {@code llm.usage.reasoning_tokens} (0.5x), the total as {@code llm.usage.total_tokens}
 *       (to 0.5x) or {@code gen_ai.usage.total_tokens} (0.6x);
 *   <li>OpenInference's: {@code llm.provider} / {@code llm.system}, {@code llm.model_name},
 *       {@code llm.token_count.prompt}, {@code .completion}, {@code .total},
 *       {@code .prompt_details.cache_read}, {@code .prompt_details.cache_write},
 *       {@code .prompt_details.audio}, {@code .completion_details.reasoning},
 *       {@code .completion_details.audio} (the details are subsets of the prompt and completion
 *       counts, not added to them);
 *   <li>the service tier that served an OpenAI call: {@code openai.response.service_tier}
 *       (conventions 1.37 on), {@code gen_ai.openai.response.service_tier} (before).
 * </ul>
 * Output always includes reasoning and audio output, and input audio input, which are split out. Whether input includes the cache is
 * decided, in this order, never by guessing from magnitudes (an exclusive input can be larger
 * than the cache counts, and subtracting them would then under-count uncached input):
 * <ol>
 *   <li>by the instrumentation's own total, when it gives one and there are cache tokens:
 *       total = input + output means input includes them, total = input + cache + output that it
 *       excludes them;
 *   <li>otherwise input includes cache reads and writes, which are subtracted; input smaller
 *       than them is refused, naming the field. The conventions say so, OpenInference's prompt
 *       count is the whole prompt, and OpenLLMetry's Anthropic instrumentation, which names the
 *       provider {@code Anthropic} in {@code gen_ai.system}, sums Anthropic's separate cache
 *       counts into its input at every version read (0.47, 0.53, 0.62).
 * </ol>
 * Provider names are mapped to OpenTelemetry's by {@link ProviderNames}.
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
  public static final String CACHE_WRITE = "gen_ai.usage.cache_write.input_tokens";
  public static final String REASONING = "gen_ai.usage.reasoning.output_tokens";

  private static final List<String> PROVIDERS = List.of(PROVIDER_NAME, LEGACY_SYSTEM, "llm.provider", "llm.system");
  private static final List<String> MODELS = List.of(RESPONSE_MODEL, REQUEST_MODEL, "llm.model_name");
  private static final List<String> INPUTS = List.of(INPUT_TOKENS, "gen_ai.usage.prompt_tokens",
      "llm.token_count.prompt");
  private static final List<String> OUTPUTS = List.of(OUTPUT_TOKENS, "gen_ai.usage.completion_tokens",
      "llm.token_count.completion");
  private static final List<String> CACHE_READS = List.of(CACHE_READ, "gen_ai.usage.cache_read_input_tokens",
      "llm.token_count.prompt_details.cache_read");
  private static final List<String> CACHE_WRITES = List.of(CACHE_CREATION, CACHE_WRITE,
      "gen_ai.usage.cache_creation_input_tokens", "llm.token_count.prompt_details.cache_write");
  private static final List<String> REASONINGS = List.of(REASONING, "gen_ai.usage.reasoning_tokens",
      "llm.usage.reasoning_tokens", "llm.token_count.completion_details.reasoning");
  private static final List<String> TOTALS = List.of("gen_ai.usage.total_tokens", "llm.usage.total_tokens",
      "llm.token_count.total");
  private static final List<String> AUDIO_INPUTS = List.of("llm.token_count.prompt_details.audio");
  private static final List<String> AUDIO_OUTPUTS = List.of("llm.token_count.completion_details.audio");
  private static final List<String> SERVICE_TIERS = List.of("openai.response.service_tier",
      "gen_ai.openai.response.service_tier");

  /** The attribute names whose presence makes a span a usage span, in every family. */
  public static final java.util.Set<String> USAGE_KEYS = java.util.Set.copyOf(
      java.util.stream.Stream.concat(INPUTS.stream(), OUTPUTS.stream()).toList());

  private OtelGenAiUsage() {}

  /** Whether the attributes report LLM token usage at all: the cheap test for the many spans that do not. */
  public static boolean reportsUsage(Map<String, ?> attributes) {
    return first(attributes, INPUTS) != null || first(attributes, OUTPUTS) != null;
  }

  public static TokenBuckets attributes(Map<String, ?> attributes) {
    String inputName = nameOf(attributes, INPUTS, INPUT_TOKENS);
    String outputName = nameOf(attributes, OUTPUTS, OUTPUT_TOKENS);
    String cacheReadName = nameOf(attributes, CACHE_READS, CACHE_READ);
    String cacheWriteName = nameOf(attributes, CACHE_WRITES, CACHE_CREATION);
    String reasoningName = nameOf(attributes, REASONINGS, REASONING);
    long input = count(attributes, inputName);
    long output = count(attributes, outputName);
    long cacheRead = count(attributes, cacheReadName);
    long cacheWrite = count(attributes, cacheWriteName);
    long reasoning = count(attributes, reasoningName);
    String audioInName = nameOf(attributes, AUDIO_INPUTS, AUDIO_INPUTS.get(0));
    String audioOutName = nameOf(attributes, AUDIO_OUTPUTS, AUDIO_OUTPUTS.get(0));
    long audioIn = count(attributes, audioInName);
    long audioOut = count(attributes, audioOutName);
    long cache = Math.addExact(cacheRead, cacheWrite);
    long uncached = inputExcludesCache(attributes, input, output, cache) ? input
        : Json.minus(input, inputName, cache, cacheReadName + " + " + cacheWriteName);
    uncached = Json.minus(uncached, inputName + " less the cache", audioIn, audioInName);
    long textOutput = Json.minus(Json.minus(output, outputName, reasoning, reasoningName), outputName
        + " less reasoning", audioOut, audioOutName);
    return new TokenBuckets(uncached, cacheRead, cacheWrite, 0, textOutput, reasoning, audioIn, audioOut);
  }

  static boolean inputExcludesCache(Map<String, ?> attributes, long input, long output, long cache) {
    String totalName = nameOf(attributes, TOTALS, null);
    if (totalName != null && cache > 0) {
      long total = count(attributes, totalName);
      if (total == Math.addExact(input, output)) {
        return false;
      }
      if (total == Math.addExact(Math.addExact(input, cache), output)) {
        return true;
      }
    }
    return false;
  }

  /** Provider, response model (else the requested one), buckets. */
  public static ProviderCall span(Map<String, ?> attributes) {
    Object provider = first(attributes, PROVIDERS);
    Object model = first(attributes, MODELS);
    if (provider == null) {
      throw new UsageShapeException(PROVIDER_NAME, "is missing (and so are gen_ai.system, llm.provider, llm.system)");
    }
    if (model == null) {
      throw new UsageShapeException(RESPONSE_MODEL, "is missing (and so are " + REQUEST_MODEL + " and llm.model_name)");
    }
    Object tier = first(attributes, SERVICE_TIERS);
    return new ProviderCall(ProviderNames.canonical(provider.toString()), model.toString(), attributes(attributes),
        tier == null ? null : tier.toString());
  }

  /** The span's attributes as a provider call, or empty for a span that reports no token usage. */
  public static Optional<ProviderCall> usage(Map<String, ?> attributes) {
    return reportsUsage(attributes) ? Optional.of(span(attributes)) : Optional.empty();
  }

  private static Object first(Map<String, ?> attributes, List<String> names) {
    for (String name : names) {
      Object value = attributes.get(name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** The first of {@code names} present, or {@code absent} (to name in errors) when none is. */
  private static String nameOf(Map<String, ?> attributes, List<String> names, String absent) {
    for (String name : names) {
      if (attributes.get(name) != null) {
        return name;
      }
    }
    return absent;
  }

  private static long count(Map<String, ?> attributes, String key) {
    Object value = key == null ? null : attributes.get(key);
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
