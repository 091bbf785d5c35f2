package io.tokenledger.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A LiteLLM-format file with the real field names and real prices of a handful of models: read
 * exactly, mapped to our providers, long-context tiers kept, and events priced as computed by hand.
 */
class CatalogImportTest {
  private static final Instant FROM = Instant.parse("2026-12-01T00:00:00Z");
  private static final CatalogImport.Options ALL = new CatalogImport.Options(FROM, p -> true, m -> true, "test",
      "litellm model_prices_and_context_window.json");

  private static CatalogImport.Result sample() throws Exception {
    try (InputStream in = CatalogImportTest.class.getResourceAsStream("/litellm/model_prices_and_context_window.json")) {
      return CatalogImport.liteLlm(in.readAllBytes(), ALL);
    }
  }

  private static Map<String, PriceVersion> byName(CatalogImport.Result result) {
    return result.prices().stream().collect(Collectors.toMap(p -> p.getProvider() + "/" + p.getModel(), p -> p));
  }

  @Test
  void readsChatModelsExactlyAndSaysWhyTheOthersAreLeftOut() throws Exception {
    CatalogImport.Result result = sample();
    Map<String, PriceVersion> prices = byName(result);
    assertEquals(List.of("openai/gpt-4o", "openai/gpt-4o-mini", "openai/o3", "anthropic/claude-sonnet-4-5",
        "gcp.gemini/gemini-2.5-pro", "cloudflare/@cf/meta/llama-2-7b-chat-fp16"),
        result.prices().stream().map(p -> p.getProvider() + "/" + p.getModel()).toList(),
        "a provider OpenTelemetry has no name for keeps LiteLLM's; '@' in a model id is fine");
    PriceVersion gpt4o = prices.get("openai/gpt-4o");
    assertEquals(2_500_000, gpt4o.getUncachedInputMicroUsdPerMtok(), "2.5e-06 USD per token = $2.50 per 1M");
    assertEquals(1_250_000, gpt4o.getCacheReadMicroUsdPerMtok());
    assertEquals(2_500_000, gpt4o.getCacheWriteMicroUsdPerMtok(), "no cache-write price: billed as input");
    assertEquals(10_000_000, gpt4o.getOutputMicroUsdPerMtok());
    assertEquals(10_000_000, gpt4o.getReasoningMicroUsdPerMtok(), "reasoning billed as output");
    assertNull(gpt4o.getLongContextTier());
    assertEquals(75_000, prices.get("openai/gpt-4o-mini").getCacheReadMicroUsdPerMtok());
    assertEquals(312_500, prices.get("gcp.gemini/gemini-2.5-pro").getCacheReadMicroUsdPerMtok());
    var tier = prices.get("anthropic/claude-sonnet-4-5").getLongContextTier();
    assertEquals(200_000, tier.getAboveInputTokens());
    assertEquals(6_000_000, tier.getUncachedInputMicroUsdPerMtok());
    assertEquals(600_000, tier.getCacheReadMicroUsdPerMtok());
    assertEquals(7_500_000, tier.getCacheWriteMicroUsdPerMtok());
    assertEquals(22_500_000, tier.getOutputMicroUsdPerMtok());
    assertEquals(FROM, gpt4o.getEffectiveFrom());
    assertEquals("test", gpt4o.getSetBy());
    assertEquals(Map.of("text-embedding-3-small", "mode 'embedding' is not a chat model",
        "dall-e-3", "mode 'image_generation' is not a chat model"), result.skipped());
    result.prices().forEach(p -> assertEquals(List.of(), PriceRules.problems(p), p.toString()));
    result.prices().forEach(p -> assertEquals(List.of(), PriceRules.suspicions(p), p.toString()));
  }

  @Test
  void pricesEventsAsComputedByHandTheLongContextTierIncluded() throws Exception {
    Map<String, PriceVersion> prices = byName(sample());
    // 1,000 x 2.50 + 2,000 x 1.25 + 500 x 10.00 micro-USD = $0.01
    assertEquals(10_000_000, Cost.nanoUsd(event(1_000, 2_000, 0, 500, 0), prices.get("openai/gpt-4o")));
    PriceVersion sonnet = prices.get("anthropic/claude-sonnet-4-5");
    // 160,000 input tokens, under the tier: 100,000 x 3 + 50,000 x 0.30 + 10,000 x 3.75 + 2,000 x 15 = 382,500 micro-USD
    assertEquals(382_500_000, Cost.nanoUsd(event(100_000, 50_000, 10_000, 2_000, 0), sonnet));
    // 210,000 input tokens, above 200k, all at the tier: 150,000 x 6 + 60,000 x 0.60 + 4,000 x 22.50 = 1,026,000 micro-USD
    assertEquals(1_026_000_000, Cost.nanoUsd(event(150_000, 60_000, 0, 4_000, 0), sonnet));
    // exactly 200,000 is not above 200k: 200,000 x 3 = 600,000 micro-USD
    assertEquals(600_000_000, Cost.nanoUsd(event(200_000, 0, 0, 0, 0), sonnet));
    // gemini-2.5-pro above 200k, reasoning at the tier's output: 300,000 x 2.50 + 1,000 x 15 + 2,000 x 15
    assertEquals(795_000_000, Cost.nanoUsd(event(300_000, 0, 0, 1_000, 2_000), prices.get("gcp.gemini/gemini-2.5-pro")));
  }

  @Test
  void aPriceFinerThanAMicroDollarPerMillionIsKeptExactlyNeverRounded() throws Exception {
    byte[] json = """
        {"odd-model": {"input_cost_per_token": 1.2345678e-13, "output_cost_per_token": 1e-06,
                       "litellm_provider": "openai", "mode": "chat"}}""".getBytes(StandardCharsets.UTF_8);
    CatalogImport.Result result = CatalogImport.liteLlm(json, ALL);
    PriceVersion odd = result.prices().get(0);
    assertEquals("0.00000012345678", odd.getExactPrices().getUncachedInput(), "USD per 1M tokens, as the file says");
    assertEquals(0, odd.getUncachedInputMicroUsdPerMtok(), "rounded, only for readers before PriceVersion v3");
    assertEquals("1", odd.getExactPrices().getOutput());
    // 10^13 input tokens at 1.2345678e-13 USD each: $1.2345678, exactly.
    assertEquals(1_234_567_800L, PricedVersion.of(odd).base().nanoUsd(new long[] {10_000_000_000_000L, 0, 0, 0, 0, 0,
        0, 0}));
    assertEquals(List.of(), PriceRules.problems(odd));
  }

  @Test
  void ourCsvInUsdPerMillionAndTheUnitMistakesTheRulesCatch() {
    CatalogImport.Result csv = CatalogImport.csv("""
        provider,model,uncached_input,cache_read,cache_write,output,reasoning
        openai,gpt-4o,2.50,1.25,2.50,10.00,10.00
        openai,gpt-4o-mini,0.000003,0.075,0.15,0.60,0.60
        openai,bad,2.5000001,1,1,1,1,2026-12-01T00:00:00Z
        """, ALL);
    assertEquals(2, csv.prices().size());
    assertEquals(10_000_000, csv.prices().get(0).getOutputMicroUsdPerMtok());
    assertTrue(csv.skipped().get("line 4").contains("would have to be rounded"), csv.skipped().toString());
    List<String> suspicions = PriceRules.suspicions(csv.prices().get(1));
    assertEquals(2, suspicions.size(), suspicions.toString());
    assertTrue(suspicions.get(0).startsWith("uncached_input is $0.000003 per 1M tokens: that looks like a price per token"),
        suspicions.toString());
    assertTrue(suspicions.get(1).startsWith("cache_read ($0.075 per 1M) is above uncached input"), suspicions.toString());
    assertThrows(IllegalArgumentException.class, () -> PriceUnits.fromUsdPerMillion("abc"));
  }

  private static UsageEvent event(long uncached, long cacheRead, long cacheWrite, long output, long reasoning) {
    return UsageEvent.newBuilder().setEventId("e").setEventTime(FROM).setTeam("t").setWorkflow("w").setService("s")
        .setProvider("p").setModel("m").setUncachedInputTokens(uncached).setCacheReadTokens(cacheRead)
        .setCacheWriteTokens(cacheWrite).setOutputTokens(output).setReasoningTokens(reasoning).setRequestCount(1)
        .build();
  }
}
