package io.tokenledger.reconciliation.bills;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenledger.schemas.models.ServiceTiers;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Anthropic's Admin API reports, as {@code GET /v1/organizations/usage_report/messages} and
 * {@code GET /v1/organizations/cost_report} answer them: pages of buckets ({@code starting_at},
 * {@code ending_at}, RFC 3339) of results. A usage result carries exclusive token counts
 * ({@code uncached_input_tokens}, {@code cache_creation.ephemeral_5m_input_tokens} and
 * {@code ephemeral_1h_input_tokens}, {@code cache_read_input_tokens}, {@code output_tokens}) and
 * becomes a line per type; a cost result carries {@code amount} in the currency's smallest unit
 * (cents) as a decimal string, which is divided by 100 exactly.
 */
public final class AnthropicExports {
  static final String PROVIDER = "anthropic";
  /** The cost report's token types, in our names. */
  private static final Map<String, String> COST_TOKEN_TYPES = Map.of("uncached_input_tokens", "uncached_input",
      "output_tokens", "output", "cache_read_input_tokens", "cache_read",
      "cache_creation.ephemeral_5m_input_tokens", "cache_write",
      "cache_creation.ephemeral_1h_input_tokens", "cache_write_1h");

  private AnthropicExports() {}

  public static void read(String fileName, String text, BillLines into) {
    for (JsonNode page : ExportPages.pages(fileName, text)) {
      for (JsonNode bucket : page.path("data")) {
        String day = day(fileName, bucket);
        for (JsonNode result : bucket.path("results")) {
          String where = fileName + " " + day;
          if (result.has("amount")) {
            cost(result, day, where, into);
          } else if (result.has("uncached_input_tokens") || result.has("output_tokens")) {
            usage(result, day, where, into);
          } else {
            into.skip(where + ": a result with neither token counts nor an amount: " + result);
          }
        }
      }
    }
  }

  private static String day(String fileName, JsonNode bucket) {
    String starting = ExportPages.text(bucket, "starting_at");
    String ending = ExportPages.text(bucket, "ending_at");
    try {
      Instant start = Instant.parse(starting);
      Instant end = ending == null ? start.plusSeconds(86_400) : Instant.parse(ending);
      var startDay = start.atOffset(ZoneOffset.UTC).toLocalDate();
      if (!end.minusMillis(1).atOffset(ZoneOffset.UTC).toLocalDate().equals(startDay)) {
        throw new IllegalArgumentException(fileName + ": the bucket from " + starting + " to " + ending
            + " is not within one UTC day: fetch with bucket_width=1d (or 1h)");
      }
      return startDay.toString();
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException(fileName + ": a bucket's starting_at is '" + starting
          + "', not an RFC 3339 time", e);
    }
  }

  private static void usage(JsonNode r, String day, String where, BillLines into) {
    JsonNode creation = r.path("cache_creation");
    long[] counts = {ExportPages.countOrZero(r, "uncached_input_tokens", where),
        ExportPages.countOrZero(r, "cache_read_input_tokens", where),
        ExportPages.countOrZero(creation, "ephemeral_5m_input_tokens", where),
        ExportPages.countOrZero(creation, "ephemeral_1h_input_tokens", where),
        ExportPages.countOrZero(r, "output_tokens", where)};
    String[] types = {"uncached_input", "cache_read", "cache_write", "cache_write_1h", "output"};
    String model = ExportPages.text(r, "model");
    String tier = ServiceTiers.normalise(ExportPages.text(r, "service_tier"));
    String workspace = ExportPages.text(r, "workspace_id");
    String key = ExportPages.text(r, "api_key_id");
    String window = ExportPages.text(r, "context_window");
    for (int t = 0; t < types.length; t++) {
      if (counts[t] != 0) {
        into.add(new BillLines.Identity(PROVIDER, "anthropic-usage", day, workspace, key, model, types[t], tier,
            window), BillLines.Part.tokens(counts[t], null, null));
      }
    }
    Long searches = ExportPages.count(r.path("server_tool_use"), "web_search_requests", where);
    if (searches != null && searches != 0) {
      into.add(new BillLines.Identity(PROVIDER, "anthropic-usage", day, workspace, key, model, null, tier, window),
          new BillLines.Part(null, searches, null, null, null, null, "web search requests", null));
    }
  }

  private static void cost(JsonNode r, String day, String where, BillLines into) {
    String given = ExportPages.text(r, "amount");
    BigDecimal cents;
    try {
      cents = new BigDecimal(String.valueOf(given));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": amount is '" + given + "', not a decimal string", e);
    }
    String currency = String.valueOf(ExportPages.text(r, "currency")).toUpperCase(Locale.ROOT);
    String costType = ExportPages.text(r, "cost_type");
    String tokenType = ExportPages.text(r, "token_type");
    String type = tokenType == null ? (costType == null ? "all" : null) : COST_TOKEN_TYPES.get(tokenType);
    if (tokenType != null && type == null) {
      into.skip(where + ": token_type '" + tokenType + "' is not one this version knows; its "
          + given + " (smallest unit of " + currency + ") stay unexplained until it does");
    }
    String description = ExportPages.text(r, "description");
    if (!"tokens".equals(costType) && costType != null) {
      description = costType + (description == null ? "" : ": " + description);
    }
    // The smallest unit of USD is the cent: 123.78912 cents is 1.2378912 dollars, exactly.
    int digits;
    try {
      digits = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": currency '" + currency + "' is not an ISO 4217 code", e);
    }
    into.add(new BillLines.Identity(PROVIDER, "anthropic-cost", day, ExportPages.text(r, "workspace_id"), null,
            ExportPages.text(r, "model"), type, ServiceTiers.normalise(ExportPages.text(r, "service_tier")),
            ExportPages.text(r, "context_window")),
        new BillLines.Part(null, null, cents.movePointLeft(Math.max(digits, 0)), cents, "smallest unit", currency,
            description, null));
  }
}
