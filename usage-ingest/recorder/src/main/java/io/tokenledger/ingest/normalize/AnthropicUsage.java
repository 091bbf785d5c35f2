package io.tokenledger.ingest.normalize;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Anthropic Messages usage. Unlike OpenAI, {@code input_tokens} excludes the cache:
 * {@code cache_read_input_tokens} and {@code cache_creation_input_tokens} are reported apart,
 * so each maps to its own bucket as is. {@code cache_creation_input_tokens} is every cache write;
 * its {@code cache_creation} object splits it into {@code ephemeral_5m_input_tokens} and
 * {@code ephemeral_1h_input_tokens}, billed at two prices (1-hour writes cost more). Extended
 * thinking is billed as output and is not reported separately, so it stays in the output bucket.
 * {@code usage.service_tier} is {@code standard}, {@code priority} or {@code batch}.
 */
public final class AnthropicUsage {
  public static final String PROVIDER = "anthropic";

  private AnthropicUsage() {}

  public static TokenBuckets messages(JsonNode usage) {
    long writes = Json.count(usage, "cache_creation_input_tokens");
    long oneHour = Json.count(usage, "cache_creation.ephemeral_1h_input_tokens");
    return new TokenBuckets(Json.count(usage, "input_tokens"), Json.count(usage, "cache_read_input_tokens"),
        Json.minus(writes, "cache_creation_input_tokens", oneHour, "cache_creation.ephemeral_1h_input_tokens"), oneHour,
        Json.count(usage, "output_tokens"), 0, 0, 0);
  }

  /** The tier the usage says served the call; null (standard) when it does not say. */
  static String serviceTier(JsonNode usage) {
    JsonNode tier = usage == null ? null : usage.get("service_tier");
    return tier == null || !tier.isTextual() ? null : tier.asText();
  }

  /** A whole Messages response. */
  public static ProviderCall messageResponse(JsonNode message) {
    if (!Json.has(message, "usage")) {
      throw new UsageShapeException("usage", "is missing or null");
    }
    return new ProviderCall(PROVIDER, Json.text(message, "model"), messages(message.get("usage")),
        serviceTier(message.get("usage")));
  }

  /**
   * A streamed Messages response: {@code message_start} carries the message with its initial
   * usage; each {@code message_delta} carries cumulative counts for the fields it names, so
   * the latest value of each field wins (never summed).
   */
  public static ProviderCall messageStream(Iterable<JsonNode> events) {
    String model = null;
    String tier = null;
    long input = 0, cacheRead = 0, cacheWrite = 0, oneHour = 0, output = 0;
    boolean started = false;
    for (JsonNode event : events) {
      String type = event.path("type").asText();
      JsonNode usage = null;
      if ("message_start".equals(type)) {
        started = true;
        model = Json.text(event.path("message"), "model");
        usage = event.path("message").get("usage");
      } else if ("message_delta".equals(type)) {
        usage = event.get("usage");
      }
      if (usage != null && !usage.isNull()) {
        input = Json.has(usage, "input_tokens") ? Json.count(usage, "input_tokens") : input;
        cacheRead = Json.has(usage, "cache_read_input_tokens") ? Json.count(usage, "cache_read_input_tokens") : cacheRead;
        cacheWrite = Json.has(usage, "cache_creation_input_tokens")
            ? Json.count(usage, "cache_creation_input_tokens") : cacheWrite;
        oneHour = Json.has(usage, "cache_creation")
            ? Json.count(usage, "cache_creation.ephemeral_1h_input_tokens") : oneHour;
        tier = serviceTier(usage) != null ? serviceTier(usage) : tier;
        output = Json.has(usage, "output_tokens") ? Json.count(usage, "output_tokens") : output;
      }
    }
    if (!started) {
      throw new UsageShapeException("message_start", "the stream has no message_start event");
    }
    return new ProviderCall(PROVIDER, model, new TokenBuckets(input, cacheRead, Json.minus(cacheWrite,
        "cache_creation_input_tokens", oneHour, "cache_creation.ephemeral_1h_input_tokens"), oneHour, output, 0, 0, 0),
        tier);
  }
}
