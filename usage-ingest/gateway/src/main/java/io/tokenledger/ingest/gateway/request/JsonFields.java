package io.tokenledger.ingest.gateway.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading one record's fields from a request body, each problem reported with the record's
 * index and the field: the rules every POST endpoint of the gateway shares.
 */
final class JsonFields {
  // Decimals as BigDecimal: 12.1 minutes must stay exactly 12.1, never a binary fraction.
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private JsonFields() {}

  /** The records of a body: one object, an array, or {@code {"<batch>": [...]}}; else the problem. */
  static List<JsonNode> records(byte[] body, String batchField, int max, List<FieldError> errors) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      String detail = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      errors.add(new FieldError(-1, "body", "is not valid JSON: " + detail));
      return List.of();
    }
    if (root == null || root.isMissingNode()) {
      errors.add(new FieldError(-1, "body", "is empty; send one record, an array, or {\"" + batchField + "\": [...]}"));
      return List.of();
    }
    JsonNode items = root.isArray() ? root : root.has(batchField) ? root.get(batchField) : null;
    List<JsonNode> records = new ArrayList<>();
    if (items == null) {
      records.add(root);
    } else if (!items.isArray()) {
      errors.add(new FieldError(-1, batchField, "must be an array"));
      return List.of();
    } else {
      items.forEach(records::add);
    }
    if (records.isEmpty()) {
      errors.add(new FieldError(-1, batchField, "is empty"));
    } else if (records.size() > max) {
      errors.add(new FieldError(-1, batchField, records.size() + " " + batchField + " in one request; send at most " + max));
      return List.of();
    }
    return records;
  }

  static String text(JsonNode node, String field, int index, List<FieldError> errors, boolean required) {
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

  static long count(JsonNode node, String field, int index, List<FieldError> errors) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      errors.add(new FieldError(index, field, "must be a whole number, was " + value));
      return 0;
    }
    return value.asLong(); // negative and absurd values are reported by the validators
  }

  static Instant time(JsonNode node, int index, List<FieldError> errors) {
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

  static Map<String, String> attributes(JsonNode node, int index, List<FieldError> errors) {
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
}
