package io.tokenledger.focus;

import static io.tokenledger.focus.FocusConformanceTest.bucket;
import static io.tokenledger.focus.FocusConformanceTest.price;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.focus.rules.FocusRules;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.currency.EcbRates;
import io.tokenledger.pricing.currency.FxBook;
import io.tokenledger.testing.SharedData;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A month's FOCUS file billed in euros, every figure worked out by hand, and the FinOps
 * validator's MUST rules for FOCUS 1.2 kept under the criteria it claims (pricing and billing
 * currencies differ).
 */
class FocusCurrencyTest {
  private static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant DEC = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant JAN = Instant.parse("2027-01-01T00:00:00Z");

  static FxBook rates() throws Exception {
    FxBook fx = new FxBook();
    EcbRates.read(new StringReader("""
        Date,USD,JPY,BGN,CYP,CZK,DKK,EEK,GBP,HUF,INR,
        2026-12-04,1.0845,163.21,N/A,N/A,24.311,7.4603,N/A,0.85123,385.55,91.7750,
        2026-11-30,1.0812,162.45,N/A,N/A,24.250,7.4598,N/A,0.84750,383.10,91.2345,
        """), Set.of(), null, "test").forEach(fx::put);
    return fx;
  }

  @Test
  void eachRowIsBilledInEurosAtItsDaysRateAndKeepsItsUsdPricing() throws Exception {
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", Instant.parse("2026-10-01T00:00:00Z"), 2_500_000, 1_250_000, 10_000_000));
    // Monday 30 November: 1,000,000 input tokens, $2.50. Saturday 5 December: 500,000 output tokens, $5.00.
    List<FocusExport.Row> november = FocusExport.rows(List.of(bucket("support", "triage", "openai/gpt-4o",
        Instant.parse("2026-11-30T10:00:00Z"), 1_000_000, 0, 0, 2_500_000_000L)), List.of(), catalog, NOV, DEC, "acme");
    List<FocusExport.Row> december = FocusExport.rows(List.of(bucket("support", "triage", "openai/gpt-4o",
        Instant.parse("2026-12-05T10:00:00Z"), 0, 0, 500_000, 5_000_000_000L)), List.of(), catalog, DEC, JAN, "acme");

    Map<String, String> input = FocusCurrency.convert(november, rates(), "EUR").get(0).values();
    // 2.50 / 1.0812 = 2.312245652978172401... -> billed 2.312245653 EUR; the unit price to 18 decimals,
    // the list cost that price times 1 (million tokens).
    assertEquals("EUR", input.get("BillingCurrency"));
    assertEquals("2.312245653", input.get("BilledCost"));
    assertEquals("2.312245653", input.get("EffectiveCost"));
    assertEquals("2.312245652978172401", input.get("ListUnitPrice"));
    assertEquals("2.312245652978172401", input.get("ListCost"));
    assertEquals("2.312245652978172401", input.get("ContractedCost"));
    assertEquals("USD", input.get("PricingCurrency"));
    assertEquals("2.500000000", input.get("PricingCurrencyEffectiveCost"));
    assertEquals("2.5", input.get("PricingCurrencyListUnitPrice"));
    assertEquals("1 EUR = 1.0812 USD", input.get("x_FxRate"));
    assertEquals("2026-11-30", input.get("x_FxRateDate"));
    assertEquals("ECB euro foreign exchange reference rates", input.get("x_FxRateSource"));
    assertEquals("2500000000", input.get("x_CostNanoUsd"), "the nano-USD the ledger holds, unconverted");

    Map<String, String> output = FocusCurrency.convert(december, rates(), "EUR").get(0).values();
    // No rate on Saturday: Friday's 1.0845. 5.00 / 1.0845 = 4.610419548...; $10 per 1M = 9.220839096357768557 EUR,
    // times 0.5 (million tokens) = 4.6104195481788842785.
    assertEquals("4.610419548", output.get("BilledCost"));
    assertEquals("9.220839096357768557", output.get("ListUnitPrice"));
    assertEquals("4.6104195481788842785", output.get("ListCost"));
    assertEquals("2026-12-04", output.get("x_FxRateDate"));

    FocusRules rules = FocusRules.load(SharedData.path("focus/model-1.2.json"));
    FocusRules.Report report = rules.check(FocusCurrency.COLUMNS,
        FocusExport.cells(FocusCurrency.convert(november, rates(), "EUR"), FocusCurrency.COLUMNS),
        FocusCurrency.CLAIMED_CRITERIA);
    report.failures().forEach(f -> System.out.println("FAIL " + f.rule() + ": " + f.mustSatisfy() + " -- " + f.example()));
    assertEquals(List.of(), report.failures());
    assertTrue(report.checked().stream().anyMatch(r -> r.startsWith("PricingCurrency")),
        "the pricing-currency rules are checked: " + report.checked());
  }

  @Test
  void aDayWithNoRateOnOrBeforeItIsRefusedByName() throws Exception {
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", Instant.parse("2026-10-01T00:00:00Z"), 2_500_000, 1_250_000, 10_000_000));
    List<FocusExport.Row> rows = FocusExport.rows(List.of(bucket("support", "triage", "openai/gpt-4o",
        Instant.parse("2026-11-02T10:00:00Z"), 1_000, 0, 0, 2_500_000L)), List.of(), catalog, NOV, DEC, "acme");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> FocusCurrency.convert(rows, rates(), "EUR"));
    assertEquals("no EUR rate on or before 2026-11-02: import the rates first ('tokenledger fx import')",
        refused.getMessage());
  }
}
