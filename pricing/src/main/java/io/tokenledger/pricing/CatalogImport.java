package io.tokenledger.pricing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
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
  /** LiteLLM's provider names, mapped to ours (OpenTelemetry's gen_ai.provider.name). */
  static final Map<String, String> PROVIDERS = Map.ofEntries(Map.entry("openai", "openai"),
      Map.entry("text-completion-openai", "openai"), Map.entry("anthropic", "anthropic"),
      Map.entry("gemini", "gcp.gemini"), Map.entry("vertex_ai-language-models", "gcp.vertex_ai"),
      Map.entry("vertex_ai-anthropic_models", "gcp.vertex_ai"), Map.entry("bedrock", "aws.bedrock"),
      Map.entry("bedrock_converse", "aws.bedrock"), Map.entry("azure", "azure.ai.openai"),
      Map.entry("azure_ai", "azure.ai.inference"), Map.entry("mistral", "mistral_ai"), Map.entry("cohere", "cohere"),
      Map.entry("cohere_chat", "cohere"), Map.entry("deepseek", "deepseek"), Map.entry("xai", "x_ai"),
      Map.entry("groq", "groq"), Map.entry("perplexity", "perplexity"), Map.entry("watsonx", "ibm.watsonx.ai"));
  private static final Set<String> CHAT_MODES = Set.of("chat", "completion", "responses");
  private static final Pattern TIER_INPUT = Pattern.compile("input_cost_per_token_above_(\\d+)k_tokens");
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private CatalogImport() {}

  /** What a file gave: the versions, and every entry left out with the reason. */
  public record Result(List<PriceVersion> prices, Map<String, String> skipped) {}

  /** What to take from a file, and how to stamp it. */
  public record Options(Instant effectiveFrom, Predicate<String> provider, Predicate<String> model, String setBy,
      String source) {}

  public static Result liteLlm(byte[] json, Options options) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a LiteLLM price file: expected one JSON object keyed by model");
    }
    Map<String, PriceVersion> prices = new LinkedHashMap<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      JsonNode m = entry.getValue();
      if (key.equals("sample_spec")) {
        continue; // LiteLLM's documentation of the fields, not a model
      }
      String mode = m.path("mode").asText("");
      if (!CHAT_MODES.contains(mode)) {
        skipped.put(key, "mode '" + mode + "' is not a chat model");
        continue;
      }
      String provider = PROVIDERS.get(m.path("litellm_provider").asText(""));
      if (provider == null) {
        skipped.put(key, "provider '" + m.path("litellm_provider").asText("") + "' has no tokenledger name");
        continue;
      }
      String model = key.substring(key.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
      if (!options.provider().test(provider) || !options.model().test(model)) {
        continue;
      }
      try {
        PriceVersion price = liteLlmPrice(m, provider, model, options);
        String catalogKey = provider + "/" + model;
        if (prices.containsKey(catalogKey)) {
          skipped.put(key, "another entry already gave " + catalogKey);
        } else {
          prices.put(catalogKey, price);
        }
      } catch (IllegalArgumentException e) {
        skipped.put(key, e.getMessage());
      }
    }
    return new Result(List.copyOf(prices.values()), skipped);
  }

  private static PriceVersion liteLlmPrice(JsonNode m, String provider, String model, Options options) {
    long input = perToken(m, "input_cost_per_token", null);
    long output = perToken(m, "output_cost_per_token", null);
    PriceVersion.Builder price = PriceVersion.newBuilder().setProvider(provider).setModel(model)
        .setEffectiveFrom(options.effectiveFrom()).setUncachedInputMicroUsdPerMtok(input)
        .setCacheReadMicroUsdPerMtok(perToken(m, "cache_read_input_token_cost", input))
        .setCacheWriteMicroUsdPerMtok(perToken(m, "cache_creation_input_token_cost", input))
        .setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(perToken(m, "output_cost_per_reasoning_token", output))
        .setSource(options.source()).setSetBy(options.setBy());
    for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
      Matcher tier = TIER_INPUT.matcher(names.next());
      if (tier.matches()) {
        String suffix = "_above_" + tier.group(1) + "k_tokens";
        long tierInput = perToken(m, "input_cost_per_token" + suffix, null);
        long tierOutput = perToken(m, "output_cost_per_token" + suffix, output);
        price.setLongContextTier(PriceTier.newBuilder()
            .setAboveInputTokens(Long.parseLong(tier.group(1)) * 1_000)
            .setUncachedInputMicroUsdPerMtok(tierInput)
            .setCacheReadMicroUsdPerMtok(perToken(m, "cache_read_input_token_cost" + suffix, price.getCacheReadMicroUsdPerMtok()))
            .setCacheWriteMicroUsdPerMtok(perToken(m, "cache_creation_input_token_cost" + suffix,
                price.getCacheWriteMicroUsdPerMtok()))
            .setOutputMicroUsdPerMtok(tierOutput)
            .setReasoningMicroUsdPerMtok(perToken(m, "output_cost_per_reasoning_token" + suffix, tierOutput))
            .build());
        break;
      }
    }
    return price.build();
  }

  /** A per-token USD field, exactly; {@code fallback} when absent (null: required). */
  private static long perToken(JsonNode m, String field, Long fallback) {
    JsonNode value = m.get(field);
    if (value == null || value.isNull()) {
      if (fallback == null) {
        throw new IllegalArgumentException("no " + field);
      }
      return fallback;
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException(field + " is not a number: " + value);
    }
    BigDecimal usdPerToken = value.decimalValue();
    try {
      return PriceUnits.fromUsdPerToken(usdPerToken);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " " + e.getMessage());
    }
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
