package io.tokenledger.focus;

import io.tokenledger.pricing.capacity.CommitmentDrawdown;
import io.tokenledger.pricing.capacity.PoolAllocation;
import io.tokenledger.schemas.Commitment;
import io.tokenledger.schemas.money.NanoUsd;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A month's FOCUS rows with the committed-spend agreements in them, as FOCUS 1.2 has spend-based
 * commitment discounts (Discount Handling, and its appendix's savings-plan examples):
 * <ul>
 *   <li>a Purchase row (ChargeFrequency Recurring) of the period's amount in the period's first
 *       month: BilledCost the amount, EffectiveCost 0;
 *   <li>the provider's usage the amount covers, in the order it happened: PricingCategory
 *       Committed, CommitmentDiscountStatus Used, BilledCost 0 (the purchase paid it), EffectiveCost
 *       its part of what the month drew ({@link CommitmentDrawdown}), to the nano-USD; a row the
 *       amount runs out in is split in two, its tokens in proportion;
 *   <li>usage beyond the amount: PricingCategory Standard, at list, as without a commitment;
 *   <li>once a period has ended, an Unused row of what it left: EffectiveCost the amount left.
 * </ul>
 * List and contracted prices stay the list prices (no negotiated discount); the commitment's
 * discount is in EffectiveCost. The rows' nano-USD (x_CostNanoUsd, checked against the ledger)
 * are the ledger's, split rows' in proportion; purchase and unused rows carry none.
 */
public final class FocusCommitments {
  static final List<String> ADDED_COLUMNS = List.of("CommitmentDiscountCategory", "CommitmentDiscountId",
      "CommitmentDiscountName", "CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
      "CommitmentDiscountUnit");
  static final String CRITERION = "COMMITMENT_DISCOUNT_SUPPORTED";
  private static final String TYPE = "Committed Spend";
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private FocusCommitments() {}

  /**
   * @param listByProvider each provider's list cost per month from the ledger, for the months of a
   *     period before this one (this month's is the rows' own)
   * @param asOf when the file is made: a period ended by then gets its Unused row
   */
  public static List<FocusExport.Row> apply(List<FocusExport.Row> rows, List<Commitment> commitments,
      Map<String, Map<YearMonth, Long>> listByProvider, YearMonth month, Instant asOf, String account) {
    List<FocusExport.Row> out = new ArrayList<>(rows);
    for (Commitment c : commitments) {
      YearMonth first = YearMonth.from(c.getStart().atZone(ZoneOffset.UTC));
      if (month.isBefore(first) || month.isAfter(first.plusMonths(c.getTermMonths() - 1L))) {
        continue;
      }
      String provider = c.getProvider().toString();
      List<Integer> usage = new ArrayList<>();
      long listThisMonth = 0;
      for (int i = 0; i < out.size(); i++) {
        Map<String, String> v = out.get(i).values();
        if (provider.equals(v.get("ProviderName")) && "Usage".equals(v.get("ChargeCategory"))
            && v.get("ChargeClass").isEmpty() && v.get("CommitmentDiscountId") == null) {
          usage.add(i);
          listThisMonth += out.get(i).costNanoUsd();
        }
      }
      Map<YearMonth, Long> list = new HashMap<>(listByProvider.getOrDefault(provider, Map.of()));
      list.put(month, listThisMonth);
      List<CommitmentDrawdown.Month> months = CommitmentDrawdown.months(c, list, month);
      CommitmentDrawdown.Month m = months.get(months.size() - 1);
      if (CommitmentDrawdown.periodOf(c, month).equals(month)) {
        out.add(purchase(c, month, account));
      }
      cover(out, usage, c, m);
      YearMonth periodEnd = CommitmentDrawdown.periodEndOf(c, month);
      Instant ended = periodEnd.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      if (periodEnd.equals(month) && !asOf.isBefore(ended) && m.remainingNanoUsd() > 0) {
        out.add(unused(c, month, m.remainingNanoUsd(), account));
      }
    }
    return out;
  }

  /** The columns of a file with commitments: FOCUS's in order, then the custom ones. */
  public static List<String> columns(List<String> base) {
    List<String> focus = new ArrayList<>(base.stream().filter(col -> !col.startsWith("x_")).toList());
    focus.addAll(ADDED_COLUMNS);
    focus.sort(String::compareTo);
    focus.addAll(base.stream().filter(col -> col.startsWith("x_")).toList());
    return List.copyOf(focus);
  }

  /** What a file with commitments claims besides what it claimed without them. */
  public static Set<String> claimed(Set<String> base) {
    Set<String> criteria = new java.util.HashSet<>(base);
    criteria.add(CRITERION);
    return Set.copyOf(criteria);
  }

  /** Marks the usage the month's drawn amount covers, in the order it happened, splitting the row it runs out in. */
  private static void cover(List<FocusExport.Row> out, List<Integer> usage, Commitment c, CommitmentDrawdown.Month m) {
    usage.sort(Comparator.comparing((Integer i) -> out.get(i).values().get("ChargePeriodStart")));
    long toCover = m.coveredListNanoUsd();
    TreeMap<Integer, Long> covered = new TreeMap<>();
    for (int index : usage) {
      if (toCover <= 0) {
        break;
      }
      FocusExport.Row row = out.get(index);
      long part = Math.min(row.costNanoUsd(), toCover);
      if (part < row.costNanoUsd()) {
        FocusExport.Row[] halves = split(row, part);
        out.set(index, halves[0]);
        out.add(halves[1]);
      }
      covered.put(index, part);
      toCover -= part;
    }
    // What the month drew, over the covered rows in proportion to their list cost, to the nano-USD.
    Map<Integer, Long> effective = PoolAllocation.of(m.drawnNanoUsd(), Optional.empty(), covered).consumers();
    effective.forEach((index, nano) -> {
      Map<String, String> v = out.get(index).values();
      String usd = NanoUsd.toUsd(nano).toPlainString();
      v.put("BilledCost", NanoUsd.toUsd(0).toPlainString());
      v.put("EffectiveCost", usd);
      v.put("PricingCategory", "Committed");
      commitmentColumns(v, c, usd, "Used");
    });
  }

  /** A usage row in two: the first {@code nano} of its cost, and the rest, its tokens in proportion. */
  private static FocusExport.Row[] split(FocusExport.Row row, long nano) {
    Map<String, String> v = row.values();
    long tokens = Long.parseLong(v.get("ConsumedQuantity"));
    long firstTokens = row.costNanoUsd() == 0 ? tokens : BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(nano))
        .divide(BigInteger.valueOf(row.costNanoUsd())).longValueExact();
    return new FocusExport.Row[] {part(row, firstTokens, nano), part(row, tokens - firstTokens, row.costNanoUsd() - nano)};
  }

  private static FocusExport.Row part(FocusExport.Row row, long tokens, long nano) {
    Map<String, String> v = new LinkedHashMap<>(row.values());
    String cost = NanoUsd.toUsd(nano).toPlainString();
    v.put("BilledCost", cost);
    v.put("EffectiveCost", cost);
    v.put("ConsumedQuantity", Long.toString(tokens));
    BigDecimal quantity = BigDecimal.valueOf(tokens).divide(MILLION);
    v.put("PricingQuantity", quantity.toPlainString());
    for (String[] pair : new String[][] {{"ListUnitPrice", "ListCost"}, {"ContractedUnitPrice", "ContractedCost"}}) {
      String unit = v.get(pair[0]);
      v.put(pair[1], unit.isEmpty() ? cost : new BigDecimal(unit).multiply(quantity).stripTrailingZeros().toPlainString());
    }
    v.put("x_CostNanoUsd", Long.toString(nano));
    return new FocusExport.Row(v, nano);
  }

  private static FocusExport.Row purchase(Commitment c, YearMonth month, String account) {
    String amount = NanoUsd.toUsd(c.getAmountNanoUsd()).toPlainString();
    Map<String, String> v = base(c, month, account, month.atDay(1), month.plusMonths(1).atDay(1));
    v.put("BilledCost", amount);
    v.put("ChargeCategory", "Purchase");
    v.put("ChargeDescription", "Committed spend " + c.getCommitmentId() + " with " + c.getProvider() + ": "
        + amount + " USD for " + c.getPeriodMonths() + " month" + (c.getPeriodMonths() == 1 ? "" : "s") + " at "
        + BigDecimal.valueOf(c.getDiscountBasisPoints(), 2).stripTrailingZeros().toPlainString() + "% off list");
    v.put("ChargeFrequency", "Recurring");
    v.put("ContractedCost", amount);
    v.put("ContractedUnitPrice", amount);
    v.put("EffectiveCost", NanoUsd.toUsd(0).toPlainString());
    v.put("ListCost", amount);
    v.put("ListUnitPrice", amount);
    v.put("PricingCategory", "Standard");
    v.put("PricingQuantity", "1");
    v.put("SkuMeter", "Committed Spend");
    commitmentColumns(v, c, amount, "");
    return new FocusExport.Row(v, 0);
  }

  private static FocusExport.Row unused(Commitment c, YearMonth month, long remaining, String account) {
    String left = NanoUsd.toUsd(remaining).toPlainString();
    LocalDate last = month.atEndOfMonth();
    Map<String, String> v = base(c, month, account, last, last.plusDays(1));
    v.put("BilledCost", NanoUsd.toUsd(0).toPlainString());
    v.put("ChargeCategory", "Usage");
    v.put("ChargeDescription", "Unused committed spend " + c.getCommitmentId() + " with " + c.getProvider()
        + " at the end of its period: " + left + " USD");
    v.put("ChargeFrequency", "Usage-Based");
    // Nothing was consumed: FOCUS has ConsumedQuantity (and its unit) null on an unused row.
    v.put("ContractedCost", "0");
    v.put("ContractedUnitPrice", "0");
    v.put("EffectiveCost", left);
    v.put("ListCost", "0");
    v.put("ListUnitPrice", "0");
    v.put("PricingCategory", "Committed");
    v.put("PricingQuantity", "0");
    v.put("SkuMeter", "Unused Committed Spend");
    commitmentColumns(v, c, left, "Unused");
    return new FocusExport.Row(v, 0);
  }

  /** A commitment row's columns outside the money: the owner as sub-account, the agreement as SKU. */
  private static Map<String, String> base(Commitment c, YearMonth month, String account, LocalDate from, LocalDate to) {
    Map<String, String> v = new LinkedHashMap<>();
    String provider = c.getProvider().toString();
    String owner = c.getOwnerTeam().toString();
    String sku = provider + "/commitment/" + c.getCommitmentId();
    v.put("BillingAccountId", account);
    v.put("BillingAccountName", account);
    v.put("BillingCurrency", "USD");
    v.put("BillingPeriodEnd", month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    v.put("BillingPeriodStart", month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    v.put("ChargeClass", "");
    v.put("ChargePeriodEnd", to.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    v.put("ChargePeriodStart", from.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
    v.put("ConsumedQuantity", "");
    v.put("ConsumedUnit", "");
    v.put("InvoiceId", "");
    v.put("InvoiceIssuerName", provider);
    v.put("PricingUnit", "Commitments");
    v.put("ProviderName", provider);
    v.put("PublisherName", provider);
    v.put("ServiceCategory", "AI and Machine Learning");
    v.put("ServiceName", provider + " committed spend");
    v.put("ServiceSubcategory", "Generative AI");
    v.put("SkuId", sku);
    v.put("SkuPriceDetails", "{\"x_DiscountPercent\":\"" + BigDecimal.valueOf(c.getDiscountBasisPoints(), 2)
        .stripTrailingZeros().toPlainString() + "\"}");
    v.put("SkuPriceId", sku + "@" + c.getStart());
    v.put("SubAccountId", owner);
    v.put("SubAccountName", owner);
    v.put("Tags", "{\"team\":" + quoted(owner) + "}");
    v.put("x_Team", owner);
    v.put("x_Workflow", "");
    v.put("x_Model", "");
    v.put("x_TokenType", "");
    v.put("x_ServiceTier", "");
    v.put("x_CostNanoUsd", "");
    return v;
  }

  private static void commitmentColumns(Map<String, String> v, Commitment c, String quantityUsd, String status) {
    v.put("CommitmentDiscountCategory", "Spend");
    v.put("CommitmentDiscountId", c.getCommitmentId().toString());
    v.put("CommitmentDiscountName", c.getNote() == null ? c.getCommitmentId().toString() : c.getNote().toString());
    v.put("CommitmentDiscountQuantity", quantityUsd);
    v.put("CommitmentDiscountStatus", status);
    v.put("CommitmentDiscountType", TYPE);
    v.put("CommitmentDiscountUnit", "USD");
  }

  private static String quoted(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
