package io.tokenledger.ingest.normalize;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * OpenAI usage objects. In both APIs the input total already contains the cached and the audio
 * tokens, and the output total the reasoning and the audio tokens; they are split out, not added.
 * OpenAI reports no cache writes. A response says which service tier served it
 * ({@code service_tier}: {@code default}, {@code flex}, {@code priority}, {@code scale}).
 */
public final class OpenAiUsage {
  public static final String PROVIDER = "openai";

  private OpenAiUsage() {}

  /** Chat Completions {@code usage}: prompt_tokens, completion_tokens and their details. */
  public static TokenBuckets chatCompletions(JsonNode usage) {
    long prompt = Json.count(usage, "prompt_tokens");
    long cached = Json.count(usage, "prompt_tokens_details.cached_tokens");
    long audioIn = Json.count(usage, "prompt_tokens_details.audio_tokens");
    long completion = Json.count(usage, "completion_tokens");
    long reasoning = Json.count(usage, "completion_tokens_details.reasoning_tokens");
    long audioOut = Json.count(usage, "completion_tokens_details.audio_tokens");
    long uncached = Json.minus(Json.minus(prompt, "prompt_tokens", cached, "prompt_tokens_details.cached_tokens"),
        "prompt_tokens less cached_tokens", audioIn, "prompt_tokens_details.audio_tokens");
    long output = Json.minus(Json.minus(completion, "completion_tokens", reasoning,
        "completion_tokens_details.reasoning_tokens"), "completion_tokens less reasoning_tokens", audioOut,
        "completion_tokens_details.audio_tokens");
    return new TokenBuckets(uncached, cached, 0, 0, output, reasoning, audioIn, audioOut);
  }

  /** Responses API {@code usage}: input_tokens, output_tokens and their details. */
  public static TokenBuckets responses(JsonNode usage) {
    long input = Json.count(usage, "input_tokens");
    long cached = Json.count(usage, "input_tokens_details.cached_tokens");
    long output = Json.count(usage, "output_tokens");
    long reasoning = Json.count(usage, "output_tokens_details.reasoning_tokens");
    return new TokenBuckets(Json.minus(input, "input_tokens", cached, "input_tokens_details.cached_tokens"),
        cached, 0, Json.minus(output, "output_tokens", reasoning, "output_tokens_details.reasoning_tokens"),
        reasoning);
  }

  /** A whole Chat Completions response (or the final streamed chunk carrying usage). */
  public static ProviderCall chatCompletionResponse(JsonNode response) {
    if (!Json.has(response, "usage")) {
      throw new UsageShapeException("usage", "is missing or null; for streams set stream_options.include_usage "
          + "and pass the final chunk");
    }
    return new ProviderCall(PROVIDER, Json.text(response, "model"), chatCompletions(response.get("usage")),
        serviceTier(response));
  }

  /** The tier the response was served at; null (standard) when it does not say. */
  static String serviceTier(JsonNode response) {
    JsonNode tier = response.get("service_tier");
    return tier == null || !tier.isTextual() ? null : tier.asText();
  }

  /**
   * A streamed Chat Completion: with {@code stream_options: {"include_usage": true}} the last
   * chunk has empty choices and the usage of the whole response; earlier chunks have null.
   */
  public static ProviderCall chatCompletionStream(Iterable<JsonNode> chunks) {
    JsonNode last = null;
    for (JsonNode chunk : chunks) {
      if (Json.has(chunk, "usage")) {
        last = chunk;
      }
    }
    if (last == null) {
      throw new UsageShapeException("usage", "no chunk of the stream carries usage; request it with "
          + "stream_options.include_usage=true");
    }
    return chatCompletionResponse(last);
  }

  /** A whole Responses API response object. */
  public static ProviderCall responsesResponse(JsonNode response) {
    if (!Json.has(response, "usage")) {
      throw new UsageShapeException("usage", "is missing or null");
    }
    return new ProviderCall(PROVIDER, Json.text(response, "model"), responses(response.get("usage")),
        serviceTier(response));
  }

  /** A streamed Responses API call: the {@code response.completed} event holds the final response. */
  public static ProviderCall responsesStream(Iterable<JsonNode> events) {
    for (JsonNode event : events) {
      if ("response.completed".equals(event.path("type").asText()) && Json.has(event, "response")) {
        return responsesResponse(event.get("response"));
      }
    }
    throw new UsageShapeException("response.completed", "the stream has no response.completed event; "
        + "usage is only known once the response completes");
  }
}
