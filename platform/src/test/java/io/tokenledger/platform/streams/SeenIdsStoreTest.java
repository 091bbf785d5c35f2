package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.junit.jupiter.api.Test;

/** A changelog record of ids turns back into the window store's own records, one per id, exactly. */
class SeenIdsStoreTest {
  private static final long HOUR = 1_780_000_000_000L / 3_600_000 * 3_600_000;

  private static SeenIdsStore.Seen seen(String id, long time) {
    return new SeenIdsStore.Seen(id.getBytes(StandardCharsets.UTF_8), time);
  }

  @Test
  void idsOfAnHourRoundTripUuidsInSixteenBytesAndTextAsItIs() {
    List<SeenIdsStore.Seen> ids = List.of(
        seen("0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a", HOUR + 1),
        seen("0192F0C4-5A1E-7C3D-9B2A-1F2E3D4C5B6A", HOUR + 2), // upper case: would not come back the same as a UUID
        seen("call:req_8f2a", HOUR + 3_599_999));
    byte[] value = SeenIdsStore.encode(HOUR, ids);
    // version byte, hour, count, then per id its offset, kind and body
    assertEquals(1 + 8 + 4 + (4 + 1 + 16) + (4 + 1 + 2 + 36) + (4 + 1 + 2 + 13), value.length);

    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    SeenIdsStore.expand(new ConsumerRecord<>("changelog", 3, 41L, new byte[16], value), out);
    assertEquals(3, out.size());
    for (int i = 0; i < ids.size(); i++) {
      SeenIdsStore.Seen expected = ids.get(i);
      assertArrayEquals(WindowKeySchema.toStoreKeyBinary(Bytes.wrap(expected.id()), expected.time(), 0).get(),
          out.get(i).key(), "the local store's key of " + new String(expected.id(), StandardCharsets.UTF_8));
      assertEquals(expected.time(), ByteBuffer.wrap(out.get(i).value()).getLong());
      assertEquals(3, out.get(i).partition());
      assertEquals(41L, out.get(i).offset());
    }
  }

  @Test
  void aRecordOfTheEarlierLayoutIsRestoredAsItIs() {
    byte[] key = WindowKeySchema.toStoreKeyBinary(Bytes.wrap("e-1".getBytes(StandardCharsets.UTF_8)), HOUR, 0).get();
    ConsumerRecord<byte[], byte[]> old = new ConsumerRecord<>("changelog", 0, 7L, key,
        ByteBuffer.allocate(8).putLong(HOUR).array());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    SeenIdsStore.expand(old, out);
    assertEquals(List.of(old), out);
  }

  @Test
  void aRestoredBatchMarksTheLatestTimeOfItsIds() {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    SeenIdsStore.expand(new ConsumerRecord<>("changelog", 1, 5L, new byte[16],
        SeenIdsStore.encode(HOUR, List.of(seen("a", HOUR + 9), seen("b", HOUR + 700), seen("c", HOUR + 3)))), out);
    ConsumerRecord<byte[], byte[]> marker = SeenIdsStore.latestMarker(out);
    assertArrayEquals(WindowKeySchema.toStoreKeyBinary(Bytes.wrap(new byte[] {0}), HOUR + 700, 0).get(), marker.key());
    assertEquals(HOUR + 700, ByteBuffer.wrap(marker.value()).getLong());
    assertEquals(5L, marker.offset());
  }
}
