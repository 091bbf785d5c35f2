package io.tokenledger.platform.streams;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ids remembered at event times from {@link #from()} on, all of them, in memory: a lookup of
 * an id at such a time is answered here, without reading RocksDB. Ids are kept in slices of ten
 * seconds of event time; when there are more than a bound, the oldest slices are let go and
 * {@code from} moves past them (their ids are still in the local store, where lookups of those
 * times go). A canonical lower-case UUID is held as its two longs; any other id as text.
 */
final class RecentIds {
  static final long SLICE_MILLIS = 10_000;

  private final long maxIds;
  private final TreeMap<Long, Slice> slices = new TreeMap<>();
  /** Every id remembered at this event time or later is here; {@code Long.MAX_VALUE}: none known yet. */
  private long from = Long.MAX_VALUE;
  private long count;
  private Slice last;
  /**
   * The table of the last slice let go, to be cleared and reused by the next new slice: a slice
   * lives long enough to reach the old generation, and a new table every ten seconds per task
   * filled it with garbage (a full collection every ~45 s at 20,000 events/s).
   */
  private long[] spare;

  RecentIds(long maxIds) {
    this.maxIds = maxIds;
  }

  /** From now on, every id remembered at {@code time} or later is added here (none before it is). */
  void startAt(long time) {
    clear();
    from = time;
  }

  /** Covers no time: lookups go to the store until {@link #startAt}. */
  void clear() {
    slices.clear();
    last = null;
    count = 0;
    from = Long.MAX_VALUE;
  }

  long from() {
    return from;
  }

  boolean covers(long time) {
    return time >= from;
  }

  long size() {
    return count;
  }

  /** Whether the id was remembered at this time; only for a time this {@link #covers}. */
  boolean contains(String id, long time) {
    long high = Uuids.high(id);
    return contains(id, high, high == Uuids.NOT_A_UUID ? 0 : Uuids.low(id), time);
  }

  /** The same for an id already read: its {@link Uuids} halves, or {@code NOT_A_UUID} for text. */
  boolean contains(String id, long high, long low, long time) {
    Slice slice = slice(time, false);
    return slice != null && slice.contains(id, high, low, time);
  }

  /** Remembers the id at a time this {@link #covers}; false when it was there already. */
  boolean add(String id, long time) {
    long high = Uuids.high(id);
    return add(id, high, high == Uuids.NOT_A_UUID ? 0 : Uuids.low(id), time);
  }

  /** The same for an id already read. */
  boolean add(String id, long high, long low, long time) {
    if (!slice(time, true).add(id, high, low, time)) {
      return false;
    }
    count++;
    return true;
  }

  /** Where the ids of a slice go: a UUID as its halves, any other id as its text. */
  interface Ids {
    void uuid(long high, long low, long time);

    void text(String id, long time);
  }

  /**
   * Lets go of the oldest slices until at most the bound is held; {@code from} moves past them.
   * The newest slice stays, also when it alone holds more: it is where new ids arrive, and
   * letting it go would send every lookup of them to RocksDB.
   */
  void trim() {
    trim(null);
  }

  /** The same, handing each slice's ids to {@code letGo} first (when not null). */
  void trim(Ids letGo) {
    while (count > maxIds && slices.size() > 1) {
      Map.Entry<Long, Slice> oldest = slices.pollFirstEntry();
      if (letGo != null) {
        oldest.getValue().forEach(letGo);
      }
      count -= oldest.getValue().size;
      spare = oldest.getValue().table;
      from = Math.max(from, oldest.getKey() + SLICE_MILLIS);
      if (last == oldest.getValue()) {
        last = null;
      }
    }
  }

  /** Every id held, slice by slice. */
  void forEach(Ids out) {
    for (Slice slice : slices.values()) {
      slice.forEach(out);
    }
  }

  private Slice slice(long time, boolean create) {
    Slice cached = last;
    if (cached != null && time >= cached.start && time - cached.start < SLICE_MILLIS) {
      return cached;
    }
    long start = Math.floorDiv(time, SLICE_MILLIS) * SLICE_MILLIS;
    Slice slice = slices.get(start);
    if (slice == null && create) {
      slice = new Slice(start, spare);
      spare = null;
      slices.put(start, slice);
    }
    if (slice != null) {
      last = slice;
    }
    return slice;
  }

  /** An open-addressing table of (UUID, time) as three longs, and a set for ids of other forms. */
  private static final class Slice {
    private static final long EMPTY = Long.MIN_VALUE; // no event time is this
    final long start;
    int size;
    private long[] table;
    private int used;
    private final Set<TextId> texts = new HashSet<>();

    record TextId(String id, long time) {}

    /** A slice of a reused table (cleared here), or of a new small one. */
    Slice(long start, long[] reused) {
      this.start = start;
      this.table = reused == null ? emptyTable(1 << 10) : cleared(reused);
    }

    void forEach(Ids out) {
      for (int i = 0; i < table.length; i += 3) {
        if (table[i + 2] != EMPTY) {
          out.uuid(table[i], table[i + 1], table[i + 2]);
        }
      }
      for (TextId text : texts) {
        out.text(text.id(), text.time());
      }
    }

    private static long[] emptyTable(int slots) {
      return cleared(new long[slots * 3]);
    }

    private static long[] cleared(long[] table) {
      for (int i = 2; i < table.length; i += 3) {
        table[i] = EMPTY;
      }
      return table;
    }

    boolean contains(String id, long hi, long lo, long time) {
      if (hi == Uuids.NOT_A_UUID) {
        return texts.contains(new TextId(id, time));
      }
      return table[find(table, hi, lo, time) + 2] != EMPTY;
    }

    boolean add(String id, long hi, long lo, long time) {
      if (hi == Uuids.NOT_A_UUID) {
        if (!texts.add(new TextId(id, time))) {
          return false;
        }
        size++;
        return true;
      }
      int at = find(table, hi, lo, time);
      if (table[at + 2] != EMPTY) {
        return false;
      }
      table[at] = hi;
      table[at + 1] = lo;
      table[at + 2] = time;
      size++;
      if (++used * 4L > table.length / 3 * 3L) { // more than three quarters of the slots
        grow();
      }
      return true;
    }

    private void grow() {
      long[] old = table;
      table = emptyTable(old.length / 3 * 2);
      for (int i = 0; i < old.length; i += 3) {
        if (old[i + 2] != EMPTY) {
          int at = find(table, old[i], old[i + 1], old[i + 2]);
          table[at] = old[i];
          table[at + 1] = old[i + 1];
          table[at + 2] = old[i + 2];
        }
      }
    }

    /** The slot holding this entry, or the empty slot where it would go (linear probing). */
    private static int find(long[] table, long hi, long lo, long time) {
      int slots = table.length / 3;
      long h = hi * 0x9E3779B97F4A7C15L ^ lo ^ time * 0xC2B2AE3D27D4EB4FL;
      int slot = (int) (h ^ (h >>> 32)) & (slots - 1);
      while (true) {
        int at = slot * 3;
        if (table[at + 2] == EMPTY
            || (table[at] == hi && table[at + 1] == lo && table[at + 2] == time)) {
          return at;
        }
        slot = (slot + 1) & (slots - 1);
      }
    }
  }

  /** Reads a canonical lower-case UUID's halves straight from its text, without allocating. */
  static final class Uuids {
    /** Returned by {@link #high} for text that is not a canonical UUID (a UUID with these high bits is text). */
    static final long NOT_A_UUID = 0x7FFF_FFFF_FFFF_FFFFL;

    private Uuids() {}

    static long high(String id) {
      if (id.length() != 36 || id.charAt(8) != '-' || id.charAt(13) != '-' || id.charAt(18) != '-'
          || id.charAt(23) != '-') {
        return NOT_A_UUID;
      }
      long high = hex(id, 0, 8);
      long mid = hex(id, 9, 13);
      long low = hex(id, 14, 18);
      long tail1 = hex(id, 19, 23);
      long tail2 = hex(id, 24, 36);
      if ((high | mid | low | tail1 | tail2) < 0) {
        return NOT_A_UUID;
      }
      long value = high << 32 | mid << 16 | low;
      return value == NOT_A_UUID ? NOT_A_UUID : value; // that one UUID is kept as text
    }

    /** Only after {@link #high} said it is a UUID. */
    static long low(String id) {
      return hex(id, 19, 23) << 48 | hex(id, 24, 36);
    }

    /** The digits as a number, or -1 when one is not a lower-case hex digit. */
    private static long hex(String text, int from, int to) {
      long value = 0;
      for (int i = from; i < to; i++) {
        char c = text.charAt(i);
        int digit;
        if (c >= '0' && c <= '9') {
          digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
          digit = c - 'a' + 10;
        } else {
          return -1;
        }
        value = value << 4 | digit;
      }
      return value;
    }
  }
}
