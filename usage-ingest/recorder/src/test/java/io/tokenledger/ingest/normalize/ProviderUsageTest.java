package io.tokenledger.ingest.normalize;

import static io.tokenledger.testing.ProviderPayloads.json;
import static io.tokenledger.testing.ProviderPayloads.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.testing.ProviderPayloads;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderUsageTest {

  @Test
  void openAiChatSplitsCachedTokensOutOfThePromptTotal() {
    ProviderCall call = OpenAiUsage.chatCompletionResponse(json(ProviderPayloads.OPENAI_CHAT_CACHED));
    assertEquals("openai", call.provider());
    assertEquals("gpt-4o-2024-08-06", call.model());
    assertEquals(new TokenBuckets(86, 1920, 0, 300, 0), call.tokens());
    assertEquals(2306, call.tokens().total(), "every token of total_tokens counted exactly once");
  }

  @Test
  void openAiAudioIsABucketOfItsOwnAndTheTierIsKept() {
    ProviderCall call = OpenAiUsage.chatCompletionResponse(json(ProviderPayloads.OPENAI_CHAT_AUDIO));
    assertEquals(new TokenBuckets(8, 0, 0, 0, 17, 0, 120, 37), call.tokens());
    assertEquals(182, call.tokens().total(), "every token of total_tokens counted exactly once");
    assertEquals("flex", call.serviceTier());
    assertEquals(null, OpenAiUsage.chatCompletionResponse(json(ProviderPayloads.OPENAI_CHAT_CACHED)).serviceTier(),
        "'default' is the standard tier");
  }

  @Test
  void anthropicOneHourCacheWritesAreABucketOfTheirOwn() {
    ProviderCall call = AnthropicUsage.messageResponse(json(ProviderPayloads.ANTHROPIC_MESSAGE_1H));
    assertEquals(new TokenBuckets(12, 2048, 2048, 4096, 250, 0, 0, 0), call.tokens());
    assertEquals("priority", call.serviceTier());
    assertEquals(null, AnthropicUsage.messageResponse(json(ProviderPayloads.ANTHROPIC_MESSAGE_CACHED)).serviceTier());
  }

  @Test
  void geminiAudioInThePromptIsABucketOfItsOwn() {
    ProviderCall call = GeminiUsage.generateContentResponse(json(ProviderPayloads.GEMINI_AUDIO));
    assertEquals(new TokenBuckets(12, 0, 0, 0, 50, 0, 320, 0), call.tokens());
    assertEquals(382, call.tokens().total());
  }

  @Test
  void openInferenceAudioDetailsAreSplitOutOfPromptAndCompletion() {
    // OpenInference's details are subsets of llm.token_count.prompt and .completion.
    ProviderCall call = OtelGenAiUsage.span(Map.of("llm.provider", "openai", "llm.model_name", "gpt-4o-audio-preview",
        "llm.token_count.prompt", 128L, "llm.token_count.completion", 54L, "llm.token_count.total", 182L,
        "llm.token_count.prompt_details.audio", 120L, "llm.token_count.completion_details.audio", 37L,
        "openai.response.service_tier", "priority"));
    assertEquals(new TokenBuckets(8, 0, 0, 0, 17, 0, 120, 37), call.tokens());
    assertEquals("priority", call.serviceTier());
  }

  @Test
  void openAiChatSplitsReasoningOutOfTheCompletionTotal() {
    TokenBuckets tokens = OpenAiUsage.chatCompletionResponse(json(ProviderPayloads.OPENAI_CHAT_REASONING)).tokens();
    assertEquals(new TokenBuckets(94, 1024, 0, 302, 2048), tokens);
    assertEquals(3468, tokens.total());
  }

  @Test
  void openAiChatStreamTakesTheFinalUsageChunk() {
    ProviderCall call = OpenAiUsage.chatCompletionStream(lines(ProviderPayloads.OPENAI_CHAT_STREAM));
    assertEquals("gpt-4o-mini-2024-07-18", call.model());
    assertEquals(new TokenBuckets(48, 1152, 0, 12, 0), call.tokens());
  }

  @Test
  void openAiChatStreamWithoutUsageSaysHowToGetIt() {
    var e = assertThrows(UsageShapeException.class, () -> OpenAiUsage.chatCompletionStream(
        lines(ProviderPayloads.OPENAI_CHAT_STREAM[0], ProviderPayloads.OPENAI_CHAT_STREAM[1])));
    assertTrue(e.getMessage().contains("stream_options.include_usage"), e.getMessage());
  }

  @Test
  void openAiResponsesAndItsStream() {
    ProviderCall plain = OpenAiUsage.responsesResponse(json(ProviderPayloads.OPENAI_RESPONSES));
    assertEquals("gpt-4.1-2025-04-14", plain.model());
    assertEquals(new TokenBuckets(36, 0, 0, 87, 0), plain.tokens());

    ProviderCall streamed = OpenAiUsage.responsesStream(lines(ProviderPayloads.OPENAI_RESPONSES_STREAM));
    assertEquals("o3-2025-04-16", streamed.model());
    assertEquals(new TokenBuckets(904, 4096, 0, 284, 1216), streamed.tokens());
    assertEquals(6500, streamed.tokens().total());
  }

  @Test
  void anthropicCacheFieldsAreAlreadyApartFromInputTokens() {
    ProviderCall call = AnthropicUsage.messageResponse(json(ProviderPayloads.ANTHROPIC_MESSAGE_CACHED));
    assertEquals("anthropic", call.provider());
    assertEquals("claude-sonnet-4-20250514", call.model());
    assertEquals(new TokenBuckets(21, 188086, 188, 393, 0), call.tokens());
  }

  @Test
  void anthropicStreamKeepsTheLatestCumulativeOutputNotTheSum() {
    ProviderCall call = AnthropicUsage.messageStream(lines(ProviderPayloads.ANTHROPIC_STREAM));
    assertEquals("claude-3-5-haiku-20241022", call.model());
    assertEquals(new TokenBuckets(472, 2048, 0, 156, 0), call.tokens(), "156, not 2 + 89 + 156");
  }

  @Test
  void geminiSplitsCachedContentOutOfThePromptAndKeepsThoughtsApart() {
    ProviderCall call = GeminiUsage.generateContentResponse(json(ProviderPayloads.GEMINI_CACHED_THINKING));
    assertEquals("gcp.gemini", call.provider());
    assertEquals("gemini-2.5-flash", call.model());
    assertEquals(new TokenBuckets(1872, 10240, 0, 640, 1200), call.tokens());
    assertEquals(13952, call.tokens().total(), "equals totalTokenCount");
  }

  @Test
  void geminiStreamTakesTheLastCumulativeUsage() {
    ProviderCall call = GeminiUsage.streamGenerateContent(lines(ProviderPayloads.GEMINI_STREAM));
    assertEquals(new TokenBuckets(9, 0, 0, 31, 0), call.tokens());
    assertEquals("gemini-2.5-flash-lite", call.model());
  }

  @Test
  void otelAttributesFollowTheSemanticConventions() {
    ProviderCall call = OtelGenAiUsage.span(Map.of(
        "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o", "gen_ai.response.model", "gpt-4o-2024-08-06",
        "gen_ai.usage.input_tokens", 2006L, "gen_ai.usage.cache_read.input_tokens", 1920L,
        "gen_ai.usage.output_tokens", 300L, "gen_ai.usage.reasoning.output_tokens", 100L));
    assertEquals("gpt-4o-2024-08-06", call.model());
    assertEquals(new TokenBuckets(86, 1920, 0, 200, 100), call.tokens());
  }

  @Test
  void otelInputOfOpenLlmetrysAnthropicInstrumentationIncludesTheCache() {
    // OpenLLMetry 0.47-0.62 writes input = Anthropic's input_tokens + cache reads + cache writes.
    TokenBuckets legacy = OtelGenAiUsage.attributes(Map.of("gen_ai.system", "Anthropic",
        "gen_ai.usage.prompt_tokens", "188295", "gen_ai.usage.cache_read_input_tokens", "188086",
        "gen_ai.usage.cache_creation_input_tokens", "188", "gen_ai.usage.completion_tokens", "393",
        "llm.usage.total_tokens", "188688"));
    assertEquals(new TokenBuckets(21, 188086, 188, 393, 0), legacy);
    // Without a total, the same: input holds the cache; input smaller than the cache is refused, not guessed.
    var smaller = assertThrows(UsageShapeException.class, () -> OtelGenAiUsage.attributes(Map.of("gen_ai.system",
        "anthropic", "gen_ai.usage.input_tokens", "21", "gen_ai.usage.cache_read.input_tokens", "188086")));
    assertTrue(smaller.getMessage().contains("gen_ai.usage.input_tokens"), smaller.getMessage());
  }

  @Test
  void otelInputUnderTheCurrentConventionsIncludesTheCacheAndIsRefusedWhenSmaller() {
    TokenBuckets inclusive = OtelGenAiUsage.attributes(Map.of("gen_ai.provider.name", "anthropic",
        "gen_ai.usage.input_tokens", "5000", "gen_ai.usage.cache_read.input_tokens", "2000",
        "gen_ai.usage.output_tokens", "10"));
    assertEquals(new TokenBuckets(3000, 2000, 0, 10, 0), inclusive);
    var inconsistent = assertThrows(UsageShapeException.class, () -> OtelGenAiUsage.attributes(Map.of(
        "gen_ai.provider.name", "anthropic", "gen_ai.usage.input_tokens", "21",
        "gen_ai.usage.cache_read.input_tokens", "188086")));
    assertTrue(inconsistent.getMessage().contains("gen_ai.usage.input_tokens"), inconsistent.getMessage());
  }

  @Test
  void refusesInconsistentOrNegativeCountsNamingTheField() {
    var cachedAboveTotal = assertThrows(UsageShapeException.class, () -> OpenAiUsage.chatCompletions(
        json("{\"prompt_tokens\": 10, \"completion_tokens\": 1, \"prompt_tokens_details\": {\"cached_tokens\": 20}}")));
    assertEquals("prompt_tokens_details.cached_tokens", cachedAboveTotal.field());
    var negative = assertThrows(UsageShapeException.class, () -> AnthropicUsage.messages(
        json("{\"input_tokens\": -3, \"output_tokens\": 1}")));
    assertEquals("input_tokens", negative.field());
    var fractional = assertThrows(UsageShapeException.class, () -> GeminiUsage.usageMetadata(
        json("{\"promptTokenCount\": 1.5}")));
    assertEquals("promptTokenCount", fractional.field());
  }
}
