package io.tokenledger.ingest.normalize;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Google Gemini {@code usageMetadata}. {@code promptTokenCount} includes
 * {@code cachedContentTokenCount}; {@code toolUsePromptTokenCount} is further input;
 * {@code thoughtsTokenCount} (thinking) is reported apart from {@code candidatesTokenCount};
 * {@code promptTokensDetails} and {@code candidatesTokensDetails} split the counts by modality,
 * and audio is billed apart from text.
 */
public final class GeminiUsage {
  public static final String PROVIDER = "gcp.gemini";

  private GeminiUsage() {}

  public static TokenBuckets usageMetadata(JsonNode usage) {
    long prompt = Json.count(usage, "promptTokenCount");
    long cached = Json.count(usage, "cachedContentTokenCount");
    long toolUse = Json.count(usage, "toolUsePromptTokenCount");
    // promptTokensDetails splits the whole prompt by modality, cacheTokensDetails the cached part:
    // uncached audio is billed at the audio price; cached audio stays a cache read.
    long audioIn = Json.minus(modality(usage, "promptTokensDetails", "AUDIO"), "promptTokensDetails[AUDIO]",
        modality(usage, "cacheTokensDetails", "AUDIO"), "cacheTokensDetails[AUDIO]");
    long uncached = Json.minus(Json.minus(prompt, "promptTokenCount", cached, "cachedContentTokenCount"),
        "promptTokenCount less cachedContentTokenCount", audioIn, "promptTokensDetails[AUDIO]");
    long candidates = Json.count(usage, "candidatesTokenCount");
    long audioOut = modality(usage, "candidatesTokensDetails", "AUDIO");
    return new TokenBuckets(Math.addExact(uncached, toolUse), cached, 0, 0, Json.minus(candidates,
        "candidatesTokenCount", audioOut, "candidatesTokensDetails[AUDIO]"), Json.count(usage, "thoughtsTokenCount"),
        audioIn, audioOut);
  }

  /** The tokens of one modality in a {@code [{"modality": "AUDIO", "tokenCount": 120}, ...]} list. */
  private static long modality(JsonNode usage, String list, String modality) {
    JsonNode details = usage.get(list);
    long tokens = 0;
    if (details != null && details.isArray()) {
      for (JsonNode detail : details) {
        if (modality.equals(detail.path("modality").asText())) {
          tokens = Math.addExact(tokens, Json.count(detail, "tokenCount"));
        }
      }
    }
    return tokens;
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
