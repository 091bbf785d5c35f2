package io.tokenledger.focus.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.testing.SharedData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evaluator on the validator's real rule file, with rows built to break one rule each: it
 * finds exactly the rule broken, and keeps quiet where the rule's condition or applicability
 * does not hold.
 */
class FocusRulesTest {
  private static FocusRules rules;
  private static final Set<String> UNIT_PRICING = Set.of("PUBLIC_PRICE_LIST_SUPPORTED", "UNIT_PRICING_SUPPORTED");

  @BeforeAll
  static void load() throws Exception {
    rules = FocusRules.load(SharedData.path("focus/model-1.2.json"));
  }

  private static Map<String, String> row(String... pairs) {
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      row.put(pairs[i], pairs[i + 1]);
    }
    return row;
  }

  private static List<String> failed(List<String> columns, Map<String, String> row, Set<String> criteria) {
    return rules.check(columns, List.of(row), criteria).failures().stream().map(FocusRules.Failure::rule)
        .filter(r -> !r.startsWith("CostAndUsage-D-")).toList(); // presence of the columns left out here
  }

  @Test
  void listCostMustBeUnitPriceTimesQuantityExactlyUnlessACorrection() {
    List<String> columns = List.of("ListUnitPrice", "PricingQuantity", "ListCost", "ChargeClass");
    assertEquals(List.of(), failed(columns, row("ListUnitPrice", "2.5", "PricingQuantity", "0.001001",
        "ListCost", "0.0025025"), UNIT_PRICING));
    assertTrue(failed(columns, row("ListUnitPrice", "2.5", "PricingQuantity", "0.001001", "ListCost", "0.002503"),
        UNIT_PRICING).contains("ListCost-C-009-C"), "rounded to the nano-dollar is not exact");
    assertEquals(List.of(), failed(columns, row("ListUnitPrice", "2.5", "PricingQuantity", "0.001001", "ListCost",
        "0.002503", "ChargeClass", "Correction"), UNIT_PRICING), "a correction is exempt");
  }

  @Test
  void datesCurrenciesAndKeyValuesInTheirFormats() {
    List<String> columns = List.of("PricingUnit", "ChargePeriodStart", "BillingCurrency", "Tags");
    assertEquals(List.of(), failed(columns, row("PricingUnit", "1000000 Tokens", "ChargePeriodStart",
        "2026-10-05T00:00:00Z", "BillingCurrency", "USD", "Tags", "{\"team\":\"support\"}"), UNIT_PRICING));
    List<String> bad = failed(columns, row("PricingUnit", "1M Tokens", "ChargePeriodStart", "2026-10-05 00:00",
        "BillingCurrency", "usd", "Tags", "{\"team\":{\"nested\":1}}"), Set.of("PUBLIC_PRICE_LIST_SUPPORTED",
        "UNIT_PRICING_SUPPORTED", "TAGGING_SUPPORTED"));
    // "1M Tokens" breaks only a SHOULD of the model (PricingUnit-C-003-O), which is not asserted.
    assertTrue(bad.stream().anyMatch(r -> r.startsWith("ChargePeriodStart-")), bad.toString());
    assertTrue(bad.stream().anyMatch(r -> r.startsWith("BillingCurrency-")), bad.toString());
    assertTrue(bad.stream().anyMatch(r -> r.startsWith("Tags-")), bad.toString());
  }

  @Test
  void aRuleWhoseCriteriaTheDatasetDoesNotClaimIsNotApplied() {
    List<String> columns = List.of("ListUnitPrice", "ChargeCategory", "ChargeClass");
    Map<String, String> usageWithoutPrice = row("ChargeCategory", "Usage");
    assertTrue(failed(columns, usageWithoutPrice, UNIT_PRICING).contains("ListUnitPrice-C-005-C"));
    assertEquals(List.of(), failed(columns, usageWithoutPrice, Set.of()).stream()
        .filter(r -> r.startsWith("ListUnitPrice")).toList(), "ListUnitPrice rules need a public price list");
  }

  @Test
  void presenceOfColumnsTheClaimedCriteriaRequire() {
    FocusRules.Report report = rules.check(List.of("BilledCost"), List.of(row("BilledCost", "1")), UNIT_PRICING);
    List<String> failed = report.failures().stream().map(FocusRules.Failure::rule).toList();
    assertTrue(failed.contains("CostAndUsage-D-059-C"), "SkuMeter must be present with unit pricing: " + failed);
    assertTrue(failed.contains("CostAndUsage-D-005-M"), "BillingAccountName must be present: " + failed);
  }

  /**
   * CommitmentDiscountStatus is Used or Unused, as the column's text says (the published model's
   * Active/Expired/Pending is FOCUS_Spec #2418's errata), null where there is no commitment; and a
   * part of a composite applies only on its composite's rows: the quantity is required where a
   * commitment applies to a Usage or Purchase row, nowhere else.
   */
  @Test
  void commitmentColumnsAsTheSpecTextHasThem() {
    Set<String> commitments = Set.of("COMMITMENT_DISCOUNT_SUPPORTED");
    List<String> columns = List.of("ChargeCategory", "ChargeClass", "CommitmentDiscountId", "CommitmentDiscountStatus",
        "CommitmentDiscountQuantity", "CommitmentDiscountCategory", "CommitmentDiscountType", "CommitmentDiscountUnit",
        "CommitmentDiscountName");
    Map<String, String> used = row("ChargeCategory", "Usage", "CommitmentDiscountId", "c-1", "CommitmentDiscountStatus",
        "Used", "CommitmentDiscountQuantity", "2.5", "CommitmentDiscountCategory", "Spend", "CommitmentDiscountType",
        "Committed Spend", "CommitmentDiscountUnit", "USD", "CommitmentDiscountName", "c-1");
    assertEquals(List.of(), failed(columns, used, commitments));
    Map<String, String> active = new HashMap<>(used);
    active.put("CommitmentDiscountStatus", "Active");
    assertTrue(failed(columns, active, commitments).contains("CommitmentDiscountStatus-C-005-M"));
    assertEquals(List.of(), failed(columns, row("ChargeCategory", "Usage"), commitments), "no commitment: all null");
    Map<String, String> noQuantity = new HashMap<>(used);
    noQuantity.remove("CommitmentDiscountQuantity");
    assertTrue(failed(columns, noQuantity, commitments).contains("CommitmentDiscountQuantity-C-005-C"));
    assertTrue(FocusRules.errata().keySet().containsAll(List.of("CommitmentDiscountStatus-C-003-C",
        "CommitmentDiscountStatus-C-004-C", "CommitmentDiscountStatus-C-005-M")));
  }
}
