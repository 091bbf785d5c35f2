package io.tokenledger.ingest.gateway.request;

import io.tokenledger.schemas.tokens.TokenKind;

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
import java.util.ArrayList;
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
      "cache_write_1h_tokens", "output_tokens", "reasoning_tokens", "audio_input_tokens", "audio_output_tokens",
      "service_tier", "request_count", "outcome_unit", "outcome_units", "outcome_success", "attributes",
      "provider_usage", "work_item_id", "reservation_id", "variant");
  private static final Set<String> TOKEN_FIELDS = java.util.Arrays.stream(TokenKind.ALL)
      .map(kind -> kind.wireName() + "_tokens").collect(java.util.stream.Collectors.toUnmodifiableSet());

  private final ObjectMapper json = new ObjectMapper();
  private final UsageValidator validator;
  private final int maxEvents;

  public UsageRequestParser(UsageValidator validator, int maxEvents) {
    this.validator = validator;
    this.maxEvents = maxEvents;
  }

  /** @param defaultTeam the API key's team, used where an event names none */
  public Parsed<UsageEvent> parse(byte[] body, String defaultTeam) {
    List<FieldError> errors = new ArrayList<>();
    List<JsonNode> events = JsonFields.records(body, "events", maxEvents, errors);
    List<UsageEvent> parsed = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      UsageEvent event = event(i, events.get(i), defaultTeam, errors);
      if (event != null) {
        parsed.add(event);
      }
    }
    return new Parsed<>(errors.isEmpty() ? parsed : List.of(), errors);
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
        .setEventId(JsonFields.text(node, "event_id", index, errors, true))
        .setTeam(node.hasNonNull("team") ? JsonFields.text(node, "team", index, errors, true) : defaultTeam)
        .setWorkflow(JsonFields.text(node, "workflow", index, errors, true))
        .setService(JsonFields.text(node, "service", index, errors, true))
        .setUserId(JsonFields.text(node, "user_id", index, errors, false))
        .setAgentId(JsonFields.text(node, "agent_id", index, errors, false))
        .setOutcomeUnit(JsonFields.text(node, "outcome_unit", index, errors, false))
        .setWorkItemId(JsonFields.text(node, "work_item_id", index, errors, false))
        .setReservationId(JsonFields.text(node, "reservation_id", index, errors, false))
        .setVariant(JsonFields.text(node, "variant", index, errors, false))
        .setEventTime(JsonFields.time(node, index, errors));
    if (node.has("provider_usage")) {
      for (String tokenField : TOKEN_FIELDS) {
        if (node.has(tokenField)) {
          errors.add(new FieldError(index, tokenField, "give either token fields or provider_usage, not both"));
        }
      }
      ProviderCall call = providerUsage(node.get("provider_usage"), index, errors);
      if (call != null) {
        call.tokens().applyTo(event);
        event.setServiceTier(call.serviceTier());
        event.setProvider(node.hasNonNull("provider") ? node.get("provider").asText() : call.provider());
        event.setModel(node.hasNonNull("model") ? node.get("model").asText() : call.model());
      }
    } else {
      event.setProvider(JsonFields.text(node, "provider", index, errors, true)).setModel(JsonFields.text(node, "model", index, errors, true))
          .setUncachedInputTokens(JsonFields.count(node, "uncached_input_tokens", index, errors))
          .setCacheReadTokens(JsonFields.count(node, "cache_read_tokens", index, errors))
          .setCacheWriteTokens(JsonFields.count(node, "cache_write_tokens", index, errors))
          .setOutputTokens(JsonFields.count(node, "output_tokens", index, errors))
          .setReasoningTokens(JsonFields.count(node, "reasoning_tokens", index, errors))
          .setCacheWrite1hTokens(JsonFields.count(node, "cache_write_1h_tokens", index, errors))
          .setAudioInputTokens(JsonFields.count(node, "audio_input_tokens", index, errors))
          .setAudioOutputTokens(JsonFields.count(node, "audio_output_tokens", index, errors));
    }
    if (node.hasNonNull("service_tier")) {
      // Given explicitly, it wins over what provider_usage reports; the standard tier's names mean none.
      event.setServiceTier(io.tokenledger.schemas.models.ServiceTiers.normalise(
          JsonFields.text(node, "service_tier", index, errors, false)));
    }
    if (node.has("request_count")) {
      event.setRequestCount((int) Math.min(Integer.MAX_VALUE, JsonFields.count(node, "request_count", index, errors)));
    }
    if (node.has("outcome_units")) {
      event.setOutcomeUnits(JsonFields.count(node, "outcome_units", index, errors));
    }
    if (node.hasNonNull("outcome_success")) {
      if (node.get("outcome_success").isBoolean()) {
        event.setOutcomeSuccess(node.get("outcome_success").asBoolean());
      } else {
        errors.add(new FieldError(index, "outcome_success", "must be true or false"));
      }
    }
    event.setAttributes(JsonFields.attributes(node, index, errors));
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
