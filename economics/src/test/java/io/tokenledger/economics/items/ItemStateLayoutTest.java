package io.tokenledger.economics.items;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenledger.economics.figures.Strings;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** An item remembered before variants, scores and item spend (layout 1) reads after an upgrade, and round-trips. */
class ItemStateLayoutTest {
  @Test
  void aLayoutOneItemReadsWithNoVariantNoScoreAndNoPerson() {
    ByteBuffer out = ByteBuffer.allocate(1 + Strings.size("support-tickets") + Strings.size("openai/gpt-4o")
        + Strings.size("ticket") + 1 + 7 * Long.BYTES);
    out.put((byte) 1);
    Strings.write(out, "support-tickets");
    Strings.write(out, "openai/gpt-4o");
    Strings.write(out, "ticket");
    out.put((byte) ItemState.Status.SUCCEEDED.ordinal()).putLong(1_000).putLong(61_000).putLong(61_000).putLong(1)
        .putLong(0).putLong(0).putLong(10_526_315_789L);
    ItemState item = ItemState.serde().deserializer().deserialize("t", out.array());
    assertEquals(ItemState.Status.SUCCEEDED, item.status());
    assertEquals(10_526_315_789L, item.perUnitNanoUsd());
    assertNull(item.variant());
    assertEquals(-1, item.qualityScore());
    assertEquals(ItemState.Person.UNKNOWN, item.person());
    assertEquals(60, item.turnarounds().counts().firstKey(), "60 s from first call to outcome");
    ItemState v2 = item.withOutcome(ItemState.Status.SUCCEEDED, 61_000, "ticket", 1, 0, 0, 10_526_315_789L, "prompt-v8",
        90, new ItemState.Person(14_400, 80, 0, 5));
    assertEquals(v2, ItemState.serde().deserializer().deserialize("t", ItemState.serde().serializer().serialize("t", v2)));
  }
}
