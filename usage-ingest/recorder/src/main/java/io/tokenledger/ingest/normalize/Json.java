package io.tokenledger.ingest.normalize;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading token counts from provider JSON: absent or null is 0; anything else must be a whole number >= 0. */
final class Json {
  private Json() {}

  static long count(JsonNode parent, String path) {
    JsonNode node = parent;
    for (String part : path.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return 0;
    }
    if (!node.canConvertToLong() || !node.isIntegralNumber()) {
      throw new UsageShapeException(path, "must be a whole number, was " + node);
    }
    long value = node.asLong();
    if (value < 0) {
      throw new UsageShapeException(path, "must not be negative, was " + value);
    }
    return value;
  }

  static boolean has(JsonNode parent, String field) {
    return parent != null && parent.hasNonNull(field);
  }

  static String text(JsonNode parent, String field) {
    if (!has(parent, field)) {
      throw new UsageShapeException(field, "is missing");
    }
    return parent.get(field).asText();
  }

  /** part of total, or an error naming both fields: the shape promised part <= total. */
  static long minus(long total, String totalField, long part, String partField) {
    if (part > total) {
      throw new UsageShapeException(partField, partField + " (" + part + ") exceeds " + totalField + " (" + total
          + ") which should include it; refusing to guess");
    }
    return total - part;
  }
}
