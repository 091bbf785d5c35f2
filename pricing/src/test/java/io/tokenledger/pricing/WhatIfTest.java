package io.tokenledger.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What-if on hand-computed figures: a move to a cheaper model, a price change, scenario prices. */
class WhatIfTest {
  private static final Instant AT = Instant.parse("2026-10-05T10:00:00Z");
  private static final ProviderModel GPT_4O = new ProviderModel("openai", "gpt-4o");
  private static final ProviderModel MINI = new ProviderModel("openai", "gpt-4o-mini");
  private static final ProviderModel SONNET = new ProviderModel("anthropic", "claude-sonnet-4");

  @Test
  void pricesLastPeriodsUsageAtTheScenarioExactly() {
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", 2_500_000, 10_000_000));
    catalog.put(price("openai", "gpt-4o-mini", 150_000, 600_000));
    catalog.put(price("anthropic", "claude-sonnet-4", 3_000_000, 15_000_000));
    List<UsageAggregate> ledger = List.of(
        bucket("support", "invoice-extraction", GPT_4O, 1_000_000, 100_000, 3_500_000_000L), // $2.50 + $1.00
        bucket("finance", "triage", GPT_4O, 2_000_000, 0, 5_000_000_000L),
        bucket("finance", "triage", SONNET, 1_000_000, 200_000, 6_000_000_000L));
    WhatIf.Scenario scenario = new WhatIf.Scenario(List.of(),
        List.of(WhatIf.Change.parse("openai/gpt-4o:-30%"), WhatIf.Change.parse("claude-sonnet-4:+12.5%")),
        List.of(WhatIf.Move.parse("invoice-extraction:gpt-4o->gpt-4o-mini")));

    assertEquals(List.of(
        new WhatIf.Row("finance", "triage", SONNET, SONNET, 6_000_000_000L, 6_750_000_000L),
        new WhatIf.Row("finance", "triage", GPT_4O, GPT_4O, 5_000_000_000L, 3_500_000_000L),
        // 1,000,000 x $0.15 + 100,000 x $0.60 per 1M = $0.21; the move is priced before the -30% of gpt-4o,
        // and a target without a provider keeps the bucket's
        new WhatIf.Row("support", "invoice-extraction", GPT_4O, MINI, 3_500_000_000L, 210_000_000L)),
        WhatIf.price(ledger, scenario, catalog));

    WhatIf.Scenario listed = new WhatIf.Scenario(List.of(price("openai", "gpt-4o", 2_000_000, 8_000_000)),
        List.of(), List.of());
    List<WhatIf.Row> rows = WhatIf.price(ledger, listed, catalog);
    assertEquals(2_800_000_000L, rows.get(2).scenarioNanoUsd(), "1M x $2.00 + 100k x $8.00");
    assertEquals(-700_000_000L, rows.get(2).differenceNanoUsd());
    assertEquals(6_000_000_000L, rows.get(0).scenarioNanoUsd(), "claude not in the scenario: as it cost");

    assertEquals(new BigDecimal("-30"), WhatIf.Change.parse("openai/gpt-4o:-30%").percent());
    assertThrows(IllegalArgumentException.class, () -> WhatIf.Change.parse("gpt-4o:-130%"));
    assertThrows(IllegalArgumentException.class, () -> WhatIf.Move.parse("gpt-4o to mini"));
  }

  @Test
  void oneModelFromTwoProvidersIsMovedAndChangedPerProvider() {
    ProviderModel azure4o = new ProviderModel("azure.ai.openai", "gpt-4o");
    ProviderModel azureMini = new ProviderModel("azure.ai.openai", "gpt-4o-mini");
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", 2_500_000, 10_000_000));
    catalog.put(price("azure.ai.openai", "gpt-4o", 2_750_000, 11_000_000));
    catalog.put(price("azure.ai.openai", "gpt-4o-mini", 165_000, 660_000));
    List<UsageAggregate> ledger = List.of(
        bucket("support", "triage", GPT_4O, 1_000_000, 0, 2_500_000_000L),
        bucket("support", "triage", azure4o, 1_000_000, 0, 2_750_000_000L));

    assertEquals(List.of(
        new WhatIf.Row("support", "triage", azure4o, azure4o, 2_750_000_000L, 2_750_000_000L),
        new WhatIf.Row("support", "triage", GPT_4O, azureMini, 2_500_000_000L, 165_000_000L)),
        WhatIf.price(ledger, new WhatIf.Scenario(List.of(), List.of(),
            List.of(WhatIf.Move.parse("triage:openai/gpt-4o->azure.ai.openai/gpt-4o-mini"))), catalog));
    // A change of one provider's model leaves the other's; a model alone names it at every provider.
    assertEquals(List.of(2_750_000_000L, 1_250_000_000L), WhatIf.price(ledger, new WhatIf.Scenario(List.of(),
        List.of(WhatIf.Change.parse("openai/gpt-4o:-50%")), List.of()), catalog).stream()
        .map(WhatIf.Row::scenarioNanoUsd).toList());
    assertEquals(List.of(1_375_000_000L, 1_250_000_000L), WhatIf.price(ledger, new WhatIf.Scenario(List.of(),
        List.of(WhatIf.Change.parse("gpt-4o:-50%")), List.of()), catalog).stream()
        .map(WhatIf.Row::scenarioNanoUsd).toList());
  }

  private static UsageAggregate bucket(String team, String workflow, ProviderModel model, long input, long output,
      long cost) {
    SeriesKey key = new SeriesKey(team, workflow, model);
    return UsageAggregate.newBuilder().setScope(key.toString()).setTeam(team).setWorkflow(workflow)
        .setProvider(model.provider()).setModel(model.model())
        .setWindowStart(AT).setWindowEnd(AT.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(input).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(output)
        .setReasoningTokens(0).setCostNanoUsd(cost).setUnpricedEventCount(0).setOutcomeUnits(0).setIsFinal(false).build();
  }

  @Test
  void modelNamesWithTheKeySeparatorStayWhole() {
    ProviderModel odd = new ProviderModel("acme", "org|model-v2");
    PriceBook catalog = new PriceBook();
    catalog.put(price("acme", "org|model-v2", 1_000_000, 2_000_000));
    List<UsageAggregate> ledger = List.of(bucket("support", "triage", odd, 1_000_000, 0, 1_000_000_000L));
    assertEquals(List.of(new WhatIf.Row("support", "triage", odd, odd, 1_000_000_000L,
        500_000_000L)), WhatIf.price(ledger, new WhatIf.Scenario(List.of(), List.of(WhatIf.Change.parse(
        "acme/org|model-v2:-50%")), List.of()), catalog));
  }

  private static PriceVersion price(String provider, String model, long input, long output) {
    return PriceVersion.newBuilder().setProvider(provider).setModel(model)
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(input)
        .setCacheReadMicroUsdPerMtok(input / 2).setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(output).build();
  }
}
