package io.tokenledger.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A correction re-rates ledger buckets kept per model only: it is refused when more than one
 * catalog entry may have priced the model in its period, or when a tiered price was in force.
 */
class ReratingRefusalTest {
  private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant DEC = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void oneEntryWithoutATierMayBeCorrected() {
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", JAN));
    catalog.put(price("openai", "gpt-4o-mini", JAN)); // another model: not in the way
    assertEquals(Optional.empty(), Rerating.refusal(catalog, spec("openai", "gpt-4o")));
  }

  @Test
  void anotherProviderOrSnapshotOfTheModelIsNotInTheWay() {
    // Buckets are kept per catalog entry that priced them: correcting one never re-rates another's.
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", JAN));
    catalog.put(price("openai", "gpt-4o-2024-05-13", JAN));
    catalog.put(price("azure.ai.openai", "gpt-4o", JAN));
    assertEquals(Optional.empty(), Rerating.refusal(catalog, spec("openai", "gpt-4o-2024-05-13")));
    assertEquals(Optional.empty(), Rerating.refusal(catalog, spec("azure.ai.openai", "gpt-4o")));
  }

  @Test
  void aTieredPriceInForceInThePeriodIsRefused() {
    PriceBook catalog = new PriceBook();
    catalog.put(PriceVersion.newBuilder(price("anthropic", "claude-sonnet-4-5", JAN))
        .setLongContextTier(PriceTier.newBuilder().setAboveInputTokens(200_000)
            .setUncachedInputMicroUsdPerMtok(6_000_000).setCacheReadMicroUsdPerMtok(600_000)
            .setCacheWriteMicroUsdPerMtok(7_500_000).setOutputMicroUsdPerMtok(22_500_000)
            .setReasoningMicroUsdPerMtok(22_500_000).build()).build());
    assertEquals(Optional.of("the price in force in the period (anthropic/claude-sonnet-4-5@2026-01-01T00:00:00Z) has "
        + "a long-context tier, which ledger buckets cannot re-rate (they keep no event sizes): a correction would drop "
        + "the premium that long calls paid; correct a period without a tiered price"),
        Rerating.refusal(catalog, spec("anthropic", "claude-sonnet-4-5")));
  }

  private static Rerating.Spec spec(String provider, String model) {
    return new Rerating.Spec(price(provider, model, NOV), NOV, DEC, "wrong price", "test");
  }

  private static PriceVersion price(String provider, String model, Instant from) {
    return PriceVersion.newBuilder().setProvider(provider).setModel(model).setEffectiveFrom(from)
        .setUncachedInputMicroUsdPerMtok(2_500_000).setCacheReadMicroUsdPerMtok(1_250_000)
        .setCacheWriteMicroUsdPerMtok(2_500_000).setOutputMicroUsdPerMtok(10_000_000)
        .setReasoningMicroUsdPerMtok(10_000_000).build();
  }
}
