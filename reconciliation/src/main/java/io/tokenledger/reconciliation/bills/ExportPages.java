package io.tokenledger.reconciliation.bills;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The pages of a provider's JSON report: one page as the API answers it ({@code {"data": [...],
 * "has_more": ..., "next_page": ...}}), or the pages one after another in a JSON array. Numbers
 * are read as written (a float never stands between the file and the amount).
 */
final class ExportPages {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

  private ExportPages() {}

  static List<JsonNode> pages(String fileName, String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(fileName + " is not JSON: " + e.getMessage(), e);
    }
    List<JsonNode> pages = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(pages::add);
    } else if (root != null && root.isObject()) {
      pages.add(root);
    }
    for (JsonNode page : pages) {
      if (!page.path("data").isArray()) {
        throw new IllegalArgumentException(fileName + " is not a report page: it has no \"data\" array of buckets "
            + "(save the API's answer as it is, or its pages in a JSON array)");
      }
    }
    return pages;
  }

  /** A whole number of tokens or requests, or null when absent; never a fraction. */
  static Long count(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException(where + ": " + field + " is " + value + ", not a number");
    }
    BigDecimal number = value.decimalValue();
    try {
      return number.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(where + ": " + field + " is " + number + ", not a whole number", e);
    }
  }

  static long countOrZero(JsonNode node, String field, String where) {
    Long value = count(node, field, where);
    return value == null ? 0 : value;
  }

  /** A text field, null when absent or null. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
