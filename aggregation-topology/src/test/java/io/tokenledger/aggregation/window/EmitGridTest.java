package io.tokenledger.aggregation.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmitGridTest {
  private static final long SECOND = 1_000;
  private static final long T0 = 1_795_000_000_000L; // a whole second

  @Test
  void tasksStartedAtDifferentMomentsEmitAtTheSameWallClockPoints() {
    EmitGrid early = new EmitGrid(SECOND, T0 + 30);
    EmitGrid late = new EmitGrid(SECOND, T0 + 730);
    List<Long> earlyEmits = new ArrayList<>();
    List<Long> lateEmits = new ArrayList<>();
    // Each ticks every 20 ms, at its own phase.
    for (long now = T0 + 30; now < T0 + 3 * SECOND; now += 20) {
      if (early.reached(now)) {
        earlyEmits.add(now);
      }
    }
    for (long now = T0 + 737; now < T0 + 3 * SECOND; now += 20) {
      if (late.reached(now)) {
        lateEmits.add(now);
      }
    }
    assertEquals(List.of(T0 + SECOND + 10, T0 + 2 * SECOND + 10), earlyEmits);
    assertEquals(List.of(T0 + SECOND + 17, T0 + 2 * SECOND + 17), lateEmits,
        "the first emit at the next whole second, not a whole interval after the start");
  }

  /**
   * A stream thread with six tasks started at different moments, each ticking every 20 ms at its
   * own phase; the thread runs the due ticks every 7 ms (a punctuation pass) and commits after a
   * pass in which any task asked. Every emit of a second must be in one commit, and one only.
   */
  @Test
  void theTasksOfAThreadShareOneCommitPerGridPoint() {
    long[] starts = {T0 + 3, T0 + 170, T0 + 333, T0 + 512, T0 + 689, T0 + 901};
    EmitGrid[] grids = new EmitGrid[starts.length];
    ThreadCommit[] taskCommits = new ThreadCommit[starts.length];
    long[] nextTick = new long[starts.length];
    for (int task = 0; task < starts.length; task++) {
      grids[task] = new EmitGrid(SECOND, starts[task]);
      taskCommits[task] = new ThreadCommit(EmitGrid.tick(SECOND));
      nextTick[task] = starts[task] + EmitGrid.tick(SECOND).toMillis();
    }
    List<Long> commits = new ArrayList<>();
    List<Integer> emitsPerCommit = new ArrayList<>();
    int uncommitted = 0;
    for (long now = T0 + 1_000 - 500; now < T0 + 4 * SECOND; now += 7) {
      boolean asked = false;
      for (int task = 0; task < starts.length; task++) {
        if (now < nextTick[task] || now < starts[task]) {
          continue;
        }
        while (nextTick[task] <= now) {
          nextTick[task] += 20; // Kafka Streams skips the ticks a busy thread missed
        }
        if (grids[task].reached(now)) {
          taskCommits[task].emitted(grids[task].point());
          uncommitted++;
        }
        asked |= taskCommits[task].due(now);
      }
      if (asked) {
        commits.add(now);
        emitsPerCommit.add(uncommitted);
        uncommitted = 0;
      }
    }
    assertEquals(3, commits.size(), "one commit a second: " + commits);
    assertEquals(List.of(6, 6, 6), emitsPerCommit, "every task's emit in each");
  }

  @Test
  void aPointMissedWhileTheThreadWasBusyIsNotMadeUp() {
    EmitGrid grid = new EmitGrid(250, T0);
    assertFalse(grid.reached(T0 + 249));
    assertTrue(grid.reached(T0 + 900), "three points passed: one emit");
    assertFalse(grid.reached(T0 + 999));
    assertTrue(grid.reached(T0 + 1_000));
    ThreadCommit commit = new ThreadCommit(EmitGrid.tick(250));
    assertFalse(commit.due(T0 + 1_020), "no commit without an emit");
    commit.emitted(grid.point());
    assertFalse(commit.due(T0 + 1_019), "asked for a tick after the point");
    assertTrue(commit.due(T0 + 1_020));
    assertFalse(commit.due(T0 + 1_040), "once");
  }

  @Test
  void ticksAreShortEnoughToMeetTheGridYetNoShorterThanTheStep() {
    assertEquals(Duration.ofMillis(20), EmitGrid.tick(250));
    assertEquals(Duration.ofMillis(5), EmitGrid.tick(5));
    assertEquals(Duration.ofMillis(1), EmitGrid.tick(0));
  }
}
