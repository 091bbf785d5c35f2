package io.tokenledger.focus;

import static io.tokenledger.focus.FocusConformanceTest.bucket;
import static io.tokenledger.focus.FocusConformanceTest.price;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.focus.rules.FocusRules;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.Commitment;
import io.tokenledger.testing.SharedData;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Committed spend in a FOCUS file, every figure worked out by hand, and the FinOps validator's
 * MUST rules for FOCUS 1.2 kept with COMMITMENT_DISCOUNT_SUPPORTED claimed.
 */
class FocusCommitmentsTest {
  private static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant DEC = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant JAN = Instant.parse("2027-01-01T00:00:00Z");
  private static final long USD = 1_000_000_000L;

  static PriceBook catalog() {
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", Instant.parse("2026-10-01T00:00:00Z"), 2_500_000, 1_250_000, 10_000_000));
    catalog.put(price("anthropic", "claude-sonnet-4", Instant.parse("2026-10-01T00:00:00Z"), 3_000_000, 300_000,
        15_000_000));
    return catalog;
  }

  /** $10 a month with OpenAI at 20% off list, from November, for a year. */
  static Commitment commitment() {
    return Commitment.newBuilder().setCommitmentId("openai-commit").setProvider("openai").setAmountNanoUsd(10 * USD)
        .setPeriodMonths(1).setDiscountBasisPoints(2_000).setStart(NOV).setTermMonths(12).setOwnerTeam("finance")
        .setSetBy("test").setNote("OpenAI committed spend 2026").setUpdatedAt(NOV).build();
  }

  @Test
  void theAmountCoversUsageInTheOrderItHappenedAndTheRestIsAtList() throws Exception {
    // November at list: $2.50 (the 2nd), $2.50 (the 10th), $10.00 (the 20th): $15.00, $12.00 at 20% off, more than
    // the $10 amount. $10 covers $12.50 of list: the first two rows and $7.50 of the third, which is split (750,000
    // of its 1,000,000 output tokens); its other $2.50 is at list. The $10 drawn goes to the covered $2.50, $2.50
    // and $7.50 in proportion: $2.00, $2.00 and $6.00. Claude is not OpenAI's: as it was.
    List<FocusExport.Row> rows = FocusExport.rows(List.of(
        bucket("support", "triage", "openai/gpt-4o", Instant.parse("2026-11-02T10:00:00Z"), 1_000_000, 0, 0, 2_500_000_000L),
        bucket("finance", "summarise", "openai/gpt-4o", Instant.parse("2026-11-10T10:00:00Z"), 1_000_000, 0, 0,
            2_500_000_000L),
        bucket("support", "triage", "openai/gpt-4o", Instant.parse("2026-11-20T10:00:00Z"), 0, 0, 1_000_000, 10 * USD),
        bucket("growth", "drafts", "anthropic/claude-sonnet-4", Instant.parse("2026-11-20T10:00:00Z"), 1_000_000, 0, 0,
            3 * USD)), List.of(), catalog(), NOV, DEC, "acme");
    List<FocusExport.Row> committed = FocusCommitments.apply(rows, List.of(commitment()), Map.of(), YearMonth.of(2026, 11),
        Instant.parse("2026-12-05T00:00:00Z"), "acme");
    assertEquals(6, committed.size(), "four rows, one split in two, and the purchase");
    Map<String, String> purchase = only(committed, r -> r.get("ChargeCategory").equals("Purchase"));
    assertEquals("10.000000000", purchase.get("BilledCost"));
    assertEquals("0.000000000", purchase.get("EffectiveCost"));
    assertEquals("Recurring", purchase.get("ChargeFrequency"));
    assertEquals("openai-commit", purchase.get("CommitmentDiscountId"));
    assertEquals("Spend", purchase.get("CommitmentDiscountCategory"));
    assertEquals("10.000000000", purchase.get("CommitmentDiscountQuantity"));
    assertEquals("USD", purchase.get("CommitmentDiscountUnit"));

    List<Map<String, String>> used = committed.stream().map(FocusExport.Row::values)
        .filter(r -> "Used".equals(r.get("CommitmentDiscountStatus"))).toList();
    assertEquals(List.of("2.000000000", "2.000000000", "6.000000000"), used.stream().map(r -> r.get("EffectiveCost"))
        .toList());
    assertTrue(used.stream().allMatch(r -> r.get("BilledCost").equals("0.000000000")), "the purchase paid for them: "
        + used);
    assertTrue(used.stream().allMatch(r -> r.get("PricingCategory").equals("Committed")));
    assertEquals(List.of("1000000", "1000000", "750000"), used.stream().map(r -> r.get("ConsumedQuantity")).toList());
    assertEquals("7.5", used.get(2).get("ListCost"), "10 per 1M x 0.75");
    Map<String, String> over = only(committed, r -> r.get("ProviderName").equals("openai")
        && r.get("ChargeCategory").equals("Usage") && r.get("CommitmentDiscountStatus") == null);
    assertEquals("2.500000000", over.get("BilledCost"));
    assertEquals("2.500000000", over.get("EffectiveCost"));
    assertEquals("250000", over.get("ConsumedQuantity"));
    assertEquals("2.5", over.get("ListCost"));
    assertEquals("Standard", over.get("PricingCategory"));
    Map<String, String> claude = only(committed, r -> r.get("ProviderName").equals("anthropic"));
    assertEquals("3.000000000", claude.get("BilledCost"));
    // The nano-USD the ledger holds are kept, split rows' in proportion: the file still checks against the ledger.
    assertEquals(18 * USD, committed.stream().mapToLong(FocusExport.Row::costNanoUsd).sum());
    assertEquals(java.util.Optional.empty(), FocusExport.check(committed, 18 * USD));
    conforms(committed);
  }

  @Test
  void aPeriodThatEndedWithAmountLeftHasAnUnusedRow() throws Exception {
    // December: $5.00 at list, $4.00 at 20% off, drawn from December's $10: $6.00 left when the month ends.
    List<FocusExport.Row> rows = FocusExport.rows(List.of(bucket("support", "triage", "openai/gpt-4o",
        Instant.parse("2026-12-03T10:00:00Z"), 2_000_000, 0, 0, 5 * USD)), List.of(), catalog(), DEC, JAN, "acme");
    List<FocusExport.Row> committed = FocusCommitments.apply(rows, List.of(commitment()),
        Map.of("openai", Map.of(YearMonth.of(2026, 11), 15 * USD)), YearMonth.of(2026, 12),
        Instant.parse("2027-01-02T00:00:00Z"), "acme");
    Map<String, String> unused = only(committed, r -> "Unused".equals(r.get("CommitmentDiscountStatus")));
    assertEquals("6.000000000", unused.get("EffectiveCost"));
    assertEquals("6.000000000", unused.get("CommitmentDiscountQuantity"));
    assertEquals("2026-12-31T00:00:00Z", unused.get("ChargePeriodStart"));
    assertEquals("4.000000000", only(committed, r -> "Used".equals(r.get("CommitmentDiscountStatus"))).get("EffectiveCost"));
    // Used and unused make up what the month's purchase paid, as FOCUS requires.
    assertEquals(0, new java.math.BigDecimal("10").compareTo(committed.stream().map(FocusExport.Row::values)
        .filter(r -> r.get("CommitmentDiscountStatus") != null && !r.get("CommitmentDiscountStatus").isEmpty())
        .map(r -> new java.math.BigDecimal(r.get("EffectiveCost"))).reduce(java.math.BigDecimal.ZERO,
            java.math.BigDecimal::add)));
    // Before the month is over there is no unused row yet.
    assertTrue(FocusCommitments.apply(rows, List.of(commitment()), Map.of(), YearMonth.of(2026, 12),
        Instant.parse("2026-12-20T00:00:00Z"), "acme").stream()
        .noneMatch(r -> "Unused".equals(r.values().get("CommitmentDiscountStatus"))));
    conforms(committed);
  }

  private static void conforms(List<FocusExport.Row> rows) throws Exception {
    FocusRules rules = FocusRules.load(SharedData.path("focus/model-1.2.json"));
    List<String> columns = FocusCommitments.columns(FocusExport.COLUMNS);
    FocusRules.Report report = rules.check(columns, FocusExport.cells(rows, columns),
        FocusCommitments.claimed(FocusExport.CLAIMED_CRITERIA));
    report.failures().forEach(f -> System.out.println("FAIL " + f.rule() + ": " + f.mustSatisfy() + " -- " + f.example()));
    assertEquals(List.of(), report.failures());
    assertTrue(report.checked().stream().anyMatch(r -> r.startsWith("CommitmentDiscount")), report.checked().toString());
  }

  private static Map<String, String> only(List<FocusExport.Row> rows, java.util.function.Predicate<Map<String, String>> which) {
    List<Map<String, String>> found = rows.stream().map(FocusExport.Row::values).filter(which).toList();
    assertEquals(1, found.size(), found.toString());
    return found.get(0);
  }
}
