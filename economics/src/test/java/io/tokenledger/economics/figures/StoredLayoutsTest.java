package io.tokenledger.economics.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Figures and deltas written before turnarounds, quality and variants (layout 1) still read after an upgrade. */
class StoredLayoutsTest {
  private static final Counters V1 = new Counters(3, 2, 1, 0, 0, 2, 60, 5_000, 700, 21_000, 10_500, 2, 1);

  private static void writeV1(ByteBuffer out, Counters c) {
    for (long v : new long[] {c.started(), c.succeeded(), c.failed(), c.escalated(), c.abandoned(), c.unitsSucceeded(),
        c.humanSeconds(), c.aiSpendNanoUsd(), c.humanLoopNanoUsd(), c.humanAvoidedNanoUsd(), c.baselineSumNanoUsd(),
        c.valuedOutcomes(), c.unvaluedOutcomes()}) {
      out.putLong(v);
    }
  }

  @Test
  void aLayoutOneDeltaReadsWithoutVariantOrTurnarounds() {
    ByteBuffer out = ByteBuffer.allocate(1 + Strings.size("openai/gpt-4o") + Strings.size("ticket") + 13 * Long.BYTES);
    out.put((byte) 1);
    Strings.write(out, "openai/gpt-4o");
    Strings.write(out, "ticket");
    writeV1(out, V1);
    Delta delta = Delta.fromBytes(out.array()).get(0);
    assertEquals("openai/gpt-4o", delta.model());
    assertNull(delta.variant());
    assertEquals(V1, delta.counters());
    assertEquals(Turnarounds.EMPTY, delta.turnarounds());
  }

  @Test
  void aLayoutOneFiguresReadsAndGrowsIntoLayoutTwo() {
    ByteBuffer out = ByteBuffer.allocate(1 + Strings.size("ticket") + 13 * Long.BYTES + Integer.BYTES
        + Strings.size("openai/gpt-4o") + 13 * Long.BYTES);
    out.put((byte) 1);
    Strings.write(out, "ticket");
    writeV1(out, V1);
    out.putInt(1);
    Strings.write(out, "openai/gpt-4o");
    writeV1(out, V1);
    Figures old = Figures.fromBytes(out.array());
    assertEquals(V1, old.totals());
    assertEquals(Map.of("openai/gpt-4o", V1), old.models());
    Figures grown = old.plus(new Delta("openai/gpt-4o", "ticket", "prompt-v8", Counters.ZERO, Turnarounds.of(90, 1)));
    Figures again = Figures.fromBytes(grown.toBytes());
    assertEquals(grown, again);
    assertEquals(1, again.variants().get("prompt-v8").turnarounds().total());
  }
}
