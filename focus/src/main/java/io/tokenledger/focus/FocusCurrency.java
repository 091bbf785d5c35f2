package io.tokenledger.focus;

import io.tokenledger.pricing.currency.FxBook;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A FOCUS file billed in another currency than the prices' USD, as FOCUS 1.2 has it when pricing
 * and billing currencies differ: BillingCurrency is the reporting currency and every cost and unit
 * price is in it; PricingCurrency is USD, with the effective cost and unit prices as priced
 * (PricingCurrencyEffectiveCost, PricingCurrencyListUnitPrice, PricingCurrencyContractedUnitPrice).
 * Each row is converted with the rate of its charge day (or the latest earlier day with one), which
 * it states in x_FxRate, x_FxRateDate and x_FxRateSource.
 *
 * <p>Costs billed (BilledCost, EffectiveCost) are converted and rounded once to 9 decimals. A
 * unit price is converted to 18 decimals and its cost is that price times the quantity, exactly,
 * so ListCost = ListUnitPrice x PricingQuantity holds in the file as FOCUS requires; it then
 * differs from the USD list cost converted directly by less than the price's rounding times the
 * quantity.
 */
public final class FocusCurrency {
  private static final int UNIT_PRICE_SCALE = 18;
  private static final List<String> PRICING_CURRENCY_COLUMNS = List.of("PricingCurrency",
      "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice");
  private static final List<String> RATE_COLUMNS = List.of("x_FxRate", "x_FxRateDate", "x_FxRateSource");
  /** The columns of a converted file: FOCUS's in order, then the custom ones, the rate's last. */
  public static final List<String> COLUMNS = columns(FocusExport.COLUMNS);
  /** What a converted file claims besides what every export claims. */
  public static final Set<String> CLAIMED_CRITERIA = claimed(FocusExport.CLAIMED_CRITERIA);

  private FocusCurrency() {}

  /** The columns of a converted file of {@code base}'s columns. */
  public static List<String> columns(List<String> base) {
    List<String> focus = new ArrayList<>(base.stream().filter(c -> !c.startsWith("x_")).toList());
    focus.addAll(PRICING_CURRENCY_COLUMNS);
    focus.sort(String::compareTo);
    focus.addAll(base.stream().filter(c -> c.startsWith("x_")).toList());
    focus.addAll(RATE_COLUMNS);
    return List.copyOf(focus);
  }

  /** What a converted file claims besides {@code base}. */
  public static Set<String> claimed(Set<String> base) {
    Set<String> criteria = new HashSet<>(base);
    criteria.add("PRICING_BILLING_CURRENCY_DIFFERENCES_SUPPORTED");
    return Set.copyOf(criteria);
  }

  /**
   * The rows billed in {@code currency}. The rows' nano-USD (x_CostNanoUsd, what the file's total
   * is checked against) stay as they are.
   *
   * @throws IllegalArgumentException naming the first charge day with no rate on or before it
   */
  public static List<FocusExport.Row> convert(List<FocusExport.Row> rows, FxBook fx, String currency) {
    List<FocusExport.Row> converted = new ArrayList<>();
    for (FocusExport.Row row : rows) {
      Map<String, String> v = new LinkedHashMap<>(row.values());
      LocalDate day = LocalDate.parse(v.get("ChargePeriodStart").substring(0, 10));
      FxBook.UsdRate rate = fx.rateOn(currency, day).orElseThrow(() -> new IllegalArgumentException("no " + currency
          + " rate on or before " + day + ": import the rates first ('tokenledger fx import')"));
      String billed = rate.apply(new BigDecimal(v.get("BilledCost")), FxBook.SCALE).toPlainString();
      v.put("PricingCurrency", "USD");
      v.put("PricingCurrencyEffectiveCost", v.get("EffectiveCost"));
      v.put("PricingCurrencyListUnitPrice", v.get("ListUnitPrice"));
      v.put("PricingCurrencyContractedUnitPrice", v.get("ContractedUnitPrice"));
      v.put("BillingCurrency", currency);
      v.put("BilledCost", billed);
      v.put("EffectiveCost", rate.apply(new BigDecimal(v.get("EffectiveCost")), FxBook.SCALE).toPlainString());
      String committed = v.get("CommitmentDiscountQuantity");
      if (committed != null && !committed.isEmpty()) {
        // A spend commitment is measured in the billing currency.
        v.put("CommitmentDiscountQuantity", rate.apply(new BigDecimal(committed), FxBook.SCALE).toPlainString());
        v.put("CommitmentDiscountUnit", currency);
      }
      BigDecimal quantity = new BigDecimal(v.get("PricingQuantity"));
      for (String[] pair : new String[][] {{"ListUnitPrice", "ListCost"}, {"ContractedUnitPrice", "ContractedCost"}}) {
        String unit = v.get(pair[0]);
        if (unit == null || unit.isEmpty()) {
          v.put(pair[1], rate.apply(new BigDecimal(v.get(pair[1])), FxBook.SCALE).toPlainString()); // no unit price (a correction)
        } else {
          BigDecimal price = rate.apply(new BigDecimal(unit), UNIT_PRICE_SCALE).stripTrailingZeros();
          v.put(pair[0], price.toPlainString());
          v.put(pair[1], price.multiply(quantity).stripTrailingZeros().toPlainString());
        }
      }
      v.put("x_FxRate", rate.statement().substring(0, rate.statement().indexOf(" (")));
      v.put("x_FxRateDate", rate.day().toString());
      v.put("x_FxRateSource", rate.source());
      converted.add(new FocusExport.Row(v, row.costNanoUsd()));
    }
    return converted;
  }
}
