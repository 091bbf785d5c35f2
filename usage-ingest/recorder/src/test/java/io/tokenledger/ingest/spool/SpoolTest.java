package io.tokenledger.ingest.spool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;

  @Test
  void keepsRecordsInOrderAcrossSegmentsAndAReopen() throws Exception {
    try (Spool spool = Spool.open(dir, 1 << 20, 64, FsyncPolicy.EVERY_BATCH)) {
      for (int i = 0; i < 10; i++) {
        spool.append(bytes("record-" + i)).get(10, TimeUnit.SECONDS);
      }
    }
    try (Spool reopened = Spool.open(dir, 1 << 20, 64, FsyncPolicy.EVERY_BATCH)) {
      reopened.append(bytes("after-restart")).get(10, TimeUnit.SECONDS);
      List<String> all = new ArrayList<>();
      List<Path> sealed = reopened.sealedSegments();
      assertTrue(sealed.size() > 1, "small segments roll: " + sealed);
      for (Path segment : sealed) {
        Spool.read(segment).records().forEach(b -> all.add(new String(b, StandardCharsets.UTF_8)));
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        expected.add("record-" + i);
      }
      expected.add("after-restart");
      assertEquals(expected, all);
    }
  }

  @Test
  void ignoresATornLastRecordAndStopsAtACorruptOne() throws Exception {
    Path segment;
    try (Spool spool = Spool.open(dir, 1 << 20, 1 << 20, FsyncPolicy.EVERY_BATCH)) {
      spool.append(bytes("one")).get(10, TimeUnit.SECONDS);
      spool.append(bytes("two")).get(10, TimeUnit.SECONDS);
      segment = spool.sealedSegments().get(0);
    }
    byte[] whole = Files.readAllBytes(segment);
    Files.write(segment, new byte[] {0, 0, 0, 50, 1, 2}, StandardOpenOption.APPEND); // crash mid-write
    assertEquals(2, Spool.read(segment).records().size());
    assertEquals(null, Spool.read(segment).damage(), "a torn last record is no damage");

    whole[whole.length - 1] ^= 0x7F; // flip a bit in "two"
    Files.write(segment, whole);
    Spool.SegmentContents survivors = Spool.read(segment);
    assertEquals(1, survivors.records().size());
    assertArrayEquals(bytes("one"), survivors.records().get(0));
    assertEquals("checksum mismatch at record 2 (byte 11), 11 bytes from there on unreadable", survivors.damage());
  }

  @Test
  void refusesPastItsByteBudgetAndFreesBudgetWhenASegmentIsDelivered() throws Exception {
    try (Spool spool = Spool.open(dir, 40, 1 << 20, FsyncPolicy.NEVER)) {
      spool.append(new byte[20]).get(10, TimeUnit.SECONDS); // 8-byte frame + 20 = 28 of 40
      CompletableFuture<Void> tooMuch = spool.append(new byte[20]);
      ExecutionException e = assertThrows(ExecutionException.class, () -> tooMuch.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof SpoolFullException);
      assertEquals(28, spool.usedBytes());

      spool.delete(spool.sealedSegments().get(0));
      assertEquals(0, spool.usedBytes());
      spool.append(new byte[20]).get(10, TimeUnit.SECONDS);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
