package io.tokenledger.reconciliation.bills;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A FOCUS 1.2 cost and usage file (CSV) from a cloud: AWS Data Exports' {@code FOCUS_1_2_AWS},
 * Google Cloud's and Azure's FOCUS exports. Usage rows of generative-AI services become lines:
 * the provider from {@code ServiceName} (Amazon Bedrock, Vertex AI, Azure OpenAI), the token type
 * and model from {@code SkuMeter} (AWS's usage type, e.g. {@code USE1-Claude3.5Sonnet-input-tokens},
 * {@code ...-cache-read-input-token-count}, {@code ...-cache-write-input-token-count}), tokens from
 * {@code ConsumedQuantity} in tokens (or {@code PricingQuantity} in units of N tokens), the amount
 * {@code BilledCost} in {@code BillingCurrency}, the account {@code SubAccountId}, and
 * {@code InvoiceId}. Files with tokenledger's {@code x_Model} and {@code x_TokenType} columns are
 * read by those. A row the reader cannot place is reported, never guessed.
 */
public final class FocusBills {
  private static final Pattern REGION = Pattern.compile("^[A-Z]{2,4}\\d?-");
  private static final Pattern UNIT = Pattern.compile("(?i)^\\s*(\\d+)?\\s*([KM])?\\s*tokens?\\s*$");

  private FocusBills() {}

  public static void read(String fileName, String text, BillLines into) {
    int row = 1;
    for (Map<String, String> cells : Csv.rows(fileName, text)) {
      row++;
      String where = fileName + " row " + row;
      if (!"Usage".equalsIgnoreCase(cell(cells, "ChargeCategory"))) {
        into.skip(where + ": ChargeCategory " + cell(cells, "ChargeCategory") + " (only Usage rows are matched with usage)");
        continue;
      }
      String provider = provider(cells);
      if (provider == null) {
        into.skip(where + ": " + cell(cells, "ServiceName") + " is not a generative-AI service this reader knows");
        continue;
      }
      String day = day(cells, where);
      String meter = firstOf(cells, "SkuMeter", "x_UsageType", "ChargeDescription");
      String type = cells.containsKey("x_TokenType") && !cell(cells, "x_TokenType").isEmpty()
          ? cell(cells, "x_TokenType") : tokenType(meter);
      String model = cells.containsKey("x_Model") && !cell(cells, "x_Model").isEmpty() ? cell(cells, "x_Model")
          : model(meter);
      String tier = cells.containsKey("x_ServiceTier") ? blankToNull(cell(cells, "x_ServiceTier")) : tier(meter);
      Long tokens = tokens(cells, where);
      String amountText = cell(cells, "BilledCost");
      BigDecimal amount;
      try {
        amount = new BigDecimal(amountText);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": BilledCost is '" + amountText + "', not a decimal", e);
      }
      String account = firstOf(cells, "SubAccountId", "BillingAccountId");
      into.add(new BillLines.Identity(provider, "focus", day, account, null, model, type, tier, null),
          new BillLines.Part(type == null ? null : tokens, null, amount, amount, null,
              cell(cells, "BillingCurrency").toUpperCase(Locale.ROOT), meter, blankToNull(cell(cells, "InvoiceId"))));
    }
  }

  /** The provider as our figures name it, from the service the row bills. */
  static String provider(Map<String, String> cells) {
    String service = cell(cells, "ServiceName").toLowerCase(Locale.ROOT);
    String code = cell(cells, "x_ServiceCode").toLowerCase(Locale.ROOT);
    if (service.contains("bedrock") || code.contains("bedrock")) {
      return "aws.bedrock";
    }
    if (service.contains("vertex")) {
      return "gcp.vertex_ai";
    }
    if (service.contains("openai") && cell(cells, "ProviderName").toLowerCase(Locale.ROOT).contains("microsoft")) {
      return "azure.ai.openai";
    }
    // tokenledger's own export names its providers as figures do.
    if (cells.containsKey("x_Model") && !cell(cells, "ProviderName").isEmpty()) {
      return cell(cells, "ProviderName");
    }
    return null;
  }

  private static String day(Map<String, String> cells, String where) {
    String start = cell(cells, "ChargePeriodStart");
    String end = cell(cells, "ChargePeriodEnd");
    try {
      Instant from = Instant.parse(start);
      Instant to = end.isEmpty() ? from : Instant.parse(end);
      boolean oneDay = to.equals(from) || Duration.between(from, to).compareTo(Duration.ofDays(1)) <= 0
          && to.minusMillis(1).atOffset(ZoneOffset.UTC).toLocalDate().equals(from.atOffset(ZoneOffset.UTC).toLocalDate());
      if (!oneDay) {
        throw new IllegalArgumentException(where + ": the charge period " + start + " to " + end + " is more than one "
            + "UTC day: export with daily or hourly granularity (AWS: TIME_GRANULARITY DAILY)");
      }
      return from.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": ChargePeriodStart is '" + start + "', not an ISO 8601 UTC time", e);
    }
  }

  /** Tokens from ConsumedQuantity in tokens, else PricingQuantity in units of N (K, M) tokens. */
  private static Long tokens(Map<String, String> cells, String where) {
    Long consumed = quantity(cell(cells, "ConsumedQuantity"), cell(cells, "ConsumedUnit"), where);
    return consumed != null ? consumed : quantity(cell(cells, "PricingQuantity"), cell(cells, "PricingUnit"), where);
  }

  private static Long quantity(String quantity, String unit, String where) {
    Matcher m = UNIT.matcher(unit);
    if (quantity.isEmpty() || !m.matches()) {
      return null;
    }
    long size = m.group(1) == null ? 1 : Long.parseLong(m.group(1));
    if (m.group(2) != null) {
      size *= m.group(2).equalsIgnoreCase("K") ? 1_000 : 1_000_000;
    }
    BigDecimal tokens = new BigDecimal(quantity).multiply(BigDecimal.valueOf(size));
    try {
      return tokens.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(where + ": " + quantity + " x " + unit + " is not a whole number of tokens", e);
    }
  }

  /** The billed token type a meter names, or null when it names none. */
  static String tokenType(String meter) {
    String m = meter.toLowerCase(Locale.ROOT);
    boolean write = m.contains("cache-write") || m.contains("cache write") || m.contains("cachewrite");
    if (m.contains("cache-read") || m.contains("cache read") || m.contains("cached") || m.contains("cacheread")) {
      return "cache_read";
    }
    if (write) {
      return m.contains("1h") ? "cache_write_1h" : "cache_write";
    }
    if (m.contains("input") || m.contains("-inp-") || m.endsWith("-inp")) {
      return "uncached_input";
    }
    if (m.contains("output") || m.contains("-outp-") || m.endsWith("-outp")) {
      return "output";
    }
    return null;
  }

  /** The model part of a meter: the region prefix and the token-type suffix taken off. */
  static String model(String meter) {
    String m = REGION.matcher(meter.strip()).replaceFirst("");
    String lower = m.toLowerCase(Locale.ROOT);
    for (String suffix : new String[] {"-cache-read-input-token-count", "-cache-write-input-token-count",
        "-input-tokens", "-output-tokens", "-input-token-count", "-output-token-count"}) {
      int at = lower.indexOf(suffix);
      if (at > 0) {
        return m.substring(0, at);
      }
    }
    int mantle = lower.indexOf("-mantle-");
    return mantle > 0 ? m.substring(0, mantle) : m.isEmpty() ? null : m;
  }

  private static String tier(String meter) {
    String m = meter.toLowerCase(Locale.ROOT);
    return m.contains("batch") ? "batch" : m.contains("priority") ? "priority" : m.contains("flex") ? "flex" : null;
  }

  private static String cell(Map<String, String> cells, String column) {
    String value = cells.get(column);
    if (value == null) {
      return "";
    }
    // tokenledger's own CSV guards formula-like text with an apostrophe.
    return value.length() > 1 && value.charAt(0) == '\'' && "=+-@\t\r".indexOf(value.charAt(1)) >= 0
        ? value.substring(1) : value;
  }

  private static String firstOf(Map<String, String> cells, String... columns) {
    for (String column : columns) {
      if (!cell(cells, column).isEmpty()) {
        return cell(cells, column);
      }
    }
    return "";
  }

  private static String blankToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
