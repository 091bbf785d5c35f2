package io.tokenledger.systemtests;

import static io.tokenledger.testing.ProviderPayloads.json;
import static io.tokenledger.testing.ProviderPayloads.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.pricing.Cost;
import io.tokenledger.ingest.normalize.AnthropicUsage;
import io.tokenledger.ingest.normalize.GeminiUsage;
import io.tokenledger.ingest.normalize.OpenAiUsage;
import io.tokenledger.ingest.normalize.ProviderCall;
import io.tokenledger.ingest.normalize.UsageEvents;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.testing.ProviderPayloads;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Each documented provider payload, normalised by the ingest library and priced by the
 * topology's cost function, costs exactly what the provider's price list says, with every
 * cached token charged once at the cache price.
 */
class ProviderCostTest {
  @Test
  void openAiChatWithPromptCaching() {
    // gpt-4o: $2.50 input, $1.25 cached input, $10.00 output per 1M tokens.
    PriceVersion gpt4o = price(2_500_000, 1_250_000, 0, 10_000_000, 10_000_000);
    ProviderCall call = OpenAiUsage.chatCompletionResponse(json(ProviderPayloads.OPENAI_CHAT_CACHED));
    // 86 x 2.50 + 1,920 x 1.25 + 300 x 10.00 = 215 + 2,400 + 3,000 = 5,615 micro-USD
    assertEquals(5_615_000, cost(call, gpt4o));
    // Pricing prompt_tokens in full and the cache again would have cost 10,415 micro-USD.
    assertTrue(cost(call, gpt4o) < (2006L * 2_500_000 + 1920L * 1_250_000 + 300L * 10_000_000) / 1000);
  }

  @Test
  void openAiReasoningModelChargesReasoningOnceAtItsPrice() {
    // o4-mini: $1.10 input, $0.275 cached, $4.40 output and reasoning.
    ProviderCall call = OpenAiUsage.chatCompletionResponse(json(ProviderPayloads.OPENAI_CHAT_REASONING));
    // 94 x 1.10 + 1,024 x 0.275 + 302 x 4.40 + 2,048 x 4.40 = 103.4 + 281.6 + 1,328.8 + 9,011.2 = 10,725 micro-USD
    assertEquals(10_725_000, cost(call, price(1_100_000, 275_000, 0, 4_400_000, 4_400_000)));
  }

  @Test
  void openAiResponsesStream() {
    // o3: $2.00 input, $0.50 cached, $8.00 output and reasoning.
    ProviderCall call = OpenAiUsage.responsesStream(lines(ProviderPayloads.OPENAI_RESPONSES_STREAM));
    // 904 x 2 + 4,096 x 0.5 + 284 x 8 + 1,216 x 8 = 1,808 + 2,048 + 2,272 + 9,728 = 15,856 micro-USD
    assertEquals(15_856_000, cost(call, price(2_000_000, 500_000, 0, 8_000_000, 8_000_000)));
  }

  @Test
  void anthropicWithCacheReadsAndWrites() {
    // Claude Sonnet 4: $3 input, $0.30 cache read, $3.75 cache write, $15 output.
    ProviderCall call = AnthropicUsage.messageResponse(json(ProviderPayloads.ANTHROPIC_MESSAGE_CACHED));
    // 21 x 3 + 188,086 x 0.30 + 188 x 3.75 + 393 x 15 = 63 + 56,425.8 + 705 + 5,895 = 63,088.8 micro-USD
    assertEquals(63_088_800, cost(call, price(3_000_000, 300_000, 3_750_000, 15_000_000, 15_000_000)));
  }

  @Test
  void geminiWithContextCacheAndThinking() {
    // Gemini 2.5 Flash, as LiteLLM's price file lists it: $0.30 input, $0.03 cached, $2.50 output (thinking included).
    ProviderCall call = GeminiUsage.generateContentResponse(json(ProviderPayloads.GEMINI_CACHED_THINKING));
    // 1,872 x 0.30 + 10,240 x 0.03 + 640 x 2.50 + 1,200 x 2.50 = 561.6 + 307.2 + 1,600 + 3,000 = 5,468.8 micro-USD
    assertEquals(5_468_800, cost(call, price(300_000, 30_000, 0, 2_500_000, 2_500_000)));
  }

  private static long cost(ProviderCall call, PriceVersion price) {
    return Cost.nanoUsd(UsageEvents.from(call, "support", "triage", "support-bot").build(), price);
  }

  private static PriceVersion price(long input, long cacheRead, long cacheWrite, long output, long reasoning) {
    return PriceVersion.newBuilder().setProvider("any").setModel("any").setEffectiveFrom(Instant.EPOCH)
        .setUncachedInputMicroUsdPerMtok(input).setCacheReadMicroUsdPerMtok(cacheRead)
        .setCacheWriteMicroUsdPerMtok(cacheWrite).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(reasoning).build();
  }
}
