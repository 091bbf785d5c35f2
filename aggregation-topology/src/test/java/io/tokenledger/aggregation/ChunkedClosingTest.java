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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * When a minute closes, its windows are finalised a few at a time (two here), one chunk per
 * record, not all in one go; the windows closing take no more events (a later one for them is
 * late, counted in the ledgers); the team's minute closes only after every series minute in it;
 * and a task revived in the middle of a closing neither repeats nor skips a final record.
 */
class ChunkedClosingTest {
  private static final Instant T0 = Instant.parse("2026-11-02T12:00:00Z");
  /** Not in key order: windows close in key order whatever order they were created in. */
  private static final List<String> WORKFLOWS = List.of("c", "a", "e", "b", "d");

  private static UsageEvent at(String id, String workflow, Instant time) {
    return UsageEvent.newBuilder(event(id, "support", "gpt-4o", time, 1_000, 0, 0)).setWorkflow(workflow).build();
  }

  @Test
  void minutesCloseTwoWindowsAtATimeAndARevivedTaskCarriesOnExactly() throws Exception {
    RollupHarness harness = new RollupHarness(T0, 2);
    RollupAggregator processor = harness.startRollup();
    for (int minute = 0; minute < 3; minute++) {
      for (String workflow : WORKFLOWS) {
        processor.process(usage(at("e-" + minute + workflow, workflow, T0.plus(Duration.ofMinutes(minute)).plusSeconds(5))));
      }
    }
    // Minute 2's events took stream time past minute 0's end plus the one-minute grace: its five
    // windows closed two per record.
    Map<String, List<UsageAggregate>> out = drain(harness);
    List<UsageAggregate> finals = new ArrayList<>(out.get("detail-1m-sink"));
    assertEquals(5, finals.size(), "minute 0's windows");
    List<UsageAggregate> teamFinals = new ArrayList<>(out.get("team-1m-sink"));
    assertEquals(1, teamFinals.size(), "the team's minute 0, once all five were final");

    // Past minute 2's end plus grace: minutes 1 and 2 (10 windows) start closing.
    processor.process(usage(at("clock", "z", T0.plus(Duration.ofMinutes(4)))));
    out = drain(harness);
    assertEquals(2, out.get("detail-1m-sink").size(), "the first chunk only");
    finals.addAll(out.get("detail-1m-sink"));
    assertEquals(List.of(), out.get("team-1m-sink"), "the team's minute 1 waits for all of its series");

    // A late event for a minute that is closing: not added to its window, counted in the ledgers.
    processor.process(usage(at("late", "a", T0.plus(Duration.ofMinutes(2)).plusSeconds(30))));
    out = drain(harness);
    finals.addAll(out.get("detail-1m-sink"));
    assertEquals(9, finals.size(), "a chunk per record");
    teamFinals.addAll(out.get("team-1m-sink"));

    // The task revived mid-closing, its stores as the last commit left them.
    harness.commit();
    processor.close();
    processor.init(harness.context);
    for (int i = 0; i < 10; i++) {
      processor.process(usage(at("more-" + i, "z", T0.plus(Duration.ofMinutes(4)).plusSeconds(i))));
      out = drain(harness);
      finals.addAll(out.get("detail-1m-sink"));
      teamFinals.addAll(out.get("team-1m-sink"));
    }

    Map<String, Long> perWindow = finals.stream().filter(a -> !a.getWorkflow().equals("z")).collect(
        Collectors.groupingBy(a -> a.getWorkflow() + "@" + a.getWindowStart(), TreeMap::new, Collectors.counting()));
    assertEquals(15, perWindow.size(), "5 workflows x 3 minutes: " + perWindow.keySet());
    assertTrue(perWindow.values().stream().allMatch(n -> n == 1), "one final record per window: " + perWindow);
    assertTrue(finals.stream().allMatch(a -> a.getEventCount() == 1), "the late event is in no final window");
    assertEquals(List.of(5L, 5L, 5L), teamFinals.stream().map(UsageAggregate::getEventCount).toList(),
        "the team's three minutes, each once, each with all five series");
  }

  /** The final records forwarded since the last call, per sink (minute sinks always present). */
  private static Map<String, List<UsageAggregate>> drain(RollupHarness harness) {
    Map<String, List<UsageAggregate>> bySink = new TreeMap<>();
    bySink.put("detail-1m-sink", new ArrayList<>());
    bySink.put("team-1m-sink", new ArrayList<>());
    harness.context.forwarded().forEach(f -> {
      if (f.record().value() instanceof UsageAggregate a && a.getIsFinal()) {
        bySink.computeIfAbsent(f.childName().orElse(""), k -> new ArrayList<>()).add(a);
      }
    });
    harness.context.resetForwards();
    return bySink;
  }
}
