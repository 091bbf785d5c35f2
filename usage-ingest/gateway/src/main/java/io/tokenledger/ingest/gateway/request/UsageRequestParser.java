package io.tokenledger.ingest.gateway.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.ingest.normalize.AnthropicUsage;
import io.tokenledger.ingest.normalize.GeminiUsage;
import io.tokenledger.ingest.normalize.OpenAiUsage;
import io.tokenledger.ingest.normalize.OtelGenAiUsage;
import io.tokenledger.ingest.normalize.ProviderCall;
import io.tokenledger.ingest.normalize.UsageShapeException;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.validation.Violation;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code POST /v1/usage} body: one event object, an array of them, or
 * {@code {"events": [...]}}. Field names are the UsageEvent schema's. Instead of token
 * fields an event may carry {@code provider_usage: {"format": ..., "payload": ...}}, which
 * is normalised by the same code as the Java library. Every problem is reported with the
 * event index and field; unknown fields are refused so a misspelt bucket cannot go uncounted.
 */
public final class UsageRequestParser {
  public static final Set<String> FORMATS = Set.of("openai.chat_completions", "openai.responses",
      "anthropic.messages", "gemini.generate_content", "otel.gen_ai");
  private static final Set<String> FIELDS = Set.of("event_id", "event_time", "team", "workflow", "service",
      "user_id", "agent_id", "provider", "model", "uncached_input_tokens", "cache_read_tokens", "cache_write_tokens",
      "output_tokens", "reasoning_tokens", "request_count", "outcome_unit", "outcome_units", "outcome_success",
      "attributes", "provider_usage");
  private static final Set<String> TOKEN_FIELDS = Set.of("uncached_input_tokens", "cache_read_tokens",
      "cache_write_tokens", "output_tokens", "reasoning_tokens");

  private final ObjectMapper json = new ObjectMapper();
  private final UsageValidator validator;
  private final int maxEvents;

  /** Events read and problems found; the events are only usable when there are no problems. */
  public record Parsed(List<UsageEvent> events, List<FieldError> errors) {}

  public UsageRequestParser(UsageValidator validator, int maxEvents) {
    this.validator = validator;
    this.maxEvents = maxEvents;
  }

  /** @param defaultTeam the API key's team, used where an event names none */
  public Parsed parse(byte[] body, String defaultTeam) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      return new Parsed(List.of(), List.of(new FieldError(-1, "body", "is not valid JSON: " + detail)));
    }
    if (root == null || root.isMissingNode()) {
      return new Parsed(List.of(), List.of(new FieldError(-1, "body", "is empty; send one event or {\"events\": [...]}")));
    }
    JsonNode items = root.isArray() ? root : root.has("events") ? root.get("events") : null;
    List<JsonNode> events = new ArrayList<>();
    if (items == null) {
      events.add(root);
    } else if (!items.isArray()) {
      return new Parsed(List.of(), List.of(new FieldError(-1, "events", "must be an array")));
    } else {
      items.forEach(events::add);
    }
    if (events.isEmpty()) {
      return new Parsed(List.of(), List.of(new FieldError(-1, "events", "is empty")));
    }
    if (events.size() > maxEvents) {
      return new Parsed(List.of(), List.of(new FieldError(-1, "events",
          events.size() + " events in one request; send at most " + maxEvents)));
    }
    List<UsageEvent> parsed = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      UsageEvent event = event(i, events.get(i), defaultTeam, errors);
      if (event != null) {
        parsed.add(event);
      }
    }
    return new Parsed(errors.isEmpty() ? parsed : List.of(), errors);
  }

  private UsageEvent event(int index, JsonNode node, String defaultTeam, List<FieldError> errors) {
    if (!node.isObject()) {
      errors.add(new FieldError(index, "event", "must be a JSON object"));
      return null;
    }
    int before = errors.size();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        errors.add(new FieldError(index, name, "is not a usage event field" + hint(name)));
      }
    }
    UsageEvent.Builder event = UsageEvent.newBuilder()
        .setEventId(text(node, "event_id", index, errors, true))
        .setTeam(node.hasNonNull("team") ? text(node, "team", index, errors, true) : defaultTeam)
        .setWorkflow(text(node, "workflow", index, errors, true))
        .setService(text(node, "service", index, errors, true))
        .setUserId(text(node, "user_id", index, errors, false))
        .setAgentId(text(node, "agent_id", index, errors, false))
        .setOutcomeUnit(text(node, "outcome_unit", index, errors, false))
        .setEventTime(time(node, index, errors));
    if (node.has("provider_usage")) {
      for (String tokenField : TOKEN_FIELDS) {
        if (node.has(tokenField)) {
          errors.add(new FieldError(index, tokenField, "give either token fields or provider_usage, not both"));
        }
      }
      ProviderCall call = providerUsage(node.get("provider_usage"), index, errors);
      if (call != null) {
        call.tokens().applyTo(event);
        event.setProvider(node.hasNonNull("provider") ? node.get("provider").asText() : call.provider());
        event.setModel(node.hasNonNull("model") ? node.get("model").asText() : call.model());
      }
    } else {
      event.setProvider(text(node, "provider", index, errors, true)).setModel(text(node, "model", index, errors, true))
          .setUncachedInputTokens(count(node, "uncached_input_tokens", index, errors))
          .setCacheReadTokens(count(node, "cache_read_tokens", index, errors))
          .setCacheWriteTokens(count(node, "cache_write_tokens", index, errors))
          .setOutputTokens(count(node, "output_tokens", index, errors))
          .setReasoningTokens(count(node, "reasoning_tokens", index, errors));
    }
    if (node.has("request_count")) {
      event.setRequestCount((int) Math.min(Integer.MAX_VALUE, count(node, "request_count", index, errors)));
    }
    if (node.has("outcome_units")) {
      event.setOutcomeUnits(count(node, "outcome_units", index, errors));
    }
    if (node.hasNonNull("outcome_success")) {
      if (node.get("outcome_success").isBoolean()) {
        event.setOutcomeSuccess(node.get("outcome_success").asBoolean());
      } else {
        errors.add(new FieldError(index, "outcome_success", "must be true or false"));
      }
    }
    event.setAttributes(attributes(node, index, errors));
    if (errors.size() > before) {
      return null;
    }
    UsageEvent built = event.build();
    for (Violation violation : validator.validate(built, System.currentTimeMillis())) {
      errors.add(new FieldError(index, violation.field(), violation.problem()));
    }
    return errors.size() > before ? null : built;
  }

  private ProviderCall providerUsage(JsonNode usage, int index, List<FieldError> errors) {
    String format = usage.path("format").asText("");
    JsonNode payload = usage.get("payload");
    if (!FORMATS.contains(format)) {
      errors.add(new FieldError(index, "provider_usage.format", "must be one of " + FORMATS + ", was '" + format + "'"));
      return null;
    }
    if (payload == null || payload.isNull()) {
      errors.add(new FieldError(index, "provider_usage.payload", "is missing: the provider's response, or its stream as an array"));
      return null;
    }
    try {
      return switch (format) {
        case "openai.chat_completions" -> payload.isArray() ? OpenAiUsage.chatCompletionStream(payload)
            : OpenAiUsage.chatCompletionResponse(payload);
        case "openai.responses" -> payload.isArray() ? OpenAiUsage.responsesStream(payload)
            : OpenAiUsage.responsesResponse(payload);
        case "anthropic.messages" -> payload.isArray() ? AnthropicUsage.messageStream(payload)
            : AnthropicUsage.messageResponse(payload);
        case "gemini.generate_content" -> payload.isArray() ? GeminiUsage.streamGenerateContent(payload)
            : GeminiUsage.generateContentResponse(payload);
        default -> OtelGenAiUsage.span(json.convertValue(payload, Map.class));
      };
    } catch (UsageShapeException e) {
      errors.add(new FieldError(index, "provider_usage.payload." + e.field(), e.getMessage().substring(e.field().length() + 2)));
      return null;
    }
  }

  private static String text(JsonNode node, String field, int index, List<FieldError> errors, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        errors.add(new FieldError(index, field, "is required"));
      }
      return required ? "" : null;
    }
    if (!value.isTextual()) {
      errors.add(new FieldError(index, field, "must be a string"));
      return "";
    }
    return value.asText();
  }

  private static long count(JsonNode node, String field, int index, List<FieldError> errors) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      errors.add(new FieldError(index, field, "must be a whole number, was " + value));
      return 0;
    }
    return value.asLong(); // negative and absurd values are reported by the validator
  }

  private static Instant time(JsonNode node, int index, List<FieldError> errors) {
    JsonNode value = node.get("event_time");
    if (value == null || value.isNull()) {
      errors.add(new FieldError(index, "event_time", "is required: ISO-8601 UTC (2026-11-22T10:15:30Z) or epoch milliseconds"));
      return Instant.EPOCH;
    }
    if (value.isIntegralNumber()) {
      return Instant.ofEpochMilli(value.asLong());
    }
    try {
      return Instant.parse(value.asText());
    } catch (DateTimeParseException e) {
      errors.add(new FieldError(index, "event_time", "is not ISO-8601 UTC like 2026-11-22T10:15:30Z: " + value.asText()));
      return Instant.EPOCH;
    }
  }

  private static Map<String, String> attributes(JsonNode node, int index, List<FieldError> errors) {
    Map<String, String> attributes = new HashMap<>();
    JsonNode value = node.get("attributes");
    if (value == null || value.isNull()) {
      return attributes;
    }
    if (!value.isObject()) {
      errors.add(new FieldError(index, "attributes", "must be an object of strings"));
      return attributes;
    }
    value.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().isTextual()
        ? e.getValue().asText() : e.getValue().toString()));
    return attributes;
  }

  /** Common names from provider payloads that do not map one-to-one to a bucket. */
  private static String hint(String name) {
    return switch (name) {
      case "input_tokens", "prompt_tokens" ->
          "; use uncached_input_tokens (input NOT read from or written to a cache) or send provider_usage";
      case "completion_tokens" -> "; use output_tokens (excluding reasoning) and reasoning_tokens, or send provider_usage";
      case "cached_tokens", "cache_read_input_tokens" -> "; use cache_read_tokens";
      case "cache_creation_input_tokens" -> "; use cache_write_tokens";
      default -> "";
    };
  }
}
