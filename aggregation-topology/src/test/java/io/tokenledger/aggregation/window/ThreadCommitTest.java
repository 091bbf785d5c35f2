package io.tokenledger.aggregation.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The commit a processor asks for after its emit: once a tick after the grid point, once per thread. */
class ThreadCommitTest {
  private static final long SECOND = 1_000;
  private static final long T0 = 1_795_000_000_000L; // a whole second

  @Test
  void aCommitIsAskedOnceATickAfterTheEmitsPoint() {
    ThreadCommit commit = new ThreadCommit(EmitGrid.tick(250));
    assertFalse(commit.due(T0 + 1_020), "no commit without an emit");
    commit.emitted(T0 + 1_000);
    assertFalse(commit.due(T0 + 1_019), "asked for a tick after the point");
    assertTrue(commit.due(T0 + 1_020));
    assertFalse(commit.due(T0 + 1_040), "once");
  }

  @Test
  void aTaskDoesNotAskWhenAnotherTaskOfItsThreadAskedSinceItsEmit() {
    ThreadCommit first = new ThreadCommit(EmitGrid.tick(250));
    ThreadCommit second = new ThreadCommit(EmitGrid.tick(250));
    first.emitted(T0 + 1_000);
    second.emitted(T0 + 1_000);
    assertTrue(first.due(T0 + 1_020));
    assertFalse(second.due(T0 + 1_020), "the first's commit takes the second's emit too");
    second.emitted(T0 + 1_250);
    assertTrue(second.due(T0 + 1_270), "a later emit asks again");
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

}
