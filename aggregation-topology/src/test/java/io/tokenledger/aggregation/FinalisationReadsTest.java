package io.tokenledger.aggregation;

import static io.tokenledger.aggregation.AggregationTopologyTest.event;
import static io.tokenledger.aggregation.RollupHarness.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.window.RollupAggregator;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Closing a minute must not read the minute store by time range: a window store's keys are
 * ordered by key first, so Kafka Streams answers a time range by reading every window of every
 * segment it touches, and a segment of the minute windows holds days of them. The windows to
 * close come from the rollup's own index; each still gets exactly one final record.
 */
class FinalisationReadsTest {
  private static final Instant T0 = Instant.parse("2026-11-02T12:00:00Z");

  @Test
  void closingMinutesReadsNoTimeRangeAndFinalisesEachWindowOnce() throws Exception {
    RollupHarness harness = new RollupHarness(T0);
    RollupAggregator processor = harness.startRollup();
    int rangeReadsAtInit = harness.fineRangeReads.get(); // init's one scan for windows left open by a restart

    for (int minute = 0; minute < 5; minute++) {
      for (String workflow : List.of("triage", "billing", "search")) {
        processor.process(usage(UsageEvent.newBuilder(event("e-" + minute + "-" + workflow, "support", "gpt-4o",
            T0.plus(Duration.ofMinutes(minute)).plusSeconds(1), 1_000, 0, 0)).setWorkflow(workflow).build()));
      }
    }
    // Stream time past minute 4's end plus the one-minute grace: minutes 0-4 close.
    processor.process(usage(event("clock", "zz-clock", "gpt-4o", T0.plus(Duration.ofMinutes(7)), 0, 0, 0)));

    assertEquals(rangeReadsAtInit, harness.fineRangeReads.get(), "no time-range read of the minute store after init");
    List<UsageAggregate> finals = harness.take("detail-1m-sink").stream().filter(UsageAggregate::getIsFinal)
        .filter(a -> a.getTeam().equals("support")).toList();
    Map<String, Long> perWindow = finals.stream().collect(Collectors.groupingBy(
        a -> a.getWorkflow() + "@" + a.getWindowStart(), Collectors.counting()));
    assertEquals(15, perWindow.size(), "3 workflows x 5 minutes: " + perWindow.keySet());
    assertTrue(perWindow.values().stream().allMatch(n -> n == 1), "one final record per window: " + perWindow);
    assertTrue(finals.stream().allMatch(a -> a.getEventCount() == 1 && a.getUncachedInputTokens() == 1_000));
  }
  /**
   * A clean close leaves each set's windows not final in a file; the next init on the same stores
   * reads them from it instead of scanning the minute store by time range, and every window still
   * gets its one final record.
   */
  @Test
  void aCleanRestartReadsTheWindowsNotFinalFromTheCloseNotFromTheStore() throws Exception {
    RollupHarness harness = new RollupHarness(T0);
    RollupAggregator processor = harness.startRollup();
    for (String workflow : List.of("triage", "billing", "search")) {
      processor.process(usage(UsageEvent.newBuilder(event("e-" + workflow, "support", "gpt-4o", T0.plusSeconds(1),
          1_000, 0, 0)).setWorkflow(workflow).build()));
    }
    processor.close();
    int rangeReads = harness.fineRangeReads.get();
    processor.init(harness.context); // a clean restart on the same stores
    assertEquals(rangeReads, harness.fineRangeReads.get(), "no time-range read of the minute store at init");

    processor.process(usage(event("clock", "zz-clock", "gpt-4o", T0.plus(Duration.ofMinutes(3)), 0, 0, 0)));
    List<UsageAggregate> finals = harness.take("detail-1m-sink").stream().filter(UsageAggregate::getIsFinal)
        .filter(a -> a.getTeam().equals("support")).toList();
    assertEquals(List.of("billing", "search", "triage"), finals.stream().map(UsageAggregate::getWorkflow).sorted()
        .toList(), "each window final once");
    assertTrue(finals.stream().allMatch(a -> a.getEventCount() == 1 && a.getUncachedInputTokens() == 1_000));
  }

  /** Progress that is not what the file was written with (an aborted commit, a revived task): the store is scanned. */
  @Test
  void progressOtherThanAtTheCloseSendsTheInitBackToTheScan() throws Exception {
    assertEquals(1, scansAtInitAfterACloseAnd((progress, fine) -> progress.put(fine + ":done", 1L)),
        "one scan of the minute store, as without a file");
  }

  /** Another init's token in the progress store (the task ran on another instance since): the store is scanned. */
  @Test
  void anotherInitsTokenSendsTheInitBackToTheScan() throws Exception {
    assertEquals(1, scansAtInitAfterACloseAnd((progress, fine) -> {
      assertTrue(progress.get(fine + ":token") != null, "the init's token");
      progress.put(fine + ":token", 42L); // what another instance's init commits
    }), "one scan of the minute store");
  }

  /** Time-range reads of the minute store by an init after a close and then {@code change} to the progress store. */
  private static int scansAtInitAfterACloseAnd(
      java.util.function.BiConsumer<org.apache.kafka.streams.state.KeyValueStore<String, Long>, String> change)
      throws Exception {
    RollupHarness harness = new RollupHarness(T0);
    RollupAggregator processor = harness.startRollup();
    processor.process(usage(event("e", "support", "gpt-4o", T0.plusSeconds(1), 1_000, 0, 0)));
    processor.close();
    change.accept(harness.context.getStateStore(AggregationApp.ROLLUP_PROGRESS_STORE),
        harness.settings.fine().progressKey());
    int rangeReads = harness.fineRangeReads.get();
    processor.init(harness.context);
    return harness.fineRangeReads.get() - rangeReads;
  }
}
