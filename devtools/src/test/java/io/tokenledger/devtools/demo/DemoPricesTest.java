package io.tokenledger.devtools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.pricing.CatalogImport;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo's list prices are the providers' real ones: each agrees with what the project's own
 * LiteLLM import ({@link CatalogImport#liteLlm}, the one `tokenledger prices import` runs) reads
 * from the real file (shared/data/litellm, 2026-02-27), to the micro-dollar per million tokens.
 * gpt-4o's mid-month cut and the self-hosted model are the demo's own.
 */
class DemoPricesTest {
  private static final Path FILE = SharedData.path("litellm/model_prices_and_context_window.json");
  private static final Instant LISTED = Instant.parse("2025-01-01T00:00:00Z");
  /** The demo's provider/model, and the one the import gives the same model (Anthropic's is dated). */
  private static final Map<String, String> IMPORTED_AS = Map.of(
      "anthropic/claude-sonnet-4", "anthropic/claude-sonnet-4-20250514",
      "openai/gpt-4o-mini", "openai/gpt-4o-mini",
      "openai/gpt-4o", "openai/gpt-4o",
      "gcp.gemini/gemini-2.5-flash", "gcp.gemini/gemini-2.5-flash",
      "openai/o4-mini", "openai/o4-mini");

  @Test
  void listPricesAreTheRealFilesToTheMicroDollar() throws Exception {
    assertTrue(Files.exists(FILE), "the real LiteLLM file is beside the checkout: " + FILE);
    Map<String, PriceVersion> imported = new HashMap<>();
    for (PriceVersion price : CatalogImport.liteLlm(Files.readAllBytes(FILE), new CatalogImport.Options(LISTED,
        provider -> true, model -> true, "test", "litellm")).prices()) {
      imported.put(price.getProvider() + "/" + price.getModel(), price);
    }
    int checked = 0;
    for (PriceVersion price : DemoCatalog.prices(Instant.parse("2026-12-07T00:00:00Z"))) {
      String key = IMPORTED_AS.get(price.getProvider() + "/" + price.getModel());
      if (key == null || !price.getEffectiveFrom().equals(LISTED)) {
        continue; // the demo's own: the self-hosted model, gpt-4o's cut
      }
      PriceVersion real = imported.get(key);
      assertTrue(real != null, key + " imported from the real file");
      String what = price.getProvider() + "/" + price.getModel() + " against " + key;
      assertEquals(real.getUncachedInputMicroUsdPerMtok(), price.getUncachedInputMicroUsdPerMtok(), what + ": input");
      assertEquals(real.getOutputMicroUsdPerMtok(), price.getOutputMicroUsdPerMtok(), what + ": output");
      assertEquals(real.getCacheReadMicroUsdPerMtok(), price.getCacheReadMicroUsdPerMtok(), what + ": cache read");
      assertEquals(real.getCacheWriteMicroUsdPerMtok(), price.getCacheWriteMicroUsdPerMtok(), what + ": cache write");
      assertEquals(real.getReasoningMicroUsdPerMtok(), price.getReasoningMicroUsdPerMtok(), what + ": reasoning");
      checked++;
    }
    assertEquals(IMPORTED_AS.size(), checked, "every listed model checked");
  }
}
