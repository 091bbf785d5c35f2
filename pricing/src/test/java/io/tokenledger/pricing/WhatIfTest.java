package io.tokenledger.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What-if on hand-computed figures: a move to a cheaper model, a price change, scenario prices. */
class WhatIfTest {
  private static final Instant AT = Instant.parse("2026-10-05T10:00:00Z");

  @Test
  void pricesLastPeriodsUsageAtTheScenarioExactly() {
    PriceBook catalog = new PriceBook();
    catalog.put(price("openai", "gpt-4o", 2_500_000, 10_000_000));
    catalog.put(price("openai", "gpt-4o-mini", 150_000, 600_000));
    catalog.put(price("anthropic", "claude-sonnet-4", 3_000_000, 15_000_000));
    List<UsageAggregate> ledger = List.of(
        bucket("support", "invoice-extraction", "gpt-4o", 1_000_000, 100_000, 3_500_000_000L), // $2.50 + $1.00
        bucket("finance", "triage", "gpt-4o", 2_000_000, 0, 5_000_000_000L),
        bucket("finance", "triage", "claude-sonnet-4", 1_000_000, 200_000, 6_000_000_000L));
    WhatIf.Scenario scenario = new WhatIf.Scenario(Map.of(),
        List.of(WhatIf.Change.parse("openai/gpt-4o:-30%"), WhatIf.Change.parse("claude-sonnet-4:+12.5%")),
        List.of(WhatIf.Move.parse("invoice-extraction:gpt-4o->gpt-4o-mini")));

    assertEquals(List.of(
        new WhatIf.Row("finance", "triage", "claude-sonnet-4", "claude-sonnet-4", 6_000_000_000L, 6_750_000_000L),
        new WhatIf.Row("finance", "triage", "gpt-4o", "gpt-4o", 5_000_000_000L, 3_500_000_000L),
        // 1,000,000 x $0.15 + 100,000 x $0.60 per 1M = $0.21; the move is priced before the -30% of gpt-4o
        new WhatIf.Row("support", "invoice-extraction", "gpt-4o", "gpt-4o-mini", 3_500_000_000L, 210_000_000L)),
        WhatIf.price(ledger, scenario, catalog));

    WhatIf.Scenario listed = new WhatIf.Scenario(Map.of("gpt-4o", price("openai", "gpt-4o", 2_000_000, 8_000_000)),
        List.of(), List.of());
    List<WhatIf.Row> rows = WhatIf.price(ledger, listed, catalog);
    assertEquals(2_800_000_000L, rows.get(2).scenarioNanoUsd(), "1M x $2.00 + 100k x $8.00");
    assertEquals(-700_000_000L, rows.get(2).differenceNanoUsd());
    assertEquals(6_000_000_000L, rows.get(0).scenarioNanoUsd(), "claude not in the scenario: as it cost");

    assertEquals(new BigDecimal("-30"), WhatIf.Change.parse("openai/gpt-4o:-30%").percent());
    assertThrows(IllegalArgumentException.class, () -> WhatIf.Change.parse("gpt-4o:-130%"));
    assertThrows(IllegalArgumentException.class, () -> WhatIf.Move.parse("gpt-4o to mini"));
  }

  private static UsageAggregate bucket(String team, String workflow, String model, long input, long output, long cost) {
    SeriesKey key = new SeriesKey(team, workflow, model);
    return UsageAggregate.newBuilder().setScope(key.toString()).setTeam(team).setWorkflow(workflow).setModel(model)
        .setWindowStart(AT).setWindowEnd(AT.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(input).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(output)
        .setReasoningTokens(0).setCostNanoUsd(cost).setUnpricedEventCount(0).setOutcomeUnits(0).setIsFinal(false).build();
  }

  @Test
  void modelNamesWithTheKeySeparatorStayWhole() {
    PriceBook catalog = new PriceBook();
    catalog.put(price("acme", "org|model-v2", 1_000_000, 2_000_000));
    List<UsageAggregate> ledger = List.of(bucket("support", "triage", "org|model-v2", 1_000_000, 0, 1_000_000_000L));
    assertEquals(List.of(new WhatIf.Row("support", "triage", "org|model-v2", "org|model-v2", 1_000_000_000L,
        500_000_000L)), WhatIf.price(ledger, new WhatIf.Scenario(Map.of(), List.of(WhatIf.Change.parse(
        "org|model-v2:-50%")), List.of()), catalog));
  }

  private static PriceVersion price(String provider, String model, long input, long output) {
    return PriceVersion.newBuilder().setProvider(provider).setModel(model)
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(input)
        .setCacheReadMicroUsdPerMtok(input / 2).setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(output).build();
  }
}
