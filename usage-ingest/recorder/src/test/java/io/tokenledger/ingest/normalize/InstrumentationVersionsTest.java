package io.tokenledger.ingest.normalize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Span attributes exactly as each instrumentation version writes them (names, value types,
 * totals), read from their sources: OpenLLMetry's opentelemetry-instrumentation-openai and
 * -anthropic at 0.47.5, 0.53.4 and 0.62.1, OpenInference's semantic conventions. Each gives the
 * right provider, model and exclusive buckets.
 */
class InstrumentationVersionsTest {
  private static ProviderCall call(Map<String, ?> attributes) {
    return OtelGenAiUsage.span(attributes);
  }

  @Test
  void openLlmetry047() {
    // openai/shared: gen_ai.system by base URL ("Azure" for *.openai.azure.com), prompt_tokens with the
    // cached tokens in it, completion_tokens with reasoning in it, reasoning as gen_ai.usage.reasoning_tokens.
    ProviderCall azure = call(Map.of("gen_ai.system", "Azure", "gen_ai.request.model", "o4-mini",
        "gen_ai.response.model", "o4-mini-2025-04-16", "gen_ai.usage.prompt_tokens", 2_000L,
        "gen_ai.usage.completion_tokens", 900L, "gen_ai.usage.cache_read_input_tokens", 1_500L,
        "gen_ai.usage.reasoning_tokens", 640L, "llm.usage.total_tokens", 2_900L));
    assertEquals(new ProviderCall("azure.ai.openai", "o4-mini-2025-04-16", new TokenBuckets(500, 1_500, 0, 260, 640)),
        azure);
    // anthropic: gen_ai.system "Anthropic"; prompt = input_tokens + cache_read + cache_creation.
    ProviderCall anthropic = call(Map.of("gen_ai.system", "Anthropic", "gen_ai.request.model", "claude-sonnet-4-5",
        "gen_ai.response.model", "claude-sonnet-4-5-20250929", "gen_ai.usage.prompt_tokens", 12_345L,
        "gen_ai.usage.completion_tokens", 400L, "gen_ai.usage.cache_read_input_tokens", 10_000L,
        "gen_ai.usage.cache_creation_input_tokens", 2_000L, "llm.usage.total_tokens", 12_745L));
    assertEquals(new ProviderCall("anthropic", "claude-sonnet-4-5-20250929", new TokenBuckets(345, 10_000, 2_000, 400,
        0)), anthropic);
  }

  @Test
  void openLlmetry053() {
    // openai: gen_ai.system "AWS" (a Bedrock OpenAI-compatible endpoint), the conventions' input/output
    // names, cache reads under OpenLLMetry's own name, reasoning as llm.usage.reasoning_tokens.
    ProviderCall bedrock = call(Map.of("gen_ai.system", "AWS", "gen_ai.request.model", "openai.gpt-oss-120b-1:0",
        "gen_ai.usage.input_tokens", 1_000L, "gen_ai.usage.output_tokens", 300L,
        "gen_ai.usage.cache_read_input_tokens", 200L, "llm.usage.reasoning_tokens", 120L,
        "llm.usage.total_tokens", 1_300L));
    assertEquals(new ProviderCall("aws.bedrock", "openai.gpt-oss-120b-1:0", new TokenBuckets(800, 200, 0, 180, 120)),
        bedrock);
    ProviderCall anthropic = call(Map.of("gen_ai.system", "Anthropic", "gen_ai.request.model", "claude-haiku-4-5",
        "gen_ai.usage.input_tokens", 5_100L, "gen_ai.usage.output_tokens", 50L,
        "gen_ai.usage.cache_read_input_tokens", 5_000L, "llm.usage.total_tokens", 5_150L));
    assertEquals(new ProviderCall("anthropic", "claude-haiku-4-5", new TokenBuckets(100, 5_000, 0, 50, 0)), anthropic);
  }

  @Test
  void openLlmetry062() {
    // gen_ai.provider.name with the conventions' values, their cache and total names, reasoning as
    // gen_ai.usage.reasoning_tokens.
    ProviderCall vertex = call(Map.of("gen_ai.provider.name", "gcp.vertex_ai", "gen_ai.request.model",
        "gemini-2.5-pro", "gen_ai.usage.input_tokens", 40_000L, "gen_ai.usage.output_tokens", 2_000L,
        "gen_ai.usage.cache_read.input_tokens", 30_000L, "gen_ai.usage.reasoning_tokens", 1_500L,
        "gen_ai.usage.total_tokens", 42_000L));
    assertEquals(new ProviderCall("gcp.vertex_ai", "gemini-2.5-pro", new TokenBuckets(10_000, 30_000, 0, 500, 1_500)),
        vertex);
    ProviderCall anthropic = call(Map.of("gen_ai.provider.name", "anthropic", "gen_ai.request.model",
        "claude-opus-4-1", "gen_ai.usage.input_tokens", 3_300L, "gen_ai.usage.output_tokens", 70L,
        "gen_ai.usage.cache_read.input_tokens", 3_000L, "gen_ai.usage.cache_creation.input_tokens", 200L,
        "gen_ai.usage.total_tokens", 3_370L));
    assertEquals(new ProviderCall("anthropic", "claude-opus-4-1", new TokenBuckets(100, 3_000, 200, 70, 0)), anthropic);
  }

  @Test
  void openInference() {
    // llm.provider "azure", llm.system "openai"; the prompt count is the whole prompt.
    ProviderCall azure = call(Map.of("llm.provider", "azure", "llm.system", "openai", "llm.model_name", "gpt-4o",
        "llm.token_count.prompt", 900L, "llm.token_count.completion", 100L, "llm.token_count.total", 1_000L,
        "llm.token_count.prompt_details.cache_read", 600L, "llm.token_count.completion_details.reasoning", 0L));
    assertEquals(new ProviderCall("azure.ai.openai", "gpt-4o", new TokenBuckets(300, 600, 0, 100, 0)), azure);
    ProviderCall mistral = call(Map.of("llm.provider", "mistralai", "llm.model_name", "mistral-large-latest",
        "llm.token_count.prompt", 50L, "llm.token_count.completion", 5L));
    assertEquals("mistral_ai", mistral.provider());
    assertEquals("x_ai", call(Map.of("llm.provider", "xai", "llm.model_name", "grok-4", "llm.token_count.prompt", 1L))
        .provider());
    assertEquals("aws.bedrock", call(Map.of("llm.provider", "aws", "llm.model_name",
        "anthropic.claude-sonnet-4-5-20250929-v1:0", "llm.token_count.prompt", 1L)).provider());
  }
}
