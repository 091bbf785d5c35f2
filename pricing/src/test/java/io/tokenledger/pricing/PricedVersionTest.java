package io.tokenledger.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.ExactPrices;
import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.ServiceTierPrice;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.tokens.TokenKind;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which prices an event pays, on hand-computed figures: fallbacks, tiers and exact decimals. */
class PricedVersionTest {
  private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void missingKindsFallBackToTheirTextPrices() {
    Rates rates = PricedVersion.of(price().build()).base();
    assertEquals(3_750_000, rates.micro(TokenKind.CACHE_WRITE_1H), "1-hour writes at the cache-write price");
    assertEquals(3_000_000, rates.micro(TokenKind.AUDIO_INPUT), "audio in at the input price, never free");
    assertEquals(15_000_000, rates.micro(TokenKind.AUDIO_OUTPUT), "audio out at the output price");
    // 1,000 of each kind: 3 + 0.3 + 3.75 + 3.75 + 15 + 15 + 3 + 15 = 58.8 USD per 1M, so $0.0588.
    assertEquals(58_800_000, PricedVersion.of(price().build()).nanoUsd(every(1_000).build()));
  }

  @Test
  void aServiceTierPaysItsTextPricesAndTheBaseOnesForTheRest() {
    PricedVersion priced = PricedVersion.of(price().setCacheWrite1hMicroUsdPerMtok(6_000_000L)
        .setServiceTiers(List.of(ServiceTierPrice.newBuilder().setTier("batch").setUncachedInputMicroUsdPerMtok(1_500_000)
            .setCacheReadMicroUsdPerMtok(150_000).setCacheWriteMicroUsdPerMtok(1_875_000)
            .setOutputMicroUsdPerMtok(7_500_000).setReasoningMicroUsdPerMtok(7_500_000).build())).build());
    // 1.5 + 0.15 + 1.875 + 6 (base 1h) + 7.5 + 7.5 + 3 + 15 (base audio) = 42.525 USD per 1M
    assertEquals(42_525_000, priced.nanoUsd(every(1_000).setServiceTier("batch").build()));
    assertEquals(61_050_000, priced.nanoUsd(every(1_000).setServiceTier("standard").build()), "the standard tier");
    assertEquals(61_050_000, priced.nanoUsd(every(1_000).setServiceTier("flex").build()),
        "a tier without prices of its own");
  }

  @Test
  void pricesFinerThanAMicroDollarAreExactAndRoundedOncePerEvent() {
    PricedVersion priced = PricedVersion.of(price().setOutputMicroUsdPerMtok(5).setExactPrices(ExactPrices.newBuilder()
        .setUncachedInput("3").setCacheRead("0.3").setCacheWrite("3.75").setOutput("0.0046875").setReasoning("15")
        .build()).build());
    assertEquals(new BigDecimal("0.0046875"), priced.base().usdPerMillion(TokenKind.OUTPUT));
    assertEquals(new BigDecimal("0.0046875"), priced.base().usdPerMillion(TokenKind.AUDIO_OUTPUT),
        "audio out falls back to the exact output price");
    // $0.0046875 per 1M is 4.6875 nano-USD a token: 100 tokens are 468.75 nano-USD, half-up once: 469.
    assertEquals(469, priced.nanoUsd(only(TokenKind.OUTPUT, 100)));
    assertEquals(4_687_500, priced.nanoUsd(only(TokenKind.OUTPUT, 1_000_000)));
    assertEquals(3_004_687_500L, priced.nanoUsd(UsageEvent.newBuilder(only(TokenKind.OUTPUT, 1_000_000))
        .setUncachedInputTokens(1_000_000).build()), "$3 + $0.0046875");
  }

  @Test
  void aLongContextTierMayBeExactToo() {
    PricedVersion priced = PricedVersion.of(price().setLongContextTier(PriceTier.newBuilder().setAboveInputTokens(128_000)
        .setUncachedInputMicroUsdPerMtok(6_000_000).setCacheReadMicroUsdPerMtok(600_000)
        .setCacheWriteMicroUsdPerMtok(7_500_000).setOutputMicroUsdPerMtok(9).setReasoningMicroUsdPerMtok(9)
        .setExactPrices(ExactPrices.newBuilder().setUncachedInput("6").setCacheRead("0.6").setCacheWrite("7.5")
            .setOutput("0.009375").setReasoning("0.009375").build()).build()).build());
    // Above 128k input (audio counts as input): 200,000 x $6 + 1,000,000 x $0.009375 per 1M = $1.209375.
    assertEquals(1_209_375_000L, priced.nanoUsd(UsageEvent.newBuilder(only(TokenKind.OUTPUT, 1_000_000))
        .setUncachedInputTokens(200_000).build()));
    assertEquals(BigDecimal.valueOf(3_000_000, 6), priced.ratesFor(only(TokenKind.AUDIO_INPUT, 128_000))
        .usdPerMillion(TokenKind.UNCACHED_INPUT), "at the threshold: the base prices");
  }

  private static PriceVersion.Builder price() {
    return PriceVersion.newBuilder().setProvider("anthropic").setModel("claude-sonnet-4").setEffectiveFrom(JAN)
        .setUncachedInputMicroUsdPerMtok(3_000_000).setCacheReadMicroUsdPerMtok(300_000)
        .setCacheWriteMicroUsdPerMtok(3_750_000).setOutputMicroUsdPerMtok(15_000_000)
        .setReasoningMicroUsdPerMtok(15_000_000);
  }

  private static UsageEvent.Builder every(long tokens) {
    return UsageEvent.newBuilder().setEventId("e").setEventTime(JAN).setTeam("t").setWorkflow("w").setService("s")
        .setProvider("anthropic").setModel("claude-sonnet-4").setUncachedInputTokens(tokens).setCacheReadTokens(tokens)
        .setCacheWriteTokens(tokens).setCacheWrite1hTokens(tokens).setOutputTokens(tokens).setReasoningTokens(tokens)
        .setAudioInputTokens(tokens).setAudioOutputTokens(tokens);
  }

  private static UsageEvent only(TokenKind kind, long tokens) {
    UsageEvent.Builder e = every(0);
    switch (kind) {
      case OUTPUT -> e.setOutputTokens(tokens);
      case AUDIO_INPUT -> e.setAudioInputTokens(tokens);
      default -> throw new IllegalArgumentException(kind.toString());
    }
    return e.build();
  }
}
