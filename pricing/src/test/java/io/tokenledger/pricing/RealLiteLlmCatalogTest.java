package io.tokenledger.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole real LiteLLM file (BerriAI model_prices_and_context_window.json, 2026-02-27, in
 * shared/data/litellm) into an empty catalog: how much of it is imported, and models of each
 * provider family at the file's exact prices, regional and route variants under keys of their own.
 */
class RealLiteLlmCatalogTest {
  private static final Path FILE = SharedData.path("litellm/model_prices_and_context_window.json");
  private static final Instant FROM = Instant.parse("2026-12-01T00:00:00Z");
  private static CatalogImport.Result result;
  private static Map<String, PriceVersion> prices;

  @BeforeAll
  static void importTheWholeFile() throws Exception {
    assertTrue(Files.exists(FILE), "the real LiteLLM file is beside the checkout: " + FILE);
    result = CatalogImport.liteLlm(Files.readAllBytes(FILE),
        new CatalogImport.Options(FROM, p -> true, m -> true, "test", "litellm 2026-02-27"));
    prices = result.prices().stream().collect(Collectors.toMap(p -> p.getProvider() + "/" + p.getModel(), p -> p));
  }

  @Test
  void atLeastNineInTenPricedChatEntriesGetAVersion() throws Exception {
    JsonNode root = new ObjectMapper().readTree(FILE.toFile());
    int priced = 0;
    int imported = 0;
    Set<String> chat = Set.of("chat", "completion", "responses");
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode m = entry.getValue();
      if (!chat.contains(m.path("mode").asText()) || !m.has("input_cost_per_token")) {
        continue;
      }
      priced++;
      String provider = CatalogImport.provider(m.path("litellm_provider").asText());
      String model = CatalogImport.model(entry.getKey(), m.path("litellm_provider").asText());
      if (!result.skipped().containsKey(entry.getKey()) && prices.containsKey(provider + "/" + model)) {
        imported++;
      }
    }
    assertEquals(1_973, priced, "chat-like entries with an input price in the 2026-02-27 file");
    assertTrue(imported * 10 >= priced * 9, imported + " of " + priced + " imported; left out: " + result.summary());
    result.prices().forEach(p -> assertEquals(java.util.List.of(), PriceRules.problems(p), p.toString()));
  }

  @Test
  void eachFamilyAtTheFilesExactPrices() {
    // OpenAI: $2.50 / $1.25 cache read / $10 per 1M.
    assertPrices("openai/gpt-4o", 2_500_000, 1_250_000, 2_500_000, 10_000_000);
    // Anthropic, with its 200k tier (cache prices of its own above it).
    PriceVersion sonnet = assertPrices("anthropic/claude-sonnet-4-5", 3_000_000, 300_000, 3_750_000, 15_000_000);
    assertEquals(6_000_000, sonnet.getLongContextTier().getUncachedInputMicroUsdPerMtok());
    assertEquals(600_000, sonnet.getLongContextTier().getCacheReadMicroUsdPerMtok());
    assertEquals(7_500_000, sonnet.getLongContextTier().getCacheWriteMicroUsdPerMtok());
    // Gemini API, and Vertex's Claude with '@' in its id.
    assertPrices("gcp.gemini/gemini-2.5-pro", 1_250_000, 125_000, 1_250_000, 10_000_000);
    assertPrices("gcp.vertex_ai/claude-sonnet-4-5@20250929", 3_000_000, 300_000, 3_750_000, 15_000_000);
    // Bedrock: the on-demand id and the US cross-region profile (+10%) each priced by its own entry; GovCloud apart.
    assertPrices("aws.bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0", 3_000_000, 300_000, 3_750_000, 15_000_000);
    assertPrices("aws.bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0", 3_300_000, 330_000, 4_125_000,
        16_500_000);
    assertPrices("aws.bedrock/us-gov-west-1/claude-sonnet-4-5-20250929-v1:0", 3_300_000, 3_300_000, 3_300_000,
        16_500_000);
    // Azure: the global deployment and the EU data zone (+10%) apart.
    assertPrices("azure.ai.openai/gpt-4o-2024-08-06", 2_500_000, 1_250_000, 2_500_000, 10_000_000);
    assertPrices("azure.ai.openai/eu/gpt-4o-2024-08-06", 2_750_000, 1_375_000, 2_750_000, 11_000_000);
    // Mistral; DeepSeek, whose cache-hit price is a tenth of input; hosts keep LiteLLM's names.
    assertPrices("mistral_ai/mistral-large-latest", 2_000_000, 2_000_000, 2_000_000, 6_000_000);
    assertPrices("deepseek/deepseek-chat", 280_000, 28_000, 0, 420_000); // the routed entry, not the bare alias
    assertPrices("deepseek/deepseek-coder", 140_000, 14_000, 140_000, 280_000); // only input_cost_per_token_cache_hit
    assertPrices("together_ai/meta-llama/llama-3.3-70b-instruct-turbo", 880_000, 880_000, 880_000, 880_000);
    assertPrices("fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct", 100_000, 100_000, 100_000, 100_000);
    assertNull(prices.get("openai/gpt-4o").getLongContextTier());
    // A tier without cache prices of its own: LiteLLM's cost calculation (the above-threshold path of
    // _get_token_base_cost) keeps the base cache prices above the threshold, and so does the import.
    PriceVersion exp = assertPrices("gcp.vertex_ai/gemini-2.0-pro-exp-02-05", 1_250_000, 312_500, 1_250_000,
        10_000_000);
    assertEquals(2_500_000, exp.getLongContextTier().getUncachedInputMicroUsdPerMtok());
    assertEquals(312_500, exp.getLongContextTier().getCacheReadMicroUsdPerMtok());
    assertEquals(15_000_000, exp.getLongContextTier().getOutputMicroUsdPerMtok());
  }

  @Test
  void tokenKindsServiceTiersAndPricesFinerThanAMicroDollar() {
    // Anthropic's two cache-write durations: 5 minutes at 1.25x input, 1 hour at 2x.
    PriceVersion opus = assertPrices("anthropic/claude-opus-4-5", 5_000_000, 500_000, 6_250_000, 25_000_000);
    assertEquals(10_000_000L, opus.getCacheWrite1hMicroUsdPerMtok());
    assertEquals(6_000_000L, prices.get("anthropic/claude-sonnet-4-20250514").getCacheWrite1hMicroUsdPerMtok());
    // A route variant of its own: Anthropic's US-only inference of Opus 4.6 (+10%), its 1-hour writes too.
    assertEquals(11_000_000L, assertPrices("anthropic/us/claude-opus-4-6", 5_500_000, 550_000, 6_875_000, 27_500_000)
        .getCacheWrite1hMicroUsdPerMtok());
    // OpenAI's service tiers: batch at half, priority at 1.7x; gpt-5's flex.
    PriceVersion gpt4o = prices.get("openai/gpt-4o");
    assertEquals(Map.of("batch", List.of(1_250_000L, 1_250_000L, 5_000_000L), "priority",
        List.of(4_250_000L, 2_125_000L, 17_000_000L)), tiers(gpt4o));
    PricedVersion priced = PricedVersion.of(gpt4o);
    io.tokenledger.schemas.UsageEvent batch = io.tokenledger.schemas.UsageEvent.newBuilder().setEventId("b")
        .setEventTime(FROM).setTeam("t").setWorkflow("w").setService("s").setProvider("openai").setModel("gpt-4o")
        .setUncachedInputTokens(1_000_000).setOutputTokens(100_000).setServiceTier("batch").build();
    assertEquals(1_750_000_000L, priced.nanoUsd(batch), "1M x $1.25 + 100k x $5.00");
    assertEquals(3_500_000_000L, priced.nanoUsd(io.tokenledger.schemas.UsageEvent.newBuilder(batch)
        .setServiceTier("default").build()), "the standard tier: 1M x $2.50 + 100k x $10.00");
    assertEquals(List.of(625_000L, 62_500L, 5_000_000L), tiers(prices.get("openai/gpt-5")).get("flex"));
    // Audio: gpt-4o-audio-preview's audio at $40 in and $80 out per 1M, text at $2.50 and $10.
    PriceVersion audio = assertPrices("openai/gpt-4o-audio-preview", 2_500_000, 2_500_000, 2_500_000, 10_000_000);
    assertEquals(40_000_000L, audio.getAudioInputMicroUsdPerMtok());
    assertEquals(80_000_000L, audio.getAudioOutputMicroUsdPerMtok());
    assertEquals(4_242_500_000L, PricedVersion.of(audio).nanoUsd(io.tokenledger.schemas.UsageEvent.newBuilder(batch)
        .setModel("gpt-4o-audio-preview").setServiceTier(null).setUncachedInputTokens(1_000).setOutputTokens(0)
        .setAudioInputTokens(100_000).setAudioOutputTokens(3_000).build()), "1k x $2.50 + 100k x $40 + 3k x $80");
    // A price finer than a micro-USD per 1M tokens is kept exactly: 4.6875e-09 per token is $0.0046875 per 1M.
    PriceVersion flash = prices.get("gcp.vertex_ai/gemini-1.5-flash-preview-0514");
    assertEquals("0.0046875", flash.getExactPrices().getOutput());
    assertEquals(4_688, flash.getOutputMicroUsdPerMtok(), "rounded half-up, for readers before v3");
    assertEquals(0.0046875, PricedVersion.of(flash).base().usdPerMillion(io.tokenledger.schemas.tokens.TokenKind.OUTPUT)
        .doubleValue());
    // 1,000,000,000 output tokens at $0.0046875 per 1M: $4.6875, exactly.
    assertEquals(4_687_500_000L, PricedVersion.of(flash).nanoUsd(io.tokenledger.schemas.UsageEvent.newBuilder(batch)
        .setServiceTier(null).setUncachedInputTokens(0).setOutputTokens(1_000_000_000L).build()));
    // Databricks' float artefacts, as the file states them.
    assertEquals("2.9999900000000002", prices.get("databricks/databricks-claude-sonnet-4-5").getExactPrices()
        .getUncachedInput());
  }

  private static Map<String, List<Long>> tiers(PriceVersion p) {
    return p.getServiceTiers().stream().collect(Collectors.toMap(t -> t.getTier(), t -> List.of(
        t.getUncachedInputMicroUsdPerMtok(), t.getCacheReadMicroUsdPerMtok(), t.getOutputMicroUsdPerMtok())));
  }

  @Test
  void whatIsLeftOutIsSummarisedByReason() {
    assertTrue(result.summary().stream().allMatch(line -> line.matches("\\d+ .+ \\(e\\.g\\. .+\\)")), result.summary()
        .toString());
    assertEquals(result.skipped().size(), result.byKind().values().stream().mapToInt(java.util.List::size).sum());
  }

  private static PriceVersion assertPrices(String key, long input, long cacheRead, long cacheWrite, long output) {
    PriceVersion p = prices.get(key);
    assertTrue(p != null, key + " imported; near it: " + prices.keySet().stream()
        .filter(k -> k.startsWith(key.substring(0, Math.min(12, key.length())))).limit(8).toList());
    assertEquals(input, p.getUncachedInputMicroUsdPerMtok(), key + " input");
    assertEquals(cacheRead, p.getCacheReadMicroUsdPerMtok(), key + " cache read");
    assertEquals(cacheWrite, p.getCacheWriteMicroUsdPerMtok(), key + " cache write");
    assertEquals(output, p.getOutputMicroUsdPerMtok(), key + " output");
    return p;
  }
}
