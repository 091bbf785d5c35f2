package io.tokenledger.focus;

import io.tokenledger.focus.parquet.Column;
import io.tokenledger.focus.parquet.ParquetTable;
import io.tokenledger.pricing.Rerating;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PricedVersion;
import io.tokenledger.pricing.Rates;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.tokens.TokenKind;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.schemas.money.MoneyFormat;
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
 * team, workflow, provider, model, service tier, token type, price version), from the period ledger, plus one
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
      "ContractedUnitPrice", "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
      "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName", "ServiceSubcategory", "SkuId",
      "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName", "Tags", "x_Team", "x_Workflow", "x_Model", "x_TokenType",
      "x_ServiceTier", "x_CostNanoUsd");
  /** How each column is typed in Parquet: exact decimals at the scale our values have, UTC timestamps. */
  public static final List<Column> PARQUET_COLUMNS = COLUMNS.stream().map(FocusExport::typed).toList();
  private static final TokenKind[] TYPES = TokenKind.ALL;
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  /** FOCUS Unit Format: a unit quantity must be a whole number ("1M Tokens" is not). */
  static final String PRICING_UNIT = "1000000 Tokens";
  /** The meter each token type is measured by, as SkuMeter names it. */
  private static final Map<String, String> METERS = Map.of("uncached_input", "Input Tokens", "cache_read",
      "Cache Read Tokens", "cache_write", "Cache Write Tokens", "cache_write_1h", "1-Hour Cache Write Tokens", "output",
      "Output Tokens", "reasoning", "Reasoning Tokens", "audio_input", "Audio Input Tokens", "audio_output",
      "Audio Output Tokens");

  private FocusExport() {}

  /**
   * The FOCUS applicability criteria the export's columns claim: the rules of the FinOps
   * validator that apply under them are the ones it keeps.
   */
  public static final java.util.Set<String> CLAIMED_CRITERIA = java.util.Set.of("PUBLIC_PRICE_LIST_SUPPORTED",
      "UNIT_PRICING_SUPPORTED", "USAGE_MEASUREMENT_SUPPORTED", "SUB_ACCOUNT_SUPPORTED", "ACCOUNT_NAMING_SUPPORTED",
      "TAGGING_SUPPORTED");

  /** The rows as the validator reads a file: every column, an empty cell null. */
  public static List<Map<String, String>> cells(List<Row> rows) {
    return cells(rows, COLUMNS);
  }

  /** The same, for a file of these columns (a converted file has more: {@link FocusCurrency#COLUMNS}). */
  public static List<Map<String, String>> cells(List<Row> rows, List<String> columns) {
    List<Map<String, String>> cells = new ArrayList<>();
    for (Row row : rows) {
      Map<String, String> values = new java.util.HashMap<>();
      for (String column : columns) {
        String value = row.values().get(column);
        values.put(column, value == null || value.isEmpty() ? null : value);
      }
      cells.add(values);
    }
    return cells;
  }

  /**
   * The invoice a provider billed a day's usage of a model on, when its bill says (a FOCUS file's
   * InvoiceId): null when none is known, and then InvoiceId stays null (FOCUS: no invoice yet).
   */
  @FunctionalInterface
  public interface Invoices {
    Invoices NONE = (provider, day, model) -> null;

    String of(String provider, String day, String model);
  }

  /** One row: the columns by name. */
  public record Row(Map<String, String> values, long costNanoUsd) {}

  /** A usage row's identity: names may hold any printable character, so it is never a joined string. */
  private record UsageKey(String day, String team, String workflow, String provider, String model, String tier,
      String type, String priceKey) implements Comparable<UsageKey> {
    private static final java.util.Comparator<UsageKey> ORDER = java.util.Comparator.comparing(UsageKey::day)
        .thenComparing(UsageKey::team).thenComparing(UsageKey::workflow).thenComparing(UsageKey::provider)
        .thenComparing(UsageKey::model).thenComparing(UsageKey::tier)
        .thenComparing(UsageKey::type).thenComparing(UsageKey::priceKey);

    @Override
    public int compareTo(UsageKey other) {
      return ORDER.compare(this, other);
    }
  }

  /** A correction row's identity. */
  private record CorrectionKey(String day, String team, String workflow, String provider, String model,
      String correctionId, String reason) implements Comparable<CorrectionKey> {
    private static final java.util.Comparator<CorrectionKey> ORDER = java.util.Comparator.comparing(CorrectionKey::day)
        .thenComparing(CorrectionKey::team).thenComparing(CorrectionKey::workflow)
        .thenComparing(CorrectionKey::provider).thenComparing(CorrectionKey::model)
        .thenComparing(CorrectionKey::correctionId)
        .thenComparing(CorrectionKey::reason);

    @Override
    public int compareTo(CorrectionKey other) {
      return ORDER.compare(this, other);
    }
  }

  /**
   * The provider of usage kept before figures were provider-qualified, when no price names it:
   * ProviderName may not be null, and a provider is never guessed.
   */
  static final String NOT_RECORDED = "(not recorded)";

  /**
   * @param appliedCorrections the corrections the aggregation applied (its applied-corrections
   *     topic), each bucket's once; a repeat of one is counted once all the same
   */
  public static List<Row> rows(Iterable<UsageAggregate> ledgerBuckets, List<PriceCorrection> appliedCorrections,
      PriceBook catalog, Instant periodStart, Instant periodEnd, String billingAccount) {
    return rows(ledgerBuckets, appliedCorrections, catalog, periodStart, periodEnd, billingAccount, Invoices.NONE);
  }

  /** The same, each usage row with the invoice its provider billed it on, where {@code invoices} knows it. */
  public static List<Row> rows(Iterable<UsageAggregate> ledgerBuckets, List<PriceCorrection> appliedCorrections,
      PriceBook catalog, Instant periodStart, Instant periodEnd, String billingAccount, Invoices invoices) {
    List<PriceCorrection> corrections = distinct(appliedCorrections);
    // A correction made after the period ended corrects an invoiced period: this period's usage rows
    // show the cost before it, and the file of the period it was made in carries it as a Correction row.
    // One made within the period is in the usage rows' cost already: the period is not invoiced yet.
    Map<String, Long> corrected = new LinkedHashMap<>();
    for (PriceCorrection c : corrections) {
      if (!c.getCorrectedAt().isBefore(periodEnd)) {
        corrected.merge(Rerating.series(c) + "@"
            + c.getBucketStart().toEpochMilli(), c.getDifferenceNanoUsd(), Long::sum);
      }
    }
    // (day, series, type) -> tokens, nano-USD; and the price shown for it.
    Map<UsageKey, long[]> usage = new TreeMap<>();
    Map<UsageKey, PricedVersion> shownPrice = new LinkedHashMap<>();
    for (UsageAggregate b : ledgerBuckets) {
      Instant start = b.getWindowStart();
      if (start.isBefore(periodStart) || !start.isBefore(periodEnd)) {
        continue;
      }
      SeriesKey series = SeriesKey.parse(b.getScope());
      long beforeCorrections = b.getCostNanoUsd() - corrected.getOrDefault(b.getScope() + "@" + start.toEpochMilli(), 0L);
      // The catalog entry that priced the series: its provider's own price, never another's.
      ProviderModel entry = series.providerModel().entry();
      Optional<PricedVersion> price = catalog.pricedOf(entry, start.toEpochMilli());
      if (price.isEmpty() && beforeCorrections != 0) {
        // A first price that came into force within the bucket priced its later events.
        price = catalog.pricedOf(entry, b.getWindowEnd().toEpochMilli() - 1);
      }
      long[] tokens = TokenKind.tokens(b);
      if (price.isEmpty() && beforeCorrections == 0) {
        continue; // usage no price was in force for: no charge yet, so no cost row (never a row claiming it free)
      }
      // The prices of the series' service tier: a batch series is listed at the batch prices.
      Optional<Rates> rates = price.map(p -> p.forTier(series.serviceTier()));
      long[] split = io.tokenledger.pricing.CostSplit.byKind(tokens, rates, beforeCorrections);
      String day = start.atOffset(ZoneOffset.UTC).toLocalDate().toString();
      for (int t = 0; t < TYPES.length; t++) {
        if (tokens[t] == 0 && split[t] == 0) {
          continue;
        }
        // A row per price version: its unit price times its quantity is its list cost, exactly.
        String provider = series.provider() != null ? series.provider()
            : price.map(p -> ProviderModel.of(p.version().getProvider(), p.version().getModel()).provider()).orElse(NOT_RECORDED);
        UsageKey key = new UsageKey(day, series.team(), series.workflow(), provider, series.model(),
            series.serviceTier() == null ? "" : series.serviceTier(), TYPES[t].wireName(),
            price.map(p -> PriceBook.catalogKey(p.version())).orElse(""));
        long[] sums = usage.computeIfAbsent(key, k -> new long[2]);
        sums[0] += tokens[t];
        sums[1] += split[t];
        price.ifPresent(p -> shownPrice.putIfAbsent(key, p));
      }
    }
    List<Row> rows = new ArrayList<>();
    usage.forEach((k, sums) -> {
      Row row = row(k.day(), k.team(), k.workflow(), k.provider(), k.model(), k.tier().isEmpty() ? null : k.tier(),
          k.type(), sums[0], sums[1], shownPrice.get(k), null, periodStart, periodEnd, billingAccount);
      String invoice = invoices.of(k.provider(), k.day(), k.model());
      if (invoice != null) {
        row.values().put("InvoiceId", invoice);
      }
      rows.add(row);
    });
    Map<CorrectionKey, long[]> byDay = new TreeMap<>();
    for (PriceCorrection c : corrections) {
      if (correctsAnInvoicedPeriod(c, periodStart, periodEnd)) {
        byDay.computeIfAbsent(new CorrectionKey(c.getDay(), c.getTeam(), c.getWorkflow(), c.getProvider(),
            c.getModel(), c.getCorrectionId(), c.getReason()), x -> new long[1])[0] += c.getDifferenceNanoUsd();
      }
    }
    // A re-rating changes what tokens cost, not how many there were: it consumes nothing more.
    byDay.forEach((k, sum) -> rows.add(row(k.day(), k.team(), k.workflow(), k.provider(), k.model(), null, "all", 0,
        sum[0], null, k.correctionId() + ": " + k.reason(), periodStart, periodEnd, billingAccount)));
    return rows;
  }

  /** Each bucket of each correction once, however often it was delivered. */
  private static List<PriceCorrection> distinct(List<PriceCorrection> applied) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    return applied.stream().filter(c -> seen.add(Rerating.appliedKey(c))).toList();
  }

  /** Made within the period, to a bucket of an earlier one (invoiced by then): a Correction row of this period. */
  private static boolean correctsAnInvoicedPeriod(PriceCorrection c, Instant periodStart, Instant periodEnd) {
    return c.getBucketStart().isBefore(periodStart) && !c.getCorrectedAt().isBefore(periodStart)
        && c.getCorrectedAt().isBefore(periodEnd);
  }

  /**
   * What a period's file must total, from its team ledger's total read apart: the ledger holds
   * every correction of the period's buckets, the file those made within the period, and the
   * corrections made within it to earlier periods.
   */
  public static long expectedTotal(long teamLedgerPeriodNanoUsd, List<PriceCorrection> applied, Instant periodStart,
      Instant periodEnd) {
    long total = teamLedgerPeriodNanoUsd;
    for (PriceCorrection c : distinct(applied)) {
      boolean ofThisPeriod = !c.getBucketStart().isBefore(periodStart) && c.getBucketStart().isBefore(periodEnd);
      if (ofThisPeriod && !c.getCorrectedAt().isBefore(periodEnd)) {
        total = Math.subtractExact(total, c.getDifferenceNanoUsd());
      } else if (correctsAnInvoicedPeriod(c, periodStart, periodEnd)) {
        total = Math.addExact(total, c.getDifferenceNanoUsd());
      }
    }
    return total;
  }

  /**
   * Checks a file's rows against a total worked out without them (the team ledger's, which the
   * topology sums apart from the (team, workflow, model) ledger the rows come from): empty when
   * they agree and no usage row is negative, else what is wrong.
   */
  public static Optional<String> check(List<Row> rows, long independentTotalNanoUsd) {
    long total = rows.stream().mapToLong(Row::costNanoUsd).sum();
    if (total != independentTotalNanoUsd) {
      return Optional.of("the rows total " + MoneyFormat.exact(total) + " but the team ledger's month is "
          + MoneyFormat.exact(independentTotalNanoUsd) + " (" + MoneyFormat.exact(total - independentTotalNanoUsd)
          + " apart): the ledgers were read while the aggregation published, or corrections were counted wrong; "
          + "export again");
    }
    List<String> negative = rows.stream().filter(r -> r.values().get("ChargeCategory").equals("Usage")
        && r.costNanoUsd() < 0).map(r -> r.values().get("ChargeDescription")).toList();
    if (!negative.isEmpty()) {
      return Optional.of(negative.size() + " usage rows cost less than nothing (" + negative.get(0) + "): more was "
          + "taken off for corrections than was charged");
    }
    return Optional.empty();
  }

  private static Row row(String day, String team, String workflow, String provider, String model, String tier,
      String type, long tokens, long nano, PricedVersion price, String correction, Instant periodStart,
      Instant periodEnd, String account) {
    Map<String, String> v = new LinkedHashMap<>();
    String cost = NanoUsd.toUsd(nano).toPlainString();
    LocalDate date = LocalDate.parse(day);
    v.put("BilledCost", cost);
    v.put("BillingAccountId", account);
    v.put("BillingAccountName", account);
    v.put("BillingCurrency", "USD");
    v.put("BillingPeriodEnd", periodEnd.toString());
    v.put("BillingPeriodStart", periodStart.toString());
    v.put("ChargeCategory", "Usage");
    v.put("ChargeClass", correction == null ? "" : "Correction");
    v.put("ChargeDescription", correction == null ? type + " tokens of " + model + " for " + team + "/" + workflow
        : "Price correction " + correction);
    v.put("ChargeFrequency", "Usage-Based");
    v.put("ChargePeriodEnd", date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    v.put("ChargePeriodStart", date.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    v.put("ConsumedQuantity", Long.toString(tokens));
    v.put("ConsumedUnit", "Tokens");
    String unitPrice = price == null || correction != null ? "" : price.forTier(tier)
        .usdPerMillion(kind(type)).stripTrailingZeros().toPlainString();
    // List and contracted cost are the unit price times the quantity, exactly (to the pico-dollar):
    // what was billed (BilledCost, EffectiveCost) is the ledger's, a long-context tier included.
    String listCost = unitPrice.isEmpty() ? cost : new BigDecimal(unitPrice)
        .multiply(BigDecimal.valueOf(tokens).divide(MILLION)).stripTrailingZeros().toPlainString();
    v.put("ContractedCost", listCost);
    v.put("ContractedUnitPrice", unitPrice);
    v.put("EffectiveCost", cost);
    v.put("InvoiceId", "");
    v.put("InvoiceIssuerName", provider);
    v.put("ListCost", listCost);
    v.put("ListUnitPrice", unitPrice);
    v.put("PricingCategory", "Standard");
    v.put("PricingQuantity", BigDecimal.valueOf(tokens).divide(MILLION).toPlainString());
    v.put("PricingUnit", PRICING_UNIT);
    v.put("ProviderName", provider);
    v.put("PublisherName", provider);
    v.put("ServiceCategory", "AI and Machine Learning");
    String sku = new ProviderModel(provider, model, tier).toString();
    v.put("ServiceName", provider + " " + model + (tier == null ? "" : " (" + tier + ")"));
    v.put("ServiceSubcategory", "Generative AI");
    v.put("SkuId", sku + "/" + type);
    v.put("SkuMeter", correction == null ? METERS.getOrDefault(type, "") : "");
    v.put("SkuPriceId", price == null ? "" : sku + "@" + price.version().getEffectiveFrom() + "/" + type);
    v.put("SkuPriceDetails", price == null ? "" : skuPriceDetails(type, tier, price.version()));
    v.put("SubAccountId", team);
    v.put("SubAccountName", team);
    v.put("Tags", tags(team, workflow));
    v.put("x_Team", team);
    v.put("x_Workflow", workflow);
    v.put("x_Model", model);
    v.put("x_TokenType", type);
    v.put("x_ServiceTier", tier == null ? "" : tier);
    v.put("x_CostNanoUsd", Long.toString(nano));
    return new Row(v, nano);
  }

  /** The price's own properties, provider-defined so x_-prefixed (FOCUS Key-Value Format). */
  private static String skuPriceDetails(String type, String tier, PriceVersion price) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("x_TokenType", type);
    if (tier != null) {
      details.put("x_ServiceTier", tier);
    }
    details.put("x_EffectiveFrom", price.getEffectiveFrom().toString());
    try {
      return JSON.writeValueAsString(details);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TokenKind kind(String wireName) {
    for (TokenKind kind : TYPES) {
      if (kind.wireName().equals(wireName)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("no token kind " + wireName);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** FOCUS Tags: a JSON object, written by a JSON writer so that any name is escaped as JSON says. */
  private static String tags(String team, String workflow) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("team", team);
    tags.put("workflow", workflow);
    try {
      return JSON.writeValueAsString(tags);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Column typed(String name) {
    return switch (name) {
      case "BilledCost", "EffectiveCost", "PricingCurrencyEffectiveCost", "CommitmentDiscountQuantity" ->
          Column.decimal(name, 9);
      // A unit price may be finer than a micro-USD (prices are exact at the catalog's precision).
      case "ContractedCost", "ListCost" -> Column.decimal(name, 24);
      case "ContractedUnitPrice", "ListUnitPrice", "PricingCurrencyContractedUnitPrice", "PricingCurrencyListUnitPrice" ->
          Column.decimal(name, 18);
      case "PricingQuantity" -> Column.decimal(name, 6);
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

  /** The same for a file of these columns. */
  public static byte[] parquet(List<Row> rows, List<String> columns) throws java.io.IOException {
    return ParquetTable.bytes(columns.stream().map(FocusExport::typed).toList(), rows.stream().map(Row::values).toList());
  }

  /**
   * RFC 4180 CSV with a header line. A text cell that a spreadsheet would run as a formula
   * (starting with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, as OWASP
   * recommends for CSV injection; numbers, which we write ourselves, stay as they are.
   */
  public static String csv(List<Row> rows) {
    return csv(rows, COLUMNS);
  }

  /** The same for a file of these columns. */
  public static String csv(List<Row> rows, List<String> columns) {
    StringBuilder out = new StringBuilder(String.join(",", columns)).append("\r\n");
    for (Row row : rows) {
      List<String> cells = new ArrayList<>();
      for (String column : columns) {
        cells.add(cell(row.values().getOrDefault(column, "")));
      }
      out.append(String.join(",", cells)).append("\r\n");
    }
    return out.toString();
  }

  static String cell(String value) {
    String safe = !value.isEmpty() && FORMULA_START.indexOf(value.charAt(0)) >= 0 && !NUMBER.matcher(value).matches()
        ? "'" + value : value;
    return safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")
        || !safe.equals(value) ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
  }

  private static final String FORMULA_START = "=+-@\t\r";
  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
}
