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

  @Test
  void aPointMissedWhileTheThreadWasBusyIsNotMadeUp() {
    EmitGrid grid = new EmitGrid(250, T0);
    assertFalse(grid.reached(T0 + 249));
    assertTrue(grid.reached(T0 + 900), "three points passed: one emit");
    assertFalse(grid.reached(T0 + 999));
    assertTrue(grid.reached(T0 + 1_000));
    assertEquals(T0 + 1_000, grid.point());
  }

  @Test
  void ticksAreShortEnoughToMeetTheGridYetNoShorterThanTheStep() {
    assertEquals(Duration.ofMillis(20), EmitGrid.tick(250));
    assertEquals(Duration.ofMillis(5), EmitGrid.tick(5));
    assertEquals(Duration.ofMillis(1), EmitGrid.tick(0));
  }
}
