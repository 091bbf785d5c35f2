package io.tokenledger.aggregation.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The stored layouts of the window engine carry a version byte, and what earlier versions wrote
 * (restored changelogs, partials still in the repartition topic) reads the same after an upgrade.
 */
class StoredLayoutsTest {
  @Test
  void totalsWrittenBeforeLayoutVersionsStillRead() {
    Totals read = Totals.serde().deserializer().deserialize("t", unversionedTotals(1));
    assertTotals(read, 1);
    byte[] now = Totals.serde().serializer().serialize("t", read);
    assertEquals(105, now.length);
    assertEquals(2, now[0], "layout version 2");
    assertTotals(Totals.serde().deserializer().deserialize("t", now), 1);
    // Layout 1: a version byte and the ten longs, before the 1-hour cache-write and audio buckets.
    byte[] v1 = ByteBuffer.allocate(81).put((byte) 1).put(unversionedTotals(5)).array();
    Totals one = Totals.serde().deserializer().deserialize("t", v1);
    assertTotals(one, 5);
    assertEquals(0, one.cacheWrite1h + one.audioInput + one.audioOutput);
    one.cacheWrite1h = 11;
    one.audioInput = 12;
    one.audioOutput = 13;
    Totals two = Totals.serde().deserializer().deserialize("t", Totals.serde().serializer().serialize("t", one));
    assertEquals(List.of(11L, 12L, 13L), List.of(two.cacheWrite1h, two.audioInput, two.audioOutput));
  }

  @Test
  void fineTotalsWrittenBeforeLayoutVersionsStillRead() {
    byte[] old = ByteBuffer.allocate(160).put(unversionedTotals(1)).put(unversionedTotals(100)).array();
    FineTotals read = FineTotals.serde().deserializer().deserialize("t", old);
    assertTotals(read.current, 1);
    assertTotals(read.propagated, 100);
    FineTotals again = FineTotals.serde().deserializer().deserialize("t", FineTotals.serde().serializer()
        .serialize("t", read));
    assertTotals(again.current, 1);
    assertTotals(again.propagated, 100);
    assertTotals(again.propagatedDetail, 100);
  }

  @Test
  void fineTotalsOfLayoutTwoReadWithOnePropagatedPartForBothCadences() {
    Totals current = Totals.serde().deserializer().deserialize("t", unversionedTotals(3));
    Totals propagated = Totals.serde().deserializer().deserialize("t", unversionedTotals(2));
    ByteBuffer v2 = ByteBuffer.allocate(1 + 2 * Totals.BYTES).put((byte) 2);
    current.write(v2);
    propagated.write(v2);
    FineTotals read = FineTotals.serde().deserializer().deserialize("t", v2.array());
    assertTotals(read.current, 3);
    assertTotals(read.propagated, 2);
    assertTotals(read.propagatedDetail, 2);
    assertTrue(read.propagated != read.propagatedDetail, "two parts that move apart from now on");

    read.propagatedDetail = Totals.serde().deserializer().deserialize("t", unversionedTotals(1));
    byte[] v3 = FineTotals.serde().serializer().serialize("t", read);
    assertEquals(1 + 3 * Totals.BYTES, v3.length);
    assertEquals(3, v3[0], "layout version 3");
    FineTotals again = FineTotals.serde().deserializer().deserialize("t", v3);
    assertTotals(again.current, 3);
    assertTotals(again.propagated, 2);
    assertTotals(again.propagatedDetail, 1);
  }

  @Test
  void partialsWrittenBeforeLayoutVersionsStillRead() {
    byte[] oldMark = ByteBuffer.allocate(13).put((byte) Partial.Kind.PROGRESS.ordinal()).putInt(3)
        .putLong(1_700_000_000_000L).array();
    Partial mark = Partial.serde().deserializer().deserialize("t", oldMark);
    assertEquals(Partial.Kind.PROGRESS, mark.kind());
    assertEquals(3, mark.source());
    assertEquals(1_700_000_000_000L, mark.through());

    byte[] oldDelta = ByteBuffer.allocate(89).put((byte) Partial.Kind.MODEL_DELTA.ordinal())
        .putLong(1_700_000_040_000L).put(unversionedTotals(7)).array();
    Partial delta = Partial.serde().deserializer().deserialize("t", oldDelta);
    assertEquals(Partial.Kind.MODEL_DELTA, delta.kind());
    assertEquals(1_700_000_040_000L, delta.minuteStart());
    assertTotals(delta.delta(), 7);

    Partial again = Partial.serde().deserializer().deserialize("t", Partial.serde().serializer().serialize("t", delta));
    assertEquals(1_700_000_040_000L, again.minuteStart());
    assertTotals(again.delta(), 7);
  }

  @Test
  void aLayoutFromANewerVersionIsRefusedWithWhatToDo() {
    byte[] newer = new byte[105];
    newer[0] = 3;
    SerializationException e = assertThrows(SerializationException.class,
        () -> Totals.serde().deserializer().deserialize("t", newer));
    assertTrue(e.getMessage().contains("layout version 3, but this tokenledger reads versions up to 2"),
        e.getMessage());
  }

  /** Ten longs, field i holding base + i, as Totals were stored before layout versions. */
  private static byte[] unversionedTotals(long base) {
    ByteBuffer b = ByteBuffer.allocate(80);
    for (int i = 0; i < 10; i++) {
      b.putLong(base + i);
    }
    return b.array();
  }

  private static void assertTotals(Totals t, long base) {
    assertEquals(base, t.events);
    assertEquals(base + 1, t.requests);
    assertEquals(base + 2, t.uncachedInput);
    assertEquals(base + 3, t.cacheRead);
    assertEquals(base + 4, t.cacheWrite);
    assertEquals(base + 5, t.output);
    assertEquals(base + 6, t.reasoning);
    assertEquals(base + 7, t.costNanoUsd);
    assertEquals(base + 8, t.unpricedEvents);
    assertEquals(base + 9, t.outcomeUnits);
  }
}
