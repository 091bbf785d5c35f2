package io.tokenledger.ingest.normalize;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Google Gemini {@code usageMetadata}. {@code promptTokenCount} includes
 * {@code cachedContentTokenCount}; {@code toolUsePromptTokenCount} is further input;
 * {@code thoughtsTokenCount} (thinking) is reported apart from {@code candidatesTokenCount}.
 */
public final class GeminiUsage {
  public static final String PROVIDER = "gcp.gemini";

  private GeminiUsage() {}

  public static TokenBuckets usageMetadata(JsonNode usage) {
    long prompt = Json.count(usage, "promptTokenCount");
    long cached = Json.count(usage, "cachedContentTokenCount");
    long toolUse = Json.count(usage, "toolUsePromptTokenCount");
    long uncached = Json.minus(prompt, "promptTokenCount", cached, "cachedContentTokenCount");
    return new TokenBuckets(Math.addExact(uncached, toolUse), cached, 0, Json.count(usage, "candidatesTokenCount"),
        Json.count(usage, "thoughtsTokenCount"));
  }

  /** A whole generateContent response. */
  public static ProviderCall generateContentResponse(JsonNode response) {
    if (!Json.has(response, "usageMetadata")) {
      throw new UsageShapeException("usageMetadata", "is missing or null");
    }
    return new ProviderCall(PROVIDER, Json.text(response, "modelVersion"), usageMetadata(response.get("usageMetadata")));
  }

  /** streamGenerateContent: every chunk has cumulative usageMetadata; the last one is final. */
  public static ProviderCall streamGenerateContent(Iterable<JsonNode> chunks) {
    JsonNode last = null;
    for (JsonNode chunk : chunks) {
      if (Json.has(chunk, "usageMetadata")) {
        last = chunk;
      }
    }
    if (last == null) {
      throw new UsageShapeException("usageMetadata", "no chunk of the stream carries usageMetadata");
    }
    return generateContentResponse(last);
  }
}
