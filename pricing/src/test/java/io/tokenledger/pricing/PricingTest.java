package io.tokenledger.pricing;

import io.tokenledger.schemas.models.ModelNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PricingTest {
  private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant JUL = Instant.parse("2026-07-01T00:00:00Z");

  @Test
  void normalisesProviderPrefixesVersionsAndDateSnapshots() {
    assertEquals("gpt-4o", ModelNames.normalise("gpt-4o-2024-08-06"));
    assertEquals("gpt-4o", ModelNames.normalise("openai/gpt-4o"));
    assertEquals("claude-sonnet-4", ModelNames.normalise("claude-sonnet-4-20250514"));
    assertEquals("claude-3-5-sonnet-v2", ModelNames.normalise("claude-3-5-sonnet-v2@20241022"));
    assertEquals("gemini-2.5-flash", ModelNames.normalise("models/gemini-2.5-flash"));
    assertEquals("gpt-4o-mini", ModelNames.normalise(" GPT-4o-mini "));
    assertEquals("o4-mini", ModelNames.normalise("o4-mini"));
  }

  @Test
  void findsThePriceInForceAtTheEventTimeAndPrefersAnExactSnapshotPrice() {
    PriceBook book = new PriceBook();
    book.put(price("gpt-4o", JAN, 2_500_000));
    book.put(price("gpt-4o", JUL, 2_000_000));
    book.put(price("gpt-4o-2024-05-13", JAN, 5_000_000));

    assertTrue(book.priceAt("openai", "gpt-4o", JAN.toEpochMilli() - 1).isEmpty(), "no price before the first version");
    assertEquals(2_500_000, input(book, "gpt-4o-2024-08-06", JAN));
    assertEquals(2_500_000, input(book, "gpt-4o", JUL.minusMillis(1)));
    assertEquals(2_000_000, input(book, "gpt-4o", JUL));
    assertEquals(5_000_000, input(book, "gpt-4o-2024-05-13", JUL));
    assertTrue(book.priceAt("anthropic", "gpt-4o", JUL.toEpochMilli()).isEmpty(), "provider is part of the key");

    book.remove(PriceBook.catalogKey(price("gpt-4o", JUL, 2_000_000)));
    assertEquals(2_500_000, input(book, "gpt-4o", JUL));
  }

  @Test
  void costIsExactInPicoUsdAndRoundedOnceToNanoUsd() {
    PriceVersion price = PriceVersion.newBuilder().setProvider("openai").setModel("m").setEffectiveFrom(JAN)
        .setUncachedInputMicroUsdPerMtok(150_000).setCacheReadMicroUsdPerMtok(75_000)
        .setCacheWriteMicroUsdPerMtok(187_500).setOutputMicroUsdPerMtok(600_000)
        .setReasoningMicroUsdPerMtok(600_000).build();
    // 7*150000 + 3*75000 + 1*187500 + 2*600000 + 5*600000 = 5,662,500 pico-USD = 5,662.5 nano-USD -> 5,663
    assertEquals(5_663, Cost.nanoUsd(event(7, 3, 1, 2, 5), price));
    assertEquals(0, Cost.nanoUsd(event(0, 0, 0, 0, 0), price));
    // One token at $0.15 per 1M is 150,000 pico-USD = exactly 150 nano-USD.
    assertEquals(150, Cost.nanoUsd(event(1, 0, 0, 0, 0), price));
    // At $0.0015 per 1M one token is 1,500 pico-USD = 1.5 nano-USD: rounded half-up once, to 2.
    assertEquals(2, Cost.nanoUsd(event(1, 0, 0, 0, 0), price("m", JAN, 1_500)));
    assertEquals(1, Cost.nanoUsd(event(1, 0, 0, 0, 0), price("m", JAN, 1_499)));
  }

  @Test
  void refusesToOverflowInsteadOfWrappingAround() {
    PriceVersion absurd = price("m", JAN, Long.MAX_VALUE / 2);
    assertThrows(ArithmeticException.class, () -> Cost.nanoUsd(event(3, 0, 0, 0, 0), absurd));
  }

  private static long input(PriceBook book, String model, Instant at) {
    return book.priceAt("openai", model, at.toEpochMilli()).orElseThrow().getUncachedInputMicroUsdPerMtok();
  }

  private static PriceVersion price(String model, Instant from, long input) {
    return PriceVersion.newBuilder().setProvider("openai").setModel(model).setEffectiveFrom(from)
        .setUncachedInputMicroUsdPerMtok(input).setCacheReadMicroUsdPerMtok(input / 2)
        .setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(input * 4).setReasoningMicroUsdPerMtok(input * 4)
        .build();
  }

  private static UsageEvent event(long input, long cacheRead, long cacheWrite, long output, long reasoning) {
    return UsageEvent.newBuilder().setEventId("e").setEventTime(JAN).setTeam("t").setWorkflow("w").setService("s")
        .setProvider("openai").setModel("m").setUncachedInputTokens(input).setCacheReadTokens(cacheRead)
        .setCacheWriteTokens(cacheWrite).setOutputTokens(output).setReasoningTokens(reasoning).build();
  }
}
