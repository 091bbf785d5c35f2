package io.tokenledger.alerting.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Budget spend kept in the store has a version byte; what was stored before it still reads. */
class SpentLayoutTest {
  @Test
  void spendWrittenBeforeLayoutVersionsStillReads() {
    byte[] old = ByteBuffer.allocate(32).putLong(12_500_000L).putLong(5_000L).putLong(42L).putLong(1_700_000_000_000L)
        .array();
    Spent read = Spent.serde().deserializer().deserialize("t", old);
    assertEquals(new Spent(12_500_000L, 5_000L, 42L, 1_700_000_000_000L), read);
    byte[] now = Spent.serde().serializer().serialize("t", read);
    assertEquals(33, now.length);
    assertEquals(read, Spent.serde().deserializer().deserialize("t", now));
  }
}
