package io.tokenledger.devtools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.testing.SharedData;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo's list prices are the providers' real ones: each agrees with the real LiteLLM file
 * (shared/data/litellm, 2026-02-27) to the micro-dollar per million tokens. A cache write the
 * file has no price for is billed as input (OpenAI and Gemini charge none of their own); reasoning
 * tokens are billed as output. gpt-4o's mid-month cut and the self-hosted model are the demo's own.
 */
class DemoPricesTest {
  private static final Path FILE = SharedData.path("litellm/model_prices_and_context_window.json");
  /** The demo's provider/model, and its key in the LiteLLM file. */
  private static final Map<String, String> LITELLM_KEYS = Map.of(
      "anthropic/claude-sonnet-4", "claude-sonnet-4-20250514",
      "openai/gpt-4o-mini", "gpt-4o-mini",
      "openai/gpt-4o", "gpt-4o",
      "gcp.gemini/gemini-2.5-flash", "gemini/gemini-2.5-flash",
      "openai/o4-mini", "o4-mini");

  @Test
  void listPricesAreTheRealFilesToTheMicroDollar() throws Exception {
    assertTrue(Files.exists(FILE), "the real LiteLLM file is beside the checkout: " + FILE);
    JsonNode file = new ObjectMapper().readTree(Files.readAllBytes(FILE));
    Instant listed = Instant.parse("2025-01-01T00:00:00Z");
    int checked = 0;
    for (PriceVersion price : DemoCatalog.prices(Instant.parse("2026-12-07T00:00:00Z"))) {
      String key = LITELLM_KEYS.get(price.getProvider() + "/" + price.getModel());
      if (key == null || !price.getEffectiveFrom().equals(listed)) {
        continue; // the demo's own: the self-hosted model, gpt-4o's cut
      }
      JsonNode model = file.get(key);
      String what = price.getProvider() + "/" + price.getModel() + " against " + key;
      long input = perMillion(model, "input_cost_per_token");
      long output = perMillion(model, "output_cost_per_token");
      assertEquals(input, price.getUncachedInputMicroUsdPerMtok(), what + ": input");
      assertEquals(output, price.getOutputMicroUsdPerMtok(), what + ": output");
      assertEquals(perMillion(model, "cache_read_input_token_cost"), price.getCacheReadMicroUsdPerMtok(),
          what + ": cache read");
      long cacheWrite = model.hasNonNull("cache_creation_input_token_cost")
          ? perMillion(model, "cache_creation_input_token_cost") : input;
      assertEquals(cacheWrite, price.getCacheWriteMicroUsdPerMtok(), what + ": cache write");
      assertEquals(output, price.getReasoningMicroUsdPerMtok(), what + ": reasoning");
      checked++;
    }
    assertEquals(LITELLM_KEYS.size(), checked, "every listed model checked");
  }

  /** A per-token USD price in the file as micro-USD per million tokens, exactly. */
  private static long perMillion(JsonNode model, String field) {
    return new BigDecimal(model.get(field).asText()).movePointRight(12).longValueExact();
  }
}
