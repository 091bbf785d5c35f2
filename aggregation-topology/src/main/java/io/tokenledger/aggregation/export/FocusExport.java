package io.tokenledger.aggregation.export;

import io.tokenledger.focus.parquet.Column;
import io.tokenledger.focus.parquet.ParquetTable;
import io.tokenledger.aggregation.pricing.PriceBook;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A period's spend as FOCUS 1.2 cost and usage rows for chargeback: one row per (charge day,
 * team, workflow, provider, model, token type), from the period ledger, plus one
 * {@code ChargeClass=Correction} row per re-rated (day, team, workflow, model). Every cost is
 * the ledger's, split by token type at the price in force and kept exact: a bucket's rounding
 * remainder goes to its largest token type, so a row set sums to the bucket, and the file's
 * total equals tokenledger's period total to the nano-USD. Usage rows carry the cost before
 * corrections; correction rows carry the corrections.
 */
public final class FocusExport {
  /** FOCUS 1.2 mandatory columns (and those our rows fill), then tokenledger's {@code x_} columns. */
  public static final List<String> COLUMNS = List.of("BilledCost", "BillingAccountId", "BillingAccountName",
      "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription",
      "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
      "ContractedUnitPrice", "EffectiveCost", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
      "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName", "SkuId",
      "SkuPriceId", "SubAccountId", "SubAccountName", "Tags", "x_Team", "x_Workflow", "x_Model", "x_TokenType",
      "x_CostNanoUsd");
  /** How each column is typed in Parquet: exact decimals at the scale our values have, UTC timestamps. */
  public static final List<Column> PARQUET_COLUMNS = COLUMNS.stream().map(FocusExport::typed).toList();
  private static final String[] TYPES = {"uncached_input", "cache_read", "cache_write", "output", "reasoning"};
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private FocusExport() {}

  /** One row: the columns by name. */
  public record Row(Map<String, String> values, long costNanoUsd) {}

  public static List<Row> rows(Iterable<UsageAggregate> ledgerBuckets, List<PriceCorrection> corrections,
      PriceBook catalog, Instant periodStart, Instant periodEnd, String billingAccount) {
    // Corrections per bucket: the usage rows show the cost before them.
    Map<String, Long> corrected = new LinkedHashMap<>();
    for (PriceCorrection c : corrections) {
      corrected.merge(new SeriesKey(c.getTeam(), c.getWorkflow(), c.getModel()) + "@" + c.getBucketStart().toEpochMilli(),
          c.getDifferenceNanoUsd(), Long::sum);
    }
    // (day, series, type) -> tokens, nano-USD; and the price shown for it.
    Map<String, long[]> usage = new TreeMap<>();
    Map<String, PriceVersion> shownPrice = new LinkedHashMap<>();
    for (UsageAggregate b : ledgerBuckets) {
      Instant start = b.getWindowStart();
      if (start.isBefore(periodStart) || !start.isBefore(periodEnd)) {
        continue;
      }
      SeriesKey series = SeriesKey.parse(b.getScope());
      long beforeCorrections = b.getCostNanoUsd() - corrected.getOrDefault(b.getScope() + "@" + start.toEpochMilli(), 0L);
      Optional<PriceVersion> price = catalog.priceOfModel(series.model(), start.toEpochMilli());
      long[] tokens = {b.getUncachedInputTokens(), b.getCacheReadTokens(), b.getCacheWriteTokens(), b.getOutputTokens(),
          b.getReasoningTokens()};
      long[] split = split(tokens, price, beforeCorrections);
      String day = start.atOffset(ZoneOffset.UTC).toLocalDate().toString();
      for (int t = 0; t < TYPES.length; t++) {
        if (tokens[t] == 0 && split[t] == 0) {
          continue;
        }
        String key = day + '\0' + series.team() + '\0' + series.workflow() + '\0' + series.model() + '\0' + TYPES[t];
        long[] sums = usage.computeIfAbsent(key, k -> new long[2]);
        sums[0] += tokens[t];
        sums[1] += split[t];
        price.ifPresent(p -> shownPrice.putIfAbsent(key, p));
      }
    }
    List<Row> rows = new ArrayList<>();
    usage.forEach((key, sums) -> {
      String[] k = key.split("\0");
      PriceVersion p = shownPrice.get(key);
      rows.add(row(k[0], k[1], k[2], k[3], k[4], sums[0], sums[1], p, null, periodStart, periodEnd, billingAccount));
    });
    Map<String, long[]> byDay = new TreeMap<>();
    for (PriceCorrection c : corrections) {
      Instant start = c.getBucketStart();
      if (start.isBefore(periodStart) || !start.isBefore(periodEnd)) {
        continue;
      }
      String key = c.getDay() + '\0' + c.getTeam() + '\0' + c.getWorkflow() + '\0' + c.getModel() + '\0'
          + c.getCorrectionId() + '\0' + c.getReason();
      byDay.computeIfAbsent(key, x -> new long[1])[0] += c.getDifferenceNanoUsd();
    }
    byDay.forEach((key, sum) -> {
      String[] k = key.split("\0");
      rows.add(row(k[0], k[1], k[2], k[3], "all", 0, sum[0], null, k[4] + ": " + k[5], periodStart, periodEnd,
          billingAccount));
    });
    return rows;
  }

  /**
   * The bucket's cost split by token type in proportion to what each type costs at the price
   * (tokens where there is no price), each part rounded down and the remainder on the largest:
   * the parts are never negative and always sum to the bucket's cost.
   */
  static long[] split(long[] tokens, Optional<PriceVersion> price, long total) {
    long[] micro = price.map(p -> new long[] {p.getUncachedInputMicroUsdPerMtok(), p.getCacheReadMicroUsdPerMtok(),
        p.getCacheWriteMicroUsdPerMtok(), p.getOutputMicroUsdPerMtok(), p.getReasoningMicroUsdPerMtok()})
        .orElse(new long[] {1, 1, 1, 1, 1});
    java.math.BigInteger[] weights = new java.math.BigInteger[TYPES.length];
    java.math.BigInteger sum = java.math.BigInteger.ZERO;
    for (int t = 0; t < TYPES.length; t++) {
      weights[t] = java.math.BigInteger.valueOf(tokens[t]).multiply(java.math.BigInteger.valueOf(micro[t]));
      sum = sum.add(weights[t]);
    }
    long[] split = new long[TYPES.length];
    if (sum.signum() == 0) {
      split[0] = total;
      return split;
    }
    long assigned = 0;
    int largest = 0;
    for (int t = 0; t < TYPES.length; t++) {
      split[t] = java.math.BigInteger.valueOf(total).multiply(weights[t]).divide(sum).longValueExact();
      assigned += split[t];
      if (weights[t].compareTo(weights[largest]) > 0) {
        largest = t;
      }
    }
    split[largest] += total - assigned;
    return split;
  }

  private static Row row(String day, String team, String workflow, String model, String type, long tokens, long nano,
      PriceVersion price, String correction, Instant periodStart, Instant periodEnd, String account) {
    Map<String, String> v = new LinkedHashMap<>();
    String cost = NanoUsd.toUsd(nano).toPlainString();
    String provider = price == null ? "unknown" : price.getProvider();
    LocalDate date = LocalDate.parse(day);
    v.put("BilledCost", cost);
    v.put("BillingAccountId", account);
    v.put("BillingAccountName", account);
    v.put("BillingCurrency", "USD");
    v.put("BillingPeriodEnd", periodEnd.toString());
    v.put("BillingPeriodStart", periodStart.toString());
    v.put("ChargeCategory", correction == null ? "Usage" : "Adjustment");
    v.put("ChargeClass", correction == null ? "" : "Correction");
    v.put("ChargeDescription", correction == null ? type + " tokens of " + model + " for " + team + "/" + workflow
        : "Price correction " + correction);
    v.put("ChargeFrequency", "Usage-Based");
    v.put("ChargePeriodEnd", date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    v.put("ChargePeriodStart", date.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    v.put("ConsumedQuantity", correction == null ? Long.toString(tokens) : "");
    v.put("ConsumedUnit", correction == null ? "Tokens" : "");
    v.put("ContractedCost", cost);
    String unitPrice = price == null || correction != null ? "" : BigDecimal.valueOf(micro(price, type))
        .movePointLeft(6).stripTrailingZeros().toPlainString();
    v.put("ContractedUnitPrice", unitPrice);
    v.put("EffectiveCost", cost);
    v.put("InvoiceIssuerName", provider);
    v.put("ListCost", cost);
    v.put("ListUnitPrice", unitPrice);
    v.put("PricingCategory", correction == null ? "Standard" : "");
    v.put("PricingQuantity", correction == null ? BigDecimal.valueOf(tokens).divide(MILLION).toPlainString() : "");
    v.put("PricingUnit", correction == null ? "1M Tokens" : "");
    v.put("ProviderName", provider);
    v.put("PublisherName", provider);
    v.put("ServiceCategory", "AI and Machine Learning");
    v.put("ServiceName", provider + " " + model);
    v.put("SkuId", provider + "/" + model + "/" + type);
    v.put("SkuPriceId", price == null ? "" : provider + "/" + model + "@" + price.getEffectiveFrom() + "/" + type);
    v.put("SubAccountId", team);
    v.put("SubAccountName", team);
    v.put("Tags", "{\"team\":\"" + json(team) + "\",\"workflow\":\"" + json(workflow) + "\"}");
    v.put("x_Team", team);
    v.put("x_Workflow", workflow);
    v.put("x_Model", model);
    v.put("x_TokenType", type);
    v.put("x_CostNanoUsd", Long.toString(nano));
    return new Row(v, nano);
  }

  private static long micro(PriceVersion p, String type) {
    return switch (type) {
      case "uncached_input" -> p.getUncachedInputMicroUsdPerMtok();
      case "cache_read" -> p.getCacheReadMicroUsdPerMtok();
      case "cache_write" -> p.getCacheWriteMicroUsdPerMtok();
      case "output" -> p.getOutputMicroUsdPerMtok();
      default -> p.getReasoningMicroUsdPerMtok();
    };
  }

  private static String json(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static Column typed(String name) {
    return switch (name) {
      case "BilledCost", "ContractedCost", "EffectiveCost", "ListCost" -> Column.decimal(name, 9);
      case "ContractedUnitPrice", "ListUnitPrice", "PricingQuantity" -> Column.decimal(name, 6);
      case "ConsumedQuantity" -> Column.decimal(name, 0);
      case "BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart" -> Column.timestamp(name);
      case "x_CostNanoUsd" -> Column.integer(name);
      default -> Column.string(name);
    };
  }

  /** The rows as one Parquet file, columns typed as {@link #PARQUET_COLUMNS} says. */
  public static byte[] parquet(List<Row> rows) throws java.io.IOException {
    return ParquetTable.bytes(PARQUET_COLUMNS, rows.stream().map(Row::values).toList());
  }

  /** RFC 4180 CSV with a header line. */
  public static String csv(List<Row> rows) {
    StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
    for (Row row : rows) {
      List<String> cells = new ArrayList<>();
      for (String column : COLUMNS) {
        cells.add(cell(row.values().getOrDefault(column, "")));
      }
      out.append(String.join(",", cells)).append("\r\n");
    }
    return out.toString();
  }

  private static String cell(String value) {
    return value.contains(",") || value.contains("\"") || value.contains("\n")
        ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
