package io.tokenledger.testing;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.SeriesKey;
import java.time.Duration;
import java.time.Instant;

/** Period-ledger buckets and prices for tests that read the ledger as the aggregation writes it. */
public final class LedgerFixtures {
  private LedgerFixtures() {}

  /** One (team, workflow, model) 15-minute ledger bucket from {@code start}: uncached input only, one event. */
  public static UsageAggregate bucket(String team, String workflow, ProviderModel model, Instant start,
      long uncachedInput, long costNanoUsd) {
    SeriesKey key = new SeriesKey(team, workflow, model);
    return UsageAggregate.newBuilder().setScope(key.toString()).setTeam(team).setWorkflow(workflow)
        .setProvider(model.provider()).setModel(model.model())
        .setWindowStart(start).setWindowEnd(start.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(uncachedInput).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0)
        .setReasoningTokens(0).setCostNanoUsd(costNanoUsd).setUnpricedEventCount(0).setOutcomeUnits(0)
        .setIsFinal(false).build();
  }

  /** An openai price from {@code from}: cached input at half, output and reasoning at four times the input price. */
  public static PriceVersion openAiPrice(String model, String from, long inputMicroUsdPerMtok) {
    return PriceVersion.newBuilder().setProvider("openai").setModel(model).setEffectiveFrom(Instant.parse(from))
        .setUncachedInputMicroUsdPerMtok(inputMicroUsdPerMtok).setCacheReadMicroUsdPerMtok(inputMicroUsdPerMtok / 2)
        .setCacheWriteMicroUsdPerMtok(inputMicroUsdPerMtok).setOutputMicroUsdPerMtok(inputMicroUsdPerMtok * 4)
        .setReasoningMicroUsdPerMtok(inputMicroUsdPerMtok * 4).build();
  }
}
