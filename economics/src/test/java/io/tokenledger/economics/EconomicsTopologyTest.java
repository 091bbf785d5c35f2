package io.tokenledger.economics;

import static io.tokenledger.economics.EconomicsFixture.DEC_1;
import static io.tokenledger.economics.EconomicsFixture.FIFTY_USD_PER_HOUR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.EconomicsVerdict;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import io.tokenledger.schemas.WorkflowEconomics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EconomicsTopologyTest {
  private static final String DAY = "DAY|UTC|2026-12-01|support-tickets|*";
  private static final String TEAM_DAY = "DAY|UTC|2026-12-01|support-tickets|support";
  private static final Instant TEN = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void oneModelFromTwoProvidersIsTwoModels() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.call("support", "support-tickets", "openai", "gpt-4o", "T-1", TEN);
      f.call("support", "support-tickets", "azure.ai.openai", "gpt-4o", "T-2", TEN);
      f.ledger("support", "support-tickets", "openai", "gpt-4o", TEN, 2_500_000);
      f.ledger("support", "support-tickets", "azure.ai.openai", "gpt-4o", TEN, 2_750_000);
      f.outcome("support", "support-tickets", "T-1", WorkOutcomeStatus.SUCCEEDED, 1, 0, TEN.plusSeconds(60));
      f.outcome("support", "support-tickets", "T-2", WorkOutcomeStatus.FAILED, 0, 0, TEN.plusSeconds(60));

      Map<String, long[]> models = new java.util.TreeMap<>();
      f.figures(DAY).getModels().forEach(m -> models.put(m.getProvider() + "/" + m.getModel(),
          new long[] {m.getItemsSucceeded(), m.getItemsFailed(), m.getAiSpendNanoUsd()}));
      assertEquals("{azure.ai.openai/gpt-4o=[0, 1, 2750000], openai/gpt-4o=[1, 0, 2500000]}",
          models.entrySet().stream().map(e -> e.getKey() + "=" + java.util.Arrays.toString(e.getValue()))
              .collect(java.util.stream.Collectors.joining(", ", "{", "}")));
    }
  }

  /**
   * The deltas topic keeps a week and the broker deletes by record time: a change to a month-old
   * item is stamped when it is written, or it could be deleted before the rollup reads it.
   */
  @Test
  void aChangeToAMonthOldItemIsStampedWhenWritten() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of(EconomicsSettings.PREFIX + "retain", "35d",
        EconomicsSettings.PREFIX + "abandon-after", "3d"))) {
      f.driver.advanceWallClockTime(Duration.ofDays(30));
      f.call("support", "support-tickets", "gpt-4o", "T-1", TEN);
      List<org.apache.kafka.streams.test.TestRecord<String, byte[]>> deltas = f.driver.createOutputTopic(
          f.topics.economicsDeltas.name(), new org.apache.kafka.common.serialization.StringDeserializer(),
          new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList();
      assertEquals(4, deltas.size(), "a day and a month, for the team and across teams");
      for (var delta : deltas) {
        assertEquals(DEC_1.plus(Duration.ofDays(30)), delta.getRecordTime(), delta.key());
      }
      assertEquals(1, f.figures(DAY).getItemsStarted(), "filed under the item's day all the same");
    }
  }

  @Test
  void anOutcomeHoursAfterItsUsageIsValuedAgainstAPersonExactly() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.baseline("support-tickets", 720, FIFTY_USD_PER_HOUR, 9_500, DEC_1); // 12 min at $50/h, 95% right
      f.call("support", "support-tickets", "gpt-4o-2024-08-06", "T-1", TEN);
      f.ledger("support", "support-tickets", "gpt-4o", TEN, 3_000_000);

      WorkflowEconomics open = f.figures(DAY);
      assertEquals(1, open.getItemsStarted());
      assertEquals(1, open.getItemsOpen());
      assertEquals(3_000_000, open.getAiSpendNanoUsd());
      assertNull(open.getCostPerSuccessNanoUsd());

      f.outcome("support", "support-tickets", "T-1", WorkOutcomeStatus.SUCCEEDED, 1, 60, TEN.plus(Duration.ofHours(5)));
      WorkflowEconomics done = f.figures(DAY);
      assertEquals(0, done.getItemsOpen());
      assertEquals(1, done.getItemsSucceeded());
      assertEquals(1, done.getUnitsSucceeded());
      assertEquals(833_333_333, done.getHumanInLoopCostNanoUsd(), "60 s at $50/h");
      assertEquals(836_333_333, done.getAiPathCostNanoUsd());
      assertEquals(836_333_333, done.getCostPerSuccessNanoUsd());
      assertEquals(10_526_315_789L, done.getHumanCostPerOutcomeNanoUsd(), "720 s x $50/h / 95%");
      assertEquals(10_526_315_789L, done.getHumanCostAvoidedNanoUsd());
      assertEquals(9_689_982_456L, done.getSavingPerOutcomeNanoUsd());
      assertEquals(9_689_982_456L, done.getSavingTotalNanoUsd());
      assertEquals(115_863L, done.getTokenRoiBasisPoints(), "ROI 1,158.63%");
      assertEquals(10_000, done.getSuccessRateBasisPoints());
      assertEquals("gpt-4o", done.getModels().get(0).getModel());
      assertEquals(EconomicsVerdict.NOT_ENOUGH_DATA, done.getVerdict());
      assertTrue(done.getVerdictReason().contains("1 items with an outcome; at least 10"), done.getVerdictReason());
      assertEquals(done.getAiSpendNanoUsd(), f.figures(TEAM_DAY).getAiSpendNanoUsd(), "the team's share is all of it");
      assertEquals(836_333_333, f.figures("MONTH|UTC|2026-12-01|support-tickets|*").getCostPerSuccessNanoUsd());
    }
  }

  @Test
  void anItemWithoutOutcomeIsOpenThenAbandonedAndItsSpendStaysCounted() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.call("support", "support-tickets", "gpt-4o", "T-9", DEC_1.plus(Duration.ofMinutes(5)));
      f.ledger("support", "support-tickets", "gpt-4o", DEC_1, 7_000);
      assertEquals(1, f.figures(DAY).getItemsOpen());

      f.advanceWallClock(Duration.ofMinutes(64)); // the horizon is 1 h after the last call, at 01:05
      assertEquals(1, f.figures(DAY).getItemsOpen(), "not yet past the horizon");
      f.advanceWallClock(Duration.ofMinutes(2));
      WorkflowEconomics abandoned = f.figures(DAY);
      assertEquals(0, abandoned.getItemsOpen());
      assertEquals(1, abandoned.getItemsAbandoned());
      assertEquals(7_000, abandoned.getAiSpendNanoUsd());
      assertEquals(0, abandoned.getSuccessRateBasisPoints());

      // the outcome comes after all: the figures move by the difference
      f.outcome("support", "support-tickets", "T-9", WorkOutcomeStatus.SUCCEEDED, 1, 0, DEC_1.plus(Duration.ofHours(2)));
      WorkflowEconomics late = f.figures(DAY);
      assertEquals(0, late.getItemsAbandoned());
      assertEquals(1, late.getItemsSucceeded());
      assertEquals(1, late.getItemsStarted());
      assertEquals(7_000, late.getCostPerSuccessNanoUsd());
    }
  }

  @Test
  void retriesAndFailedAttemptsAreCostsOfTheSuccesses() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      Instant t = TEN;
      for (int attempt = 0; attempt < 3; attempt++) { // two retries of one item
        f.call("support", "support-tickets", "gpt-4o", "T-1", t.plus(Duration.ofMinutes(attempt)));
      }
      f.call("support", "support-tickets", "gpt-4o", "T-2", t.plus(Duration.ofMinutes(20)));
      f.call("support", "support-tickets", "gpt-4o", null, t.plus(Duration.ofMinutes(21))); // a call with no item
      f.ledger("support", "support-tickets", "gpt-4o", t, 300);
      f.ledger("support", "support-tickets", "gpt-4o", t.plus(Duration.ofMinutes(15)), 200);
      f.outcome("support", "support-tickets", "T-1", WorkOutcomeStatus.SUCCEEDED, 1, 0, t.plus(Duration.ofMinutes(30)));
      f.outcome("support", "support-tickets", "T-2", WorkOutcomeStatus.FAILED, 0, 0, t.plus(Duration.ofMinutes(30)));

      WorkflowEconomics day = f.figures(DAY);
      assertEquals(2, day.getItemsStarted());
      assertEquals(1, day.getItemsFailed());
      assertEquals(500, day.getAiSpendNanoUsd());
      assertEquals(500, day.getCostPerSuccessNanoUsd(), "one success carries every attempt's spend");
      assertEquals(5_000, day.getSuccessRateBasisPoints());
      // a later ledger update of the same bucket counts by its difference
      f.ledger("support", "support-tickets", "gpt-4o", t, 350);
      assertEquals(550, f.figures(DAY).getAiSpendNanoUsd());
    }
  }

  @Test
  void aCorrectedOutcomeMovesTheFiguresByTheDifferenceAndAnOlderOneIsIgnored() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.baseline("support-tickets", 720, FIFTY_USD_PER_HOUR, 10_000, DEC_1);
      f.call("support", "support-tickets", "gpt-4o", "T-1", TEN);
      f.outcome("support", "support-tickets", "T-1", WorkOutcomeStatus.FAILED, 0, 0, TEN.plus(Duration.ofHours(1)));
      f.outcome("support", "support-tickets", "T-1", WorkOutcomeStatus.ESCALATED, 1, 900, TEN.plus(Duration.ofHours(3)));
      WorkflowEconomics corrected = f.figures(DAY);
      assertEquals(1, corrected.getItemsStarted());
      assertEquals(0, corrected.getItemsFailed());
      assertEquals(1, corrected.getItemsEscalated());
      assertEquals(900, corrected.getHumanSeconds());
      assertEquals(12_500_000_000L, corrected.getHumanInLoopCostNanoUsd(), "15 min at $50/h");

      f.outcome("support", "support-tickets", "T-1", WorkOutcomeStatus.SUCCEEDED, 1, 0, TEN.plus(Duration.ofHours(2)));
      WorkflowEconomics same = f.figures(DAY);
      assertEquals(1, same.getItemsEscalated(), "an outcome older than the one in force changes nothing");
      assertEquals(0, same.getItemsSucceeded());
      assertEquals(12_500_000_000L, same.getHumanInLoopCostNanoUsd());
    }
  }

  @Test
  void eachOutcomeIsValuedWithTheBaselineInForceAtItsTime() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.baseline("support-tickets", 720, FIFTY_USD_PER_HOUR, 9_500, DEC_1);
      f.baseline("support-tickets", 720, 60_000_000_000L, 9_500, Instant.parse("2026-12-15T00:00:00Z"));
      Instant tenth = Instant.parse("2026-12-10T09:00:00Z");
      Instant twentieth = Instant.parse("2026-12-20T09:00:00Z");
      f.call("support", "support-tickets", "gpt-4o", "T-10", tenth);
      f.outcome("support", "support-tickets", "T-10", WorkOutcomeStatus.SUCCEEDED, 1, 36, tenth.plusSeconds(60));
      f.call("support", "support-tickets", "gpt-4o", "T-20", twentieth);
      f.outcome("support", "support-tickets", "T-20", WorkOutcomeStatus.SUCCEEDED, 1, 36, twentieth.plusSeconds(60));

      WorkflowEconomics month = f.figures("MONTH|UTC|2026-12-01|support-tickets|*");
      assertEquals(10_526_315_789L + 12_631_578_947L, month.getHumanCostAvoidedNanoUsd(), "$50/h, then $60/h");
      assertEquals(500_000_000L + 600_000_000L, month.getHumanInLoopCostNanoUsd(), "36 s at each rate");
      assertEquals(11_578_947_368L, month.getHumanCostPerOutcomeNanoUsd(), "the average of the two in force");
      assertEquals(10_526_315_789L, f.figures("DAY|UTC|2026-12-10|support-tickets|*").getHumanCostPerOutcomeNanoUsd());
      assertEquals(12_631_578_947L, f.figures("DAY|UTC|2026-12-20|support-tickets|*").getHumanCostPerOutcomeNanoUsd());
    }
  }

  @Test
  void outcomesThatCannotBeCountedAreDeadLetteredWithTheReasonAndThePipelineGoesOn() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      f.rawOutcome("support", "{\"status\": \"SUCCEEDED\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      WorkOutcome valid = WorkOutcome.newBuilder().setOutcomeId("o-x").setWorkItemId("T-1").setTeam("support")
          .setWorkflow("support-tickets").setOutcomeUnit("ticket").setStatus(WorkOutcomeStatus.SUCCEEDED)
          .setUnitsDelivered(1).setEventTime(TEN).build();
      f.outcomeAs("finance", valid);
      f.outcomeAs("support", WorkOutcome.newBuilder(valid).setOutcomeId("o-y").setUnitsDelivered(0).build());
      f.call("support", "support-tickets", "gpt-4o", "T-1", TEN);
      f.outcomeAs("support", valid);

      List<DeadLetter> letters = f.deadLetters();
      assertEquals(List.of("NOT_AVRO", "KEY_MISMATCH", "INVALID"), letters.stream().map(DeadLetter::getReasonCode).toList());
      assertTrue(letters.get(1).getReason().contains("Record key must be the outcome's team 'support'"),
          letters.get(1).getReason());
      assertTrue(letters.get(2).getReason().contains("units_delivered"), letters.get(2).getReason());
      assertEquals("o-y", letters.get(2).getEventId());
      assertEquals(1, f.figures(DAY).getItemsSucceeded(), "the valid outcome after them is counted");
    }
  }

  @Test
  void anOutcomeWorthMoreThanTheFiguresHoldIsDeadLetteredAndTheNextIsCounted() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of())) {
      // 12 min at $50/h with a 1 bp success rate: $100,000 per successful ticket; a million tickets overflow a long.
      f.baseline("support-tickets", 720, FIFTY_USD_PER_HOUR, 1, DEC_1);
      f.call("support", "support-tickets", "gpt-4o", "T-1", TEN);
      f.outcome("support", "support-tickets", "T-1", WorkOutcomeStatus.SUCCEEDED, 1_000_000, 0, TEN.plusSeconds(60));
      f.call("support", "support-tickets", "gpt-4o", "T-2", TEN);
      f.outcome("support", "support-tickets", "T-2", WorkOutcomeStatus.SUCCEEDED, 3, 0, TEN.plusSeconds(60));

      List<DeadLetter> letters = f.deadLetters();
      assertEquals(List.of("NOT_REPRESENTABLE"), letters.stream().map(DeadLetter::getReasonCode).toList());
      assertTrue(letters.get(0).getReason().contains("units_delivered 1000000"), letters.get(0).getReason());
      WorkflowEconomics day = f.figures(DAY);
      assertEquals(2, day.getItemsStarted());
      assertEquals(1, day.getItemsOpen(), "the refused outcome left T-1 open");
      assertEquals(1, day.getItemsSucceeded());
      assertEquals(3, day.getUnitsSucceeded());
      assertEquals(300_000_000_000_000L, day.getHumanCostAvoidedNanoUsd(), "3 x $100,000");
    }
  }

  @Test
  void figuresOfPeriodsPastTheRetentionAreDeletedAndTombstonedAndAPeriodIsOneKeyRange() {
    try (EconomicsFixture f = new EconomicsFixture(Map.of(EconomicsSettings.PREFIX + "figures-retention", "3d"))) {
      f.call("support", "support-tickets", "gpt-4o", "T-1", TEN);
      f.ledger("support", "support-tickets", "gpt-4o", TEN, 3_000);
      assertEquals(3_000, f.figures(DAY).getAiSpendNanoUsd());
      var store = f.driver.<String, io.tokenledger.economics.figures.Figures>getKeyValueStore(EconomicsApp.FIGURES_STORE);
      String month = "MONTH|UTC|2026-12-01|support-tickets|*";
      assertTrue(store.get(DAY) != null && store.get(month) != null);

      // Every key of the day is in its range, and nothing of another day or the month is.
      String[] range = io.tokenledger.economics.figures.EconomicsKey.rangeOf(io.tokenledger.schemas.EconomicsPeriod.DAY,
          EconomicsSettings.UTC, java.time.LocalDate.parse("2026-12-01"));
      List<String> inRange = new java.util.ArrayList<>();
      try (var it = store.range(range[0], range[1])) {
        it.forEachRemaining(kv -> inRange.add(kv.key));
      }
      assertEquals(List.of(DAY, TEAM_DAY), inRange);

      // The day ended Dec 2; kept 3 days after: gone once Dec 5 has begun, the month stays.
      var topic = f.driver.createOutputTopic(f.topics.economics.name(), f.topics.economics.keySerde().deserializer(),
          f.topics.economics.valueSerde().deserializer());
      topic.readKeyValuesToList();
      // The driver's clock started at Dec 1 00:00 and moved 1 s for the read above.
      f.advanceWallClock(Duration.between(DEC_1.plusSeconds(1), Instant.parse("2026-12-04T23:59:00Z")));
      assertTrue(store.get(DAY) != null, "still within the retention");
      f.advanceWallClock(Duration.ofMinutes(2));
      assertNull(store.get(DAY));
      assertNull(store.get(TEAM_DAY));
      assertTrue(store.get(month) != null, "the month ended no earlier than Jan 1");
      List<org.apache.kafka.streams.KeyValue<String, WorkflowEconomics>> published = topic.readKeyValuesToList();
      assertEquals(java.util.Set.of(DAY, TEAM_DAY), published.stream().filter(kv -> kv.value == null).map(kv -> kv.key)
          .collect(java.util.stream.Collectors.toSet()), "tombstones for the deleted figures");

      // A change to the deleted day arriving now is not counted (it would revive half a day).
      f.ledger("support", "support-tickets", "gpt-4o", TEN.plus(Duration.ofMinutes(15)), 500);
      f.advanceWallClock(Duration.ofSeconds(2));
      assertNull(store.get(DAY));
    }
  }
}
