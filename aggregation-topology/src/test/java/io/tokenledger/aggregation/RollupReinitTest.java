package io.tokenledger.aggregation;

import static io.tokenledger.aggregation.AggregationTopologyTest.event;
import static io.tokenledger.aggregation.RollupHarness.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.aggregation.window.RollupAggregator;
import io.tokenledger.schemas.UsageAggregate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kafka Streams re-initialises the same processor instance when it revives a corrupted task
 * (closed dirty, stores rebuilt from their changelogs, {@code init} called again). The rollup
 * must then start from its stores alone: windows opened again next to the old ones would add
 * every later delta twice.
 */
class RollupReinitTest {
  private static final Instant T0 = Instant.parse("2026-11-02T12:00:00Z");

  @Test
  void aRevivedRollupCountsEachLaterEventOnce() throws Exception {
    RollupHarness harness = new RollupHarness(T0);
    RollupAggregator processor = harness.startRollup();
    processor.process(usage(event("before", "support", "gpt-4o", T0.plusSeconds(1), 1_000, 0, 0)));
    harness.emit(1);
    assertEquals(List.of(1_000L), inputTokens(harness.take("team-1m-sink")));

    processor.close();
    processor.init(harness.context); // what a revived task does, with the stores as their changelogs left them
    processor.process(usage(event("after", "support", "gpt-4o", T0.plusSeconds(2), 2_000, 0, 0)));
    harness.emit(1); // the punctuator of the second init

    assertEquals(List.of(3_000L), inputTokens(harness.take("team-1m-sink")), "1,000 + 2,000, the second event once");
  }

  @Test
  void aRevivalBetweenALiveEmitAndTheDetailEmitLosesAndRepeatsNothingInEitherCadence() throws Exception {
    RollupHarness harness = new RollupHarness(T0);
    RollupAggregator processor = harness.startRollup();
    processor.process(usage(event("before", "support", "gpt-4o", T0.plusSeconds(1), 1_000, 0, 0)));
    harness.emit(1); // a live emit: the team ledger has the minute, the per-series ledger not yet
    assertEquals(List.of(1_000L), inputTokens(harness.take("team-ledger-15m-sink")));
    harness.commit();

    processor.close();
    processor.init(harness.context); // the stores as the commit left them: live part propagated, detail part not
    processor.process(usage(event("after", "support", "gpt-4o", T0.plusSeconds(2), 2_000, 0, 0)));
    harness.emit(1);
    assertEquals(List.of(3_000L), inputTokens(harness.take("team-ledger-15m-sink")), "each event once");
    harness.emit(9); // the detail interval since the second init
    List<UsageAggregate> detail = harness.context.forwarded().stream()
        .filter(f -> f.childName().orElse("").equals("detail-ledger-15m-sink") || f.childName().orElse("")
            .equals("detail-1h-sink"))
        .map(f -> (UsageAggregate) f.record().value()).toList();
    assertEquals(List.of(3_000L, 3_000L), inputTokens(detail), "per-series hour and ledger: each event once");
    harness.context.resetForwards();
  }

  private static List<Long> inputTokens(List<UsageAggregate> records) {
    return records.stream().map(UsageAggregate::getUncachedInputTokens).toList();
  }
}
