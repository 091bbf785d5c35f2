package io.tokenledger.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.PriceVersion;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** After a correction the catalog says the corrected price for the period, and the old one again after it. */
class CatalogFixTest {
  private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOV_1 = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant NOV_10 = Instant.parse("2026-11-10T00:00:00Z");
  private static final Instant NOV_20 = Instant.parse("2026-11-20T00:00:00Z");

  @Test
  void theCorrectedPriceHoldsInThePeriodAndThePriceInForceAtItsEndComesBack() {
    PriceVersion wrong = price(JAN, 25_000_000, "typo");
    PriceVersion inside = price(NOV_10, 24_000_000, "a change inside the period");
    PriceVersion other = PriceVersion.newBuilder(price(JAN, 1_000, "another model")).setModel("gpt-4o-mini").build();
    Rerating.Spec spec = new Rerating.Spec(price(NOV_1, 2_500_000, null), NOV_1, NOV_20, "x10", "finops");

    List<PriceVersion> writes = Rerating.catalogFix(List.of(wrong, inside, other), spec);

    assertEquals(List.of(NOV_1, NOV_10, NOV_20), writes.stream().map(PriceVersion::getEffectiveFrom).toList());
    assertEquals(List.of(2_500_000L, 2_500_000L, 24_000_000L),
        writes.stream().map(PriceVersion::getUncachedInputMicroUsdPerMtok).toList());
    assertEquals(spec.id() + ": x10", writes.get(0).getSource());
    assertEquals("in force again after " + spec.id(), writes.get(2).getSource());
    // A version that begins at the period's end already says what comes after: nothing restored.
    assertEquals(2, Rerating.catalogFix(List.of(wrong, inside, price(NOV_20, 3_000_000, "next")), spec).size());
  }

  private static PriceVersion price(Instant from, long input, String source) {
    return PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o").setEffectiveFrom(from)
        .setUncachedInputMicroUsdPerMtok(input).setCacheReadMicroUsdPerMtok(input / 2)
        .setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(input * 4).setReasoningMicroUsdPerMtok(input * 4)
        .setSource(source).build();
  }
}
