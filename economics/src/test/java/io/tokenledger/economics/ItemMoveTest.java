package io.tokenledger.economics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.economics.figures.Delta;
import io.tokenledger.economics.figures.Figures;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * An item that moves (its outcome came before its first call, which names its model, variant and
 * an earlier start) is taken back and added again in one record per figures key: the figures a
 * query reads between any two records of the deltas topic hold the item once, never zero times.
 */
class ItemMoveTest {
  private static final Instant TEN = Instant.parse("2026-12-01T10:00:00Z");
  private static final String MONTH = "MONTH|UTC|2026-12-01|support-tickets|*";

  @Test
  void aMovedItemIsNeverMissingBetweenRecords() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      TestOutputTopic<String, byte[]> deltas = f.driver.createOutputTopic(f.topics.economicsDeltas.name(),
          f.topics.economicsDeltas.keySerde().deserializer(), f.topics.economicsDeltas.valueSerde().deserializer());
      f.outcomeAs("support", WorkOutcome.newBuilder().setOutcomeId("o-1").setWorkItemId("t-1").setTeam("support")
          .setWorkflow("support-tickets").setOutcomeUnit("ticket").setStatus(WorkOutcomeStatus.SUCCEEDED)
          .setUnitsDelivered(1).setHumanSeconds(0).setEventTime(TEN.plusSeconds(300)).setVariant("prompt-v8")
          .setQualityScorePercent(90).build());
      f.callAs(PricedUsageEvent.newBuilder().setEventId("e-1").setEventTime(TEN).setTeam("support")
          .setWorkflow("support-tickets").setService("svc").setProvider("openai").setModel("gpt-4o")
          .setPricedModel("gpt-4o").setUncachedInputTokens(100).setCacheReadTokens(0).setCacheWriteTokens(0)
          .setOutputTokens(10).setReasoningTokens(0).setRequestCount(1).setCostNanoUsd(40_000_000L)
          .setWorkItemId("t-1").setVariant("prompt-v8").build());

      Map<String, Figures> read = new HashMap<>();
      int moves = 0;
      for (TestRecord<String, byte[]> record : deltas.readRecordsToList()) {
        List<Delta> parts = Delta.fromBytes(record.value());
        moves += parts.size() == 2 ? 1 : 0;
        Figures sum = read.getOrDefault(record.key(), Figures.EMPTY);
        for (Delta part : parts) {
          sum = sum.plus(part);
        }
        read.put(record.key(), sum);
        // What a query reads now: the item counted once, under the variant it is in at this record.
        assertEquals(1, sum.totals().started(), record.key());
        assertEquals(1, sum.totals().succeeded(), record.key());
        assertEquals(1, sum.variants().values().stream().mapToLong(v -> v.counters().started()).sum(), record.key());
      }
      // Day and month, the team's and the workflow's figures: the move is one record for each.
      assertEquals(4, moves);
      assertEquals(40_000_000L, read.get(MONTH).variants().get("prompt-v8").counters().itemSpendNanoUsd());
      assertEquals(Map.of(300L, 1L), read.get(MONTH).variants().get("prompt-v8").turnarounds().counts());
    }
  }
}
