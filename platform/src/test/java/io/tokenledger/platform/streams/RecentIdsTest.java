package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Recent ids in memory: exact membership by (id, time), a bound, and the time from which they answer. */
class RecentIdsTest {
  private static final long T = 1_780_000_000_000L;

  @Test
  void aCanonicalUuidIsReadAsItsTwoHalvesAndAnyOtherFormIsText() {
    UUID uuid = UUID.fromString("0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a");
    assertEquals(uuid.getMostSignificantBits(), RecentIds.Uuids.high(uuid.toString()));
    assertEquals(uuid.getLeastSignificantBits(), RecentIds.Uuids.low(uuid.toString()));
    UUID high = UUID.fromString("ffffffff-ffff-ffff-8000-000000000001");
    assertEquals(high.getMostSignificantBits(), RecentIds.Uuids.high(high.toString()));
    assertEquals(high.getLeastSignificantBits(), RecentIds.Uuids.low(high.toString()));
    for (String text : List.of("0192F0C4-5A1E-7C3D-9B2A-1F2E3D4C5B6A", "0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6", "call:req_8f2a",
        "0192f0c4x5a1e-7c3d-9b2a-1f2e3d4c5b6a", "0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6g",
        "7fffffff-ffff-ffff-0000-000000000000")) {
      assertEquals(RecentIds.Uuids.NOT_A_UUID, RecentIds.Uuids.high(text), text);
    }
  }

  @Test
  void anIdIsKnownAtTheTimeItWasRememberedOnly() {
    RecentIds recent = new RecentIds(1_000);
    recent.startAt(Long.MIN_VALUE);
    String uuid = "0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a";
    assertFalse(recent.contains(uuid, T));
    assertTrue(recent.add(uuid, T));
    assertFalse(recent.add(uuid, T), "the same id at the same time is there already");
    assertTrue(recent.contains(uuid, T));
    assertFalse(recent.contains(uuid, T + 1), "another time is another event");
    assertFalse(recent.contains(uuid.toUpperCase(), T), "upper case is other text");
    assertTrue(recent.add("call:1", T + 1));
    assertTrue(recent.contains("call:1", T + 1));
    assertFalse(recent.contains("call:1", T));
    assertEquals(2, recent.size());
  }

  @Test
  void manyIdsGrowTheTablesAndEveryOneIsFoundAgain() {
    RecentIds recent = new RecentIds(1_000_000);
    recent.startAt(T);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      String id = i % 7 == 0 ? "call-" + i : UUID.randomUUID().toString();
      ids.add(id);
      assertTrue(recent.add(id, T + i));
    }
    for (int i = 0; i < ids.size(); i++) {
      assertTrue(recent.contains(ids.get(i), T + i), ids.get(i));
      assertFalse(recent.contains(ids.get(i), T + i + 1), ids.get(i));
    }
    assertEquals(50_000, recent.size());
  }

  @Test
  void pastTheBoundTheOldestSlicesGoAndTheCoveredTimeMovesPastThem() {
    RecentIds recent = new RecentIds(25);
    assertFalse(recent.covers(T), "nothing is covered before it starts");
    recent.startAt(T + 3);
    assertFalse(recent.covers(T + 2));
    assertTrue(recent.covers(T + 3));
    for (int i = 0; i < 30; i++) { // 10 ids per 10-second slice, 3 slices
      recent.add("id-" + i, T + 3 + i * 1_000L);
    }
    assertEquals(30, recent.size(), "held until trimmed");
    recent.trim();
    long firstSlice = Math.floorDiv(T + 3, RecentIds.SLICE_MILLIS) * RecentIds.SLICE_MILLIS;
    assertTrue(recent.size() <= 25, "bounded: " + recent.size());
    assertEquals(firstSlice + RecentIds.SLICE_MILLIS, recent.from(), "the oldest slice went, and the time it held");
    assertFalse(recent.covers(T + 3));
    assertTrue(recent.contains("id-29", T + 3 + 29_000L));
    recent.clear();
    assertFalse(recent.covers(T + 100_000));
  }

  @Test
  void aNewSliceReusesTheTableOfOneLetGoWithNothingOfItLeft() {
    RecentIds recent = new RecentIds(2_000);
    recent.startAt(T);
    List<String> old = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) { // 3,000 ids in the first slice: its table grew
      old.add(UUID.randomUUID().toString());
      recent.add(old.get(i), T + i);
    }
    recent.add("next", T + RecentIds.SLICE_MILLIS); // a newer slice, so the first is not the newest
    recent.trim();
    assertEquals(T + RecentIds.SLICE_MILLIS, recent.from());
    assertEquals(1, recent.size());
    long third = T + 2 * RecentIds.SLICE_MILLIS;
    for (int i = 0; i < 3_000; i++) { // the same ids twenty seconds on, in a new slice on the reused table
      long time = third + i;
      assertFalse(recent.contains(old.get(i), time), "nothing of the slice let go is found");
      assertTrue(recent.add(old.get(i), time));
      assertTrue(recent.contains(old.get(i), time));
      assertFalse(recent.contains(old.get(i), time - 2 * RecentIds.SLICE_MILLIS + 1));
    }
    assertEquals(3_001, recent.size());
  }

  @Test
  void theNewestSliceStaysAlsoWhenItAloneHoldsMoreThanTheBound() {
    RecentIds recent = new RecentIds(10);
    recent.startAt(T);
    for (int i = 0; i < 15; i++) {
      recent.add("id-" + i, T + i);
    }
    recent.trim();
    assertEquals(15, recent.size(), "where new ids arrive: letting it go would send their lookups to RocksDB");
    assertTrue(recent.covers(T));
    recent.add("later", T + RecentIds.SLICE_MILLIS);
    recent.trim();
    assertEquals(1, recent.size(), "once a newer slice is there, the full one goes");
    assertEquals(T + RecentIds.SLICE_MILLIS, recent.from());
  }

  @Test
  void theIdsOfEachSliceLetGoAreHandedOnExactlyAndTheRestOnRequest() {
    RecentIds recent = new RecentIds(4);
    recent.startAt(T);
    long next = T + RecentIds.SLICE_MILLIS;
    recent.add("0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a", T + 1);
    recent.add("call:1", T + 2);
    recent.add("call:2", next + 1);
    recent.add("call:3", next + 2);
    recent.add("call:4", next + 3);
    List<String> letGo = new ArrayList<>();
    RecentIds.Ids into = ids(letGo);
    recent.trim(into);
    assertEquals(List.of("0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a@" + (T + 1), "call:1@" + (T + 2)),
        letGo.stream().sorted().toList(), "the first slice, every id once");
    List<String> held = new ArrayList<>();
    recent.forEach(ids(held));
    assertEquals(List.of("call:2@" + (next + 1), "call:3@" + (next + 2), "call:4@" + (next + 3)),
        held.stream().sorted().toList());
  }

  private static RecentIds.Ids ids(List<String> into) {
    return new RecentIds.Ids() {
      @Override
      public void uuid(long high, long low, long time) {
        into.add(new UUID(high, low) + "@" + time);
      }

      @Override
      public void text(String id, long time) {
        into.add(id + "@" + time);
      }
    };
  }
}
