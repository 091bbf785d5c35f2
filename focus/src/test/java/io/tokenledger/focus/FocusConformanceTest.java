package io.tokenledger.focus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.focus.rules.FocusRules;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.testing.SharedData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The export against the FinOps validator's own rules for FOCUS 1.2 (shared/data/focus/model-1.2.json),
 * evaluated by {@link FocusRules}: every MUST rule under the criteria the export's columns claim.
 */
class FocusConformanceTest {
  static final Set<String> CLAIMED = FocusExport.CLAIMED_CRITERIA;
  private static final Instant OCT = Instant.parse("2026-10-01T00:00:00Z");
  private static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void theExportKeepsEveryMustRuleItsColumnsClaim() throws Exception {
    FocusRules rules = FocusRules.load(SharedData.path("focus/model-1.2.json"));
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", OCT, 2_500_000, 1_250_000, 10_000_000));
    // A price change at noon on the 5th: that day's gpt-4o usage is priced at two versions.
    catalog.put(price("openai", "gpt-4o", Instant.parse("2026-10-05T12:00:00Z"), 2_000_000, 1_000_000, 8_000_000));
    // The same model from a second provider, at its own price, with a batch tier at half and audio prices.
    catalog.put(PriceVersion.newBuilder(price("azure.ai.openai", "gpt-4o", OCT, 2_750_000, 1_375_000, 11_000_000))
        .setAudioInputMicroUsdPerMtok(40_000_000L).setServiceTiers(List.of(io.tokenledger.schemas.ServiceTierPrice
            .newBuilder().setTier("batch").setUncachedInputMicroUsdPerMtok(1_375_000).setCacheReadMicroUsdPerMtok(687_500)
            .setCacheWriteMicroUsdPerMtok(1_375_000).setOutputMicroUsdPerMtok(5_500_000)
            .setReasoningMicroUsdPerMtok(5_500_000).build())).build());
    PriceVersion sonnet = price("anthropic", "claude-sonnet-4", OCT, 3_000_000, 300_000, 15_000_000);
    catalog.put(PriceVersion.newBuilder(sonnet).setLongContextTier(io.tokenledger.schemas.PriceTier.newBuilder()
        .setAboveInputTokens(200_000).setUncachedInputMicroUsdPerMtok(6_000_000).setCacheReadMicroUsdPerMtok(600_000)
        .setCacheWriteMicroUsdPerMtok(7_500_000).setOutputMicroUsdPerMtok(22_500_000)
        .setReasoningMicroUsdPerMtok(22_500_000).build()).build());
    Instant at = Instant.parse("2026-10-05T10:00:00Z");
    List<UsageAggregate> ledger = List.of(
        bucket("support", "triage", "openai/gpt-4o", at, 1_000, 2_000, 500, 9_000_000),
        // after the change: 3,001 x $2 + 1,234 x $8 per 1M = 15,874,000 nano-USD
        bucket("support", "triage", "openai/gpt-4o", Instant.parse("2026-10-05T14:30:00Z"), 3_001, 0, 1_234, 15_874_000),
        bucket("finance", "summarise", "anthropic/claude-sonnet-4", Instant.parse("2026-10-06T08:15:00Z"), 3_333, 0, 777,
            21_654_000),
        // one call above the 200k tier: 250,000 x $6 + 1,000 x $22.50 per 1M = 1,522,500,000 nano-USD
        bucket("finance", "summarise", "anthropic/claude-sonnet-4", Instant.parse("2026-10-06T09:00:00Z"), 250_000, 0, 1_000,
            1_522_500_000L),
        // 2,000 x $2.75 + 100 x $11 per 1M = 6,600,000 nano-USD
        bucket("support", "triage", "azure.ai.openai/gpt-4o", at, 2_000, 0, 100, 6_600_000),
        // the batch tier: 2,000 x $1.375 + 100 x $5.50 per 1M = 3,300,000 nano-USD
        bucket("support", "triage", "azure.ai.openai:batch/gpt-4o", at, 2_000, 0, 100, 3_300_000),
        bucket("research", "eval", "acme/mystery", Instant.parse("2026-10-07T00:00:00Z"), 1_000, 0, 0, 0));
    PriceCorrection correction = PriceCorrection.newBuilder().setCorrectionId("corr-1").setTeam("support")
        .setWorkflow("triage").setProvider("openai").setModel("gpt-4o").setBucketStart(at).setDay("2026-10-05")
        .setEventCount(1).setOldCostNanoUsd(10_000_000).setNewCostNanoUsd(9_000_000).setDifferenceNanoUsd(-1_000_000)
        .setReason("contract discount").setCorrectedBy("finops").setCorrectedAt(NOV).build();
    // Azure's bill put gpt-4o's usage of the 5th on an invoice: those rows carry it, the rest have none.
    FocusExport.Invoices invoices = (provider, day, model) -> provider.equals("azure.ai.openai") && day.equals("2026-10-05")
        && model.equals("gpt-4o") ? "E0600ABCDE" : null;
    List<Map<String, String>> rows = cells(FocusExport.rows(ledger, List.of(correction), catalog, OCT, NOV, "acme",
        invoices));
    assertEquals(java.util.Set.of("azure.ai.openai"), rows.stream().filter(r -> "E0600ABCDE".equals(r.get("InvoiceId")))
        .map(r -> r.get("ProviderName")).collect(java.util.stream.Collectors.toSet()));
    assertEquals(4, rows.stream().filter(r -> "E0600ABCDE".equals(r.get("InvoiceId"))).count(),
        "azure's input and output, standard and batch");
    assertTrue(rows.stream().filter(r -> !r.get("ProviderName").equals("azure.ai.openai"))
        .allMatch(r -> r.get("InvoiceId") == null), "no invoice known: null, as FOCUS says");
    // November's file: the correction of October, made on November 1st, as a Correction row.
    List<Map<String, String>> november = cells(FocusExport.rows(List.of(), List.of(correction), catalog, NOV,
        NOV.plus(Duration.ofDays(30)), "acme"));
    assertEquals(List.of("Correction"), november.stream().map(r -> r.get("ChargeClass")).toList());
    List<Map<String, String>> gptOutput = rows.stream().filter(r -> "output".equals(r.get("x_TokenType"))
        && "gpt-4o".equals(r.get("x_Model"))).toList();
    assertEquals(4, gptOutput.size(), "one row per provider, tier and price version of the day: " + gptOutput);
    Map<String, String> azure = gptOutput.stream().filter(r -> r.get("ProviderName").equals("azure.ai.openai")
        && r.get("x_ServiceTier") == null).findFirst().orElseThrow();
    assertEquals("11", azure.get("ListUnitPrice"), "azure's own price, not openai's");
    assertEquals("0.0011", azure.get("ListCost"));
    assertEquals("azure.ai.openai/gpt-4o/output", azure.get("SkuId"));
    Map<String, String> batch = rows.stream().filter(r -> "batch".equals(r.get("x_ServiceTier"))
        && "output".equals(r.get("x_TokenType"))).findFirst().orElseThrow();
    assertEquals("5.5", batch.get("ListUnitPrice"), "the batch tier's own price");
    assertEquals("azure.ai.openai:batch/gpt-4o/output", batch.get("SkuId"));
    gptOutput = gptOutput.stream().filter(r -> r.get("ProviderName").equals("openai")).toList();
    assertEquals(java.util.Set.of("0.005", "0.009872"), java.util.Set.of(gptOutput.get(0).get("ListCost"),
        gptOutput.get(1).get("ListCost")), "10 x 0.0005 and 8 x 0.001234");
    FocusRules.Report report = rules.check(FocusExport.COLUMNS, rows, CLAIMED);
    report.failures().forEach(f -> System.out.println("FAIL " + f.rule() + ": " + f.mustSatisfy() + " -- " + f.example()));
    System.out.println(report.checked().size() + " checked, " + report.notApplicable() + " not applicable, "
        + report.notCheckable() + " not machine-checkable");
    assertTrue(report.checked().size() > 100, "rules checked: " + report.checked().size());
    assertTrue(report.checked().contains("InvoiceId-C-003-C"), "InvoiceId's nullability, through its composite");
    assertEquals(List.of(), report.failures().stream().map(FocusRules.Failure::rule).toList());
    FocusRules.Report corrections = rules.check(FocusExport.COLUMNS, november, CLAIMED);
    corrections.failures().forEach(f -> System.out.println("FAIL " + f.rule() + ": " + f.example()));
    assertEquals(List.of(), corrections.failures().stream().map(FocusRules.Failure::rule).toList());
  }

  private static List<Map<String, String>> cells(List<FocusExport.Row> rows) {
    return FocusExport.cells(rows);
  }

  static PriceVersion price(String provider, String model, Instant from, long input, long cacheRead,
      long output) {
    return PriceVersion.newBuilder().setProvider(provider).setModel(model).setEffectiveFrom(from)
        .setUncachedInputMicroUsdPerMtok(input).setCacheReadMicroUsdPerMtok(cacheRead).setCacheWriteMicroUsdPerMtok(input)
        .setOutputMicroUsdPerMtok(output).setReasoningMicroUsdPerMtok(output).setSource("test").setSetBy("test").build();
  }

  static UsageAggregate bucket(String team, String workflow, String model, Instant start, long input,
      long cacheRead, long output, long cost) {
    SeriesKey key = new SeriesKey(team, workflow, io.tokenledger.schemas.models.ProviderModel.parse(model));
    return UsageAggregate.newBuilder().setScope(key.toString()).setTeam(team).setWorkflow(workflow)
        .setProvider(key.provider()).setModel(key.model()).setServiceTier(key.serviceTier())
        .setWindowStart(start).setWindowEnd(start.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(input).setCacheReadTokens(cacheRead).setCacheWriteTokens(0).setOutputTokens(output)
        .setReasoningTokens(0).setCostNanoUsd(cost).setUnpricedEventCount(0).setOutcomeUnits(0).setIsFinal(false)
        .build();
  }
}
