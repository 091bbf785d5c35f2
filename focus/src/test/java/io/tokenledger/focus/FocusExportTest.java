package io.tokenledger.focus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FOCUS rows: the mandatory columns and their types, a correction row, and totals equal to the ledger's to the nano-USD. */
class FocusExportTest {
  private static final Instant OCT = Instant.parse("2026-10-01T00:00:00Z");
  private static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void rowsPerDayTeamWorkflowModelAndTokenTypeWhoseTotalIsTheLedgers() {
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", 2_500_000, 1_250_000, 10_000_000));
    catalog.put(price("anthropic", "claude-sonnet-4", 3_000_000, 300_000, 15_000_000));
    Instant gptAt = Instant.parse("2026-10-05T10:00:00Z");
    List<UsageAggregate> ledger = List.of(
        // $2.50 x 1,000 + $1.25 x 2,000 + $10 x 500 per 1M = $0.01, then corrected by -$0.001
        bucket("support", "triage", "openai/gpt-4o", gptAt, 1_000, 2_000, 500, 9_000_000),
        // $3 x 3,333 + $15 x 777 per 1M = 21,654,000 nano-USD
        bucket("finance", "summarise", "anthropic/claude-sonnet-4", Instant.parse("2026-10-06T08:15:00Z"), 3_333, 0, 777, 21_654_000),
        bucket("research", "eval", "acme/mystery", Instant.parse("2026-10-07T00:00:00Z"), 1_000, 0, 0, 0),
        bucket("support", "triage", "openai/gpt-4o", NOV.plus(Duration.ofHours(1)), 1_000, 0, 0, 2_500_000)); // next month
    PriceCorrection correction = PriceCorrection.newBuilder().setCorrectionId("corr-1").setTeam("support")
        .setWorkflow("triage").setProvider("openai").setModel("gpt-4o").setBucketStart(gptAt).setDay("2026-10-05")
        .setEventCount(1).setOldCostNanoUsd(10_000_000).setNewCostNanoUsd(9_000_000).setDifferenceNanoUsd(-1_000_000)
        .setReason("contract discount").setCorrectedBy("finops").setCorrectedAt(NOV).build();

    // The correction was made on November 1st, after October's invoice: October's file shows the
    // cost before it, and November's file carries it as a Correction row.
    List<FocusExport.Row> rows = FocusExport.rows(ledger, List.of(correction), catalog, OCT, NOV, "acme");
    assertEquals(5, rows.size(), "gpt-4o's three types, claude's two; the unpriced model's usage is no charge "
        + "yet, so no row: " + rows);
    long total = rows.stream().mapToLong(FocusExport.Row::costNanoUsd).sum();
    assertEquals(10_000_000 + 21_654_000, total, "October as invoiced");
    assertEquals(total, FocusExport.expectedTotal(9_000_000 + 21_654_000, List.of(correction), OCT, NOV),
        "the ledger's October less the correction made after it");
    BigDecimal billed = rows.stream().map(r -> new BigDecimal(r.values().get("BilledCost"))).reduce(BigDecimal.ZERO,
        BigDecimal::add);
    assertEquals(new BigDecimal("0.031654000"), billed);

    Map<String, String> output = find(rows, "support", "output");
    assertEquals("0.005000000", output.get("BilledCost"));
    assertEquals("500", output.get("ConsumedQuantity"));
    assertEquals("Tokens", output.get("ConsumedUnit"));
    assertEquals("10", output.get("ListUnitPrice"), "USD per 1M tokens");
    assertEquals("0.0005", output.get("PricingQuantity"));
    assertEquals("1000000 Tokens", output.get("PricingUnit"), "FOCUS Unit Format: a whole unit quantity");
    assertEquals("Output Tokens", output.get("SkuMeter"));
    assertEquals("{\"x_TokenType\":\"output\",\"x_EffectiveFrom\":\"" + find(rows, "support", "output")
        .get("SkuPriceId").replaceAll(".*@(.*)/output", "$1") + "\"}", output.get("SkuPriceDetails"));
    assertEquals("2026-10-05T00:00:00Z", output.get("ChargePeriodStart"));
    assertEquals("2026-10-06T00:00:00Z", output.get("ChargePeriodEnd"));
    assertEquals("2026-10-01T00:00:00Z", output.get("BillingPeriodStart"));
    assertEquals("Usage", output.get("ChargeCategory"));
    assertEquals("AI and Machine Learning", output.get("ServiceCategory"));
    assertEquals("openai", output.get("ProviderName"));
    assertEquals("{\"team\":\"support\",\"workflow\":\"triage\"}", output.get("Tags"));
    List<FocusExport.Row> november = FocusExport.rows(ledger, List.of(correction), catalog, NOV,
        NOV.plus(Duration.ofDays(30)), "acme");
    Map<String, String> corrected = find(november, "support", "all");
    assertEquals("Correction", corrected.get("ChargeClass"));
    assertEquals("Usage", corrected.get("ChargeCategory"), "a correction keeps the category of what it corrects");
    assertEquals("-0.001000000", corrected.get("BilledCost"));
    assertEquals("2026-10-05T00:00:00Z", corrected.get("ChargePeriodStart"), "the day it corrects");
    assertEquals("2026-11-01T00:00:00Z", corrected.get("BillingPeriodStart"), "in the period it was made in");
    assertEquals("0", corrected.get("ConsumedQuantity"), "a re-rating consumes nothing more");
    // Made within October instead, it is in October's usage rows and has no row of its own.
    PriceCorrection inPeriod = PriceCorrection.newBuilder(correction).setCorrectedAt(Instant.parse("2026-10-20T00:00:00Z"))
        .build();
    List<FocusExport.Row> folded = FocusExport.rows(ledger, List.of(inPeriod), catalog, OCT, NOV, "acme");
    assertTrue(folded.stream().noneMatch(r -> "Correction".equals(r.values().get("ChargeClass"))));
    assertEquals(9_000_000 + 21_654_000, folded.stream().mapToLong(FocusExport.Row::costNanoUsd).sum());
    assertEquals("0.009999000", find(rows, "finance", "uncached_input").get("BilledCost"));
    assertTrue(rows.stream().noneMatch(r -> r.values().get("SubAccountId").equals("research")), "unpriced: no row");

    for (FocusExport.Row row : rows) {
      for (String money : List.of("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")) {
        new BigDecimal(row.values().get(money)); // a decimal, never a float's text
      }
      Instant.parse(row.values().get("ChargePeriodStart"));
      assertEquals("USD", row.values().get("BillingCurrency"));
    }
    String csv = FocusExport.csv(rows);
    assertTrue(csv.startsWith(String.join(",", FocusExport.COLUMNS) + "\r\n"), csv);
    assertEquals(6, csv.split("\r\n").length, "a header and five rows");
  }

  @Test
  void aCorrectionDeliveredTwiceIsCountedOnceAndTheTotalIsCheckedAgainstALedgerReadApart() {
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", 2_500_000, 1_250_000, 10_000_000));
    Instant at = Instant.parse("2026-10-05T10:00:00Z");
    List<UsageAggregate> ledger = List.of(bucket("support", "triage", "openai/gpt-4o", at, 1_000, 2_000, 500, 9_000_000));
    PriceCorrection correction = PriceCorrection.newBuilder().setCorrectionId("corr-1").setTeam("support")
        .setWorkflow("triage").setProvider("openai").setModel("gpt-4o").setBucketStart(at).setDay("2026-10-05")
        .setEventCount(1).setOldCostNanoUsd(10_000_000).setNewCostNanoUsd(9_000_000).setDifferenceNanoUsd(-1_000_000)
        .setReason("contract discount").setCorrectedBy("finops").setCorrectedAt(NOV).build();

    List<FocusExport.Row> rows = FocusExport.rows(ledger, List.of(correction, correction), catalog, OCT, NOV, "acme");
    long usage = rows.stream().mapToLong(FocusExport.Row::costNanoUsd).sum();
    assertEquals(10_000_000, usage, "October as invoiced: before the one correction made after it");
    assertEquals(10_000_000, FocusExport.expectedTotal(9_000_000, List.of(correction, correction), OCT, NOV),
        "the correction taken back once, not twice");
    Instant decEnd = Instant.parse("2026-12-01T00:00:00Z");
    List<FocusExport.Row> november = FocusExport.rows(List.of(), List.of(correction, correction), catalog, NOV, decEnd,
        "acme");
    assertEquals("-0.001000000", find(november, "support", "all").get("BilledCost"), "one correction row, counted once");
    assertEquals(-1_000_000, FocusExport.expectedTotal(0, List.of(correction, correction), NOV, decEnd));
    assertEquals(java.util.Optional.empty(), FocusExport.check(rows, 10_000_000));
    assertEquals(java.util.Optional.of("the rows total $0.01 but the team ledger's month is $0.0095 "
        + "($0.0005 apart): the ledgers were read while the aggregation published, or corrections were "
        + "counted wrong; export again"), FocusExport.check(rows, 9_500_000));
  }

  @Test
  void namesOfAnyShapeStayInTheirColumnsAndNoCellRunsAsAFormula() throws Exception {
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", 2_500_000, 1_250_000, 10_000_000));
    Instant at = Instant.parse("2026-10-05T10:00:00Z");
    String workflow = "=HYPERLINK(\"http://x\",\"click\") \\ \"q\" \u00e9";
    List<UsageAggregate> ledger = List.of(bucket("@team", workflow, "openai/gpt-4o", at, 1_000, 0, 0, 2_500_000),
        bucket("+t", "-w", "gpt-4o", at, 1_000, 0, 0, 2_500_000));
    List<FocusExport.Row> rows = FocusExport.rows(ledger, List.of(), catalog, OCT, NOV, "acme");
    Map<String, String> row = find(rows, "@team", "uncached_input");
    var tags = new com.fasterxml.jackson.databind.ObjectMapper().readTree(row.get("Tags"));
    assertEquals(workflow, tags.get("workflow").asText(), "Tags is JSON that gives the name back whole");
    assertEquals("@team", tags.get("team").asText());

    assertEquals("\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\"", FocusExport.cell("=HYPERLINK(\"http://x\",\"click\")"));
    assertEquals("\"'@team\"", FocusExport.cell("@team"));
    assertEquals("\"'+t\"", FocusExport.cell("+t"));
    assertEquals("\"'-w\"", FocusExport.cell("-w"));
    assertEquals("-0.001000000", FocusExport.cell("-0.001000000"), "our negative numbers stay numbers");
    assertEquals("\"a\rb\"", FocusExport.cell("a\rb"), "a lone carriage return is quoted");
    String csv = FocusExport.csv(rows);
    for (String line : csv.split("\r\n")) {
      assertTrue(!line.startsWith("=") && !line.contains(",=") && !line.contains(",@") && !line.contains(",+")
          && !line.contains(",-w"), line);
    }
  }

  private static Map<String, String> find(List<FocusExport.Row> rows, String team, String type) {
    return rows.stream().map(FocusExport.Row::values).filter(v -> v.get("x_Team").equals(team)
        && v.get("x_TokenType").equals(type)).findFirst().orElseThrow();
  }

  private static UsageAggregate bucket(String team, String workflow, String model, Instant at, long input, long cacheRead,
      long output, long cost) {
    SeriesKey key = new SeriesKey(team, workflow, io.tokenledger.schemas.models.ProviderModel.parse(model));
    return UsageAggregate.newBuilder().setScope(key.toString()).setTeam(team).setWorkflow(workflow)
        .setProvider(key.provider()).setModel(key.model())
        .setWindowStart(at).setWindowEnd(at.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(input).setCacheReadTokens(cacheRead).setCacheWriteTokens(0).setOutputTokens(output)
        .setReasoningTokens(0).setCostNanoUsd(cost).setUnpricedEventCount(cost == 0 ? 1 : 0).setOutcomeUnits(0)
        .setIsFinal(false).build();
  }

  private static PriceVersion price(String provider, String model, long input, long cacheRead, long output) {
    return PriceVersion.newBuilder().setProvider(provider).setModel(model)
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(input)
        .setCacheReadMicroUsdPerMtok(cacheRead).setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(output).build();
  }
}
