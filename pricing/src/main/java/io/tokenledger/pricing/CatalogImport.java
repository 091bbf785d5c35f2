package io.tokenledger.pricing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.schemas.ExactPrices;
import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.ServiceTierPrice;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Price catalogs from outside, read into price versions: LiteLLM's
 * {@code model_prices_and_context_window.json} (USD per token, as JSON numbers, read from the
 * JSON text exactly, never through a double) and a CSV of our own (USD per 1M tokens). What
 * cannot be imported is listed with the reason, never guessed.
 */
public final class CatalogImport {
  /**
   * LiteLLM's provider names that OpenTelemetry's {@code gen_ai.provider.name} has a name for,
   * mapped to it; every other provider keeps LiteLLM's name (lower case), so that no priced
   * entry is left out for want of a name (docs/prices.md lists them).
   */
  static final Map<String, String> PROVIDERS = Map.ofEntries(Map.entry("openai", "openai"),
      Map.entry("text-completion-openai", "openai"), Map.entry("anthropic", "anthropic"),
      Map.entry("gemini", "gcp.gemini"), Map.entry("vertex_ai", "gcp.vertex_ai"), Map.entry("bedrock", "aws.bedrock"),
      Map.entry("bedrock_converse", "aws.bedrock"), Map.entry("azure", "azure.ai.openai"),
      Map.entry("azure_text", "azure.ai.openai"), Map.entry("azure_ai", "azure.ai.inference"),
      Map.entry("mistral", "mistral_ai"), Map.entry("codestral", "mistral_ai"),
      Map.entry("text-completion-codestral", "mistral_ai"), Map.entry("cohere", "cohere"),
      Map.entry("cohere_chat", "cohere"), Map.entry("deepseek", "deepseek"), Map.entry("xai", "x_ai"),
      Map.entry("groq", "groq"), Map.entry("perplexity", "perplexity"), Map.entry("watsonx", "ibm.watsonx.ai"));
  private static final Set<String> CHAT_MODES = Set.of("chat", "completion", "responses");
  private static final Pattern TIER_INPUT = Pattern.compile("input_cost_per_token_above_(\\d+)k_tokens");
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  /** How many entries a summary names for each reason. */
  private static final int EXAMPLES = 3;

  private CatalogImport() {}

  /**
   * What a file gave: the versions, every entry left out with the reason, and, per kind of
   * reason, the entries it left out (what a summary prints).
   */
  public record Result(List<PriceVersion> prices, Map<String, String> skipped, Map<String, List<String>> byKind) {
    public Result(List<PriceVersion> prices, Map<String, String> skipped) {
      this(prices, skipped, Map.of());
    }

    /** One line per kind of reason: how many, and a few of them. */
    public List<String> summary() {
      List<String> lines = new ArrayList<>();
      byKind.forEach((kind, entries) -> lines.add(entries.size() + " " + kind + " (e.g. "
          + String.join(", ", entries.subList(0, Math.min(EXAMPLES, entries.size()))) + ")"));
      return lines;
    }
  }

  /** What to take from a file, and how to stamp it. */
  public record Options(Instant effectiveFrom, Predicate<String> provider, Predicate<String> model, String setBy,
      String source) {}

  /** Our name for a LiteLLM provider: OpenTelemetry's where it has one, else LiteLLM's own. */
  static String provider(String liteLlmProvider) {
    String name = liteLlmProvider.strip().toLowerCase(Locale.ROOT);
    if (name.startsWith("vertex_ai-")) {
      return PROVIDERS.get("vertex_ai"); // vertex_ai-language-models, vertex_ai-anthropic_models, ...
    }
    return PROVIDERS.getOrDefault(name, name);
  }

  /**
   * The model id a call reports, from an entry's key: the key without its leading route segment
   * when that segment names the entry's provider ({@code azure/eu/gpt-4o} is Azure's
   * {@code eu/gpt-4o}, a region of its own); every other part kept, {@code @} and {@code :} included.
   */
  static String model(String key, String liteLlmProvider) {
    String lower = key.strip().toLowerCase(Locale.ROOT);
    int slash = lower.indexOf('/');
    if (slash > 0) {
      String route = lower.substring(0, slash).replace('-', '_');
      String provider = liteLlmProvider.strip().toLowerCase(Locale.ROOT).replace('-', '_');
      if (route.equals(provider) || provider.startsWith(route + "_")) {
        return lower.substring(slash + 1);
      }
    }
    return lower;
  }

  public static Result liteLlm(byte[] json, Options options) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a LiteLLM price file: expected one JSON object keyed by model");
    }
    Map<String, PriceVersion> prices = new LinkedHashMap<>();
    Map<String, String> givenBy = new LinkedHashMap<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    Map<String, List<String>> byKind = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      JsonNode m = entry.getValue();
      if (key.equals("sample_spec")) {
        continue; // LiteLLM's documentation of the fields, not a model
      }
      String mode = m.path("mode").asText("");
      if (!CHAT_MODES.contains(mode)) {
        skip(skipped, byKind, key, "not a chat model", "mode '" + mode + "' is not a chat model");
        continue;
      }
      String liteLlmProvider = m.path("litellm_provider").asText("");
      if (liteLlmProvider.isBlank()) {
        skip(skipped, byKind, key, "without a provider", "no litellm_provider");
        continue;
      }
      String provider = provider(liteLlmProvider);
      String model = model(key, liteLlmProvider);
      if (!options.provider().test(provider) || !options.model().test(model)) {
        continue;
      }
      PriceVersion price;
      try {
        price = liteLlmPrice(m, provider, model, options);
      } catch (Unpriced e) {
        skip(skipped, byKind, key, e.kind, e.getMessage());
        continue;
      }
      String catalogKey = provider + "/" + model;
      PriceVersion earlier = prices.get(catalogKey);
      if (earlier == null) {
        prices.put(catalogKey, price);
        givenBy.put(catalogKey, key);
      } else if (!earlier.equals(price)) {
        // The key that names the provider's route is what LiteLLM prices a call as
        // (deepseek/deepseek-chat); a bare key giving the same model (deepseek-chat) is its older alias.
        String other = givenBy.get(catalogKey);
        boolean routed = !key.strip().toLowerCase(Locale.ROOT).equals(model);
        boolean otherRouted = !other.strip().toLowerCase(Locale.ROOT).equals(model);
        String kind = "giving a model another entry prices differently";
        if (routed && !otherRouted) {
          prices.put(catalogKey, price);
          givenBy.put(catalogKey, key);
          skip(skipped, byKind, other, kind, key + " gives " + catalogKey + " other prices, and names its route");
        } else {
          skip(skipped, byKind, key, kind, other + " already gave " + catalogKey + " other prices");
        }
      }
      // The same prices under the same key twice (bedrock and bedrock_converse list a model alike): one version.
    }
    return new Result(List.copyOf(prices.values()), skipped, byKind);
  }

  private static void skip(Map<String, String> skipped, Map<String, List<String>> byKind, String key, String kind,
      String reason) {
    skipped.put(key, reason);
    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(key);
  }

  /** An entry that cannot be priced from the file, and the kind of reason. */
  private static final class Unpriced extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    final String kind;

    Unpriced(String kind, String message) {
      super(message);
      this.kind = kind;
    }
  }

  /** LiteLLM's service-tier price suffixes and the tier each names on a usage event. */
  private static final Map<String, String> SERVICE_TIERS = Map.of("_batches", "batch", "_flex", "flex", "_priority",
      "priority");

  /**
   * One entry's prices. Base prices are kept exact (a price finer than a micro-USD per 1M tokens
   * goes into {@code exact_prices}); a missing cache-read price is DeepSeek's
   * {@code input_cost_per_token_cache_hit} or the input price, a missing cache-write price the input
   * price, a missing reasoning price the output price; 1-hour cache writes and audio are priced
   * where the entry lists them (else the version says "as cache write", "as text"). Long-context
   * tier prices are kept exact the same way; service-tier prices must be whole micro-USD per 1M
   * tokens (every one in the file is).
   */
  private static PriceVersion liteLlmPrice(JsonNode m, String provider, String model, Options options) {
    BigDecimal input = perMillion(m, "input_cost_per_token", null);
    BigDecimal output = perMillion(m, "output_cost_per_token", null);
    // DeepSeek gives its cache-hit price as input_cost_per_token_cache_hit, not cache_read_input_token_cost.
    BigDecimal cacheRead = perMillion(m, "cache_read_input_token_cost",
        perMillion(m, "input_cost_per_token_cache_hit", input));
    BigDecimal cacheWrite = perMillion(m, "cache_creation_input_token_cost", input);
    BigDecimal reasoning = perMillion(m, "output_cost_per_reasoning_token", output);
    BigDecimal cacheWrite1h = perMillion(m, "cache_creation_input_token_cost_above_1hr", null, true);
    BigDecimal audioInput = perMillion(m, "input_cost_per_audio_token", null, true);
    BigDecimal audioOutput = perMillion(m, "output_cost_per_audio_token", null, true);
    PriceVersion.Builder price = PriceVersion.newBuilder().setProvider(provider).setModel(model)
        .setEffectiveFrom(options.effectiveFrom()).setUncachedInputMicroUsdPerMtok(rounded(input))
        .setCacheReadMicroUsdPerMtok(rounded(cacheRead)).setCacheWriteMicroUsdPerMtok(rounded(cacheWrite))
        .setOutputMicroUsdPerMtok(rounded(output)).setReasoningMicroUsdPerMtok(rounded(reasoning))
        .setCacheWrite1hMicroUsdPerMtok(cacheWrite1h == null ? null : rounded(cacheWrite1h))
        .setAudioInputMicroUsdPerMtok(audioInput == null ? null : rounded(audioInput))
        .setAudioOutputMicroUsdPerMtok(audioOutput == null ? null : rounded(audioOutput))
        .setSource(options.source()).setSetBy(options.setBy());
    if (java.util.stream.Stream.of(input, output, cacheRead, cacheWrite, reasoning, cacheWrite1h, audioInput, audioOutput)
        .anyMatch(p -> p != null && !wholeMicro(p))) {
      price.setExactPrices(ExactPrices.newBuilder().setUncachedInput(plain(input)).setCacheRead(plain(cacheRead))
          .setCacheWrite(plain(cacheWrite)).setOutput(plain(output)).setReasoning(plain(reasoning))
          .setCacheWrite1h(cacheWrite1h == null ? null : plain(cacheWrite1h))
          .setAudioInput(audioInput == null ? null : plain(audioInput))
          .setAudioOutput(audioOutput == null ? null : plain(audioOutput)).build());
    }
    for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
      Matcher tier = TIER_INPUT.matcher(names.next());
      if (tier.matches()) {
        String suffix = "_above_" + tier.group(1) + "k_tokens";
        BigDecimal tierInput = perMillion(m, "input_cost_per_token" + suffix, null);
        BigDecimal tierOutput = perMillion(m, "output_cost_per_token" + suffix, output);
        // A tier without cache prices of its own keeps the base ones, as LiteLLM's own cost calculation does.
        BigDecimal tierCacheRead = perMillion(m, "cache_read_input_token_cost" + suffix, cacheRead);
        BigDecimal tierCacheWrite = perMillion(m, "cache_creation_input_token_cost" + suffix, cacheWrite);
        BigDecimal tierReasoning = perMillion(m, "output_cost_per_reasoning_token" + suffix, tierOutput);
        BigDecimal tier1h = perMillion(m, "cache_creation_input_token_cost_above_1hr" + suffix, null, true);
        PriceTier.Builder built = PriceTier.newBuilder()
            .setAboveInputTokens(Long.parseLong(tier.group(1)) * 1_000)
            .setUncachedInputMicroUsdPerMtok(rounded(tierInput)).setCacheReadMicroUsdPerMtok(rounded(tierCacheRead))
            .setCacheWriteMicroUsdPerMtok(rounded(tierCacheWrite)).setOutputMicroUsdPerMtok(rounded(tierOutput))
            .setReasoningMicroUsdPerMtok(rounded(tierReasoning))
            .setCacheWrite1hMicroUsdPerMtok(tier1h == null ? null : rounded(tier1h));
        if (java.util.stream.Stream.of(tierInput, tierOutput, tierCacheRead, tierCacheWrite, tierReasoning, tier1h)
            .anyMatch(p -> p != null && !wholeMicro(p))) {
          built.setExactPrices(ExactPrices.newBuilder().setUncachedInput(plain(tierInput))
              .setCacheRead(plain(tierCacheRead)).setCacheWrite(plain(tierCacheWrite)).setOutput(plain(tierOutput))
              .setReasoning(plain(tierReasoning)).setCacheWrite1h(tier1h == null ? null : plain(tier1h)).build());
        }
        price.setLongContextTier(built.build());
        break;
      }
    }
    List<ServiceTierPrice> tiers = new ArrayList<>();
    for (Map.Entry<String, String> t : new java.util.TreeMap<>(SERVICE_TIERS).entrySet()) {
      String suffix = t.getKey();
      if (m.hasNonNull("input_cost_per_token" + suffix)) {
        long tierOutput = tierMicro(m, "output_cost_per_token" + suffix, price.getOutputMicroUsdPerMtok());
        tiers.add(ServiceTierPrice.newBuilder().setTier(t.getValue())
            .setUncachedInputMicroUsdPerMtok(tierMicro(m, "input_cost_per_token" + suffix, null))
            .setCacheReadMicroUsdPerMtok(tierMicro(m, "cache_read_input_token_cost" + suffix,
                price.getCacheReadMicroUsdPerMtok()))
            .setCacheWriteMicroUsdPerMtok(tierMicro(m, "cache_creation_input_token_cost" + suffix,
                price.getCacheWriteMicroUsdPerMtok()))
            .setOutputMicroUsdPerMtok(tierOutput)
            .setReasoningMicroUsdPerMtok(tierMicro(m, "output_cost_per_reasoning_token" + suffix, tierOutput)).build());
      }
    }
    price.setServiceTiers(tiers);
    return price.build();
  }

  /** A per-token USD field as USD per 1M tokens, exactly; {@code fallback} when absent (null: required). */
  private static BigDecimal perMillion(JsonNode m, String field, BigDecimal fallback) {
    return perMillion(m, field, fallback, false);
  }

  private static BigDecimal perMillion(JsonNode m, String field, BigDecimal fallback, boolean optional) {
    JsonNode value = m.get(field);
    if (value == null || value.isNull()) {
      if (fallback == null && !optional) {
        throw new Unpriced("without " + field, "no " + field);
      }
      return fallback;
    }
    if (!value.isNumber()) {
      throw new Unpriced("with a price that is not a number", field + " is not a number: " + value);
    }
    BigDecimal perMillion = value.decimalValue().movePointRight(6);
    if (perMillion.signum() < 0) {
      throw new Unpriced("with a negative price", field + " is negative: " + value);
    }
    return perMillion.stripTrailingZeros();
  }

  /** A tier's price in whole micro-USD per 1M tokens; {@code fallback} when absent (null: required). */
  private static long tierMicro(JsonNode m, String field, Long fallback) {
    BigDecimal perMillion = perMillion(m, field, null, fallback != null);
    return perMillion == null ? fallback : whole(perMillion, field);
  }

  private static long whole(BigDecimal perMillion, String field) {
    if (!wholeMicro(perMillion)) {
      throw new Unpriced("with a tier price finer than a micro-USD per 1M tokens", field + " "
          + perMillion.toPlainString() + " USD per 1M tokens is finer than a micro-USD; tier prices are kept in whole "
          + "micro-USD per 1M tokens");
    }
    return perMillion.movePointRight(6).longValueExact();
  }

  private static boolean wholeMicro(BigDecimal perMillion) {
    return perMillion.movePointRight(6).stripTrailingZeros().scale() <= 0;
  }

  /** USD per 1M tokens in micro-USD, half-up: what a reader of the rounded fields sees. */
  private static long rounded(BigDecimal perMillion) {
    return perMillion.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
  }

  private static String plain(BigDecimal perMillion) {
    return perMillion.stripTrailingZeros().toPlainString();
  }

  /**
   * Our CSV: a header line {@code provider,model,uncached_input,cache_read,cache_write,output,reasoning}
   * (USD per 1M tokens), optionally {@code effective_from} (ISO-8601) as an eighth column.
   */
  public static Result csv(String text, Options options) {
    List<PriceVersion> prices = new ArrayList<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    String[] lines = text.split("\\R");
    int row = 0;
    for (String line : lines) {
      row++;
      if (line.isBlank() || line.startsWith("#") || (row == 1 && line.startsWith("provider,"))) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (cells.length != 7 && cells.length != 8) {
        skipped.put("line " + row, "expected 7 or 8 columns (provider,model,uncached_input,cache_read,cache_write,"
            + "output,reasoning[,effective_from]), found " + cells.length);
        continue;
      }
      String provider = cells[0].strip().toLowerCase(Locale.ROOT);
      String model = cells[1].strip().toLowerCase(Locale.ROOT);
      if (!options.provider().test(provider) || !options.model().test(model)) {
        continue;
      }
      try {
        prices.add(PriceVersion.newBuilder().setProvider(provider).setModel(model)
            .setEffectiveFrom(cells.length == 8 && !cells[7].isBlank() ? Instant.parse(cells[7].strip())
                : options.effectiveFrom())
            .setUncachedInputMicroUsdPerMtok(PriceUnits.fromUsdPerMillion(cells[2]))
            .setCacheReadMicroUsdPerMtok(PriceUnits.fromUsdPerMillion(cells[3]))
            .setCacheWriteMicroUsdPerMtok(PriceUnits.fromUsdPerMillion(cells[4]))
            .setOutputMicroUsdPerMtok(PriceUnits.fromUsdPerMillion(cells[5]))
            .setReasoningMicroUsdPerMtok(PriceUnits.fromUsdPerMillion(cells[6]))
            .setSource(options.source()).setSetBy(options.setBy()).build());
      } catch (RuntimeException e) {
        skipped.put("line " + row, e.getMessage());
      }
    }
    return new Result(prices, skipped);
  }
}
