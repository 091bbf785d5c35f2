package io.tokenledger.economics.figures;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * How many succeeded items took how long, from first call to outcome: counts per turnaround
 * bucket, additive like {@link Counters}, so an item's change takes its old bucket back and adds
 * its new one. Buckets keep a turnaround to the second below 10 minutes, to 10 s below an hour,
 * to the minute below a day and to the hour above: at most about 3,000 buckets, each within 1/60
 * of the value it stands for (its lower end).
 */
public record Turnarounds(NavigableMap<Long, Long> counts) {
  public static final Turnarounds EMPTY = new Turnarounds(Collections.emptyNavigableMap());

  /** One item of {@code seconds}, counted {@code times} (-1 takes it back). */
  public static Turnarounds of(long seconds, long times) {
    TreeMap<Long, Long> one = new TreeMap<>();
    one.put(bucket(seconds), times);
    return new Turnarounds(Collections.unmodifiableNavigableMap(one));
  }

  /** The lower end of the bucket holding {@code seconds}. */
  public static long bucket(long seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException("a turnaround is never negative: " + seconds);
    }
    long step = seconds < 600 ? 1 : seconds < 3_600 ? 10 : seconds < 86_400 ? 60 : 3_600;
    return seconds - seconds % step;
  }

  public Turnarounds plus(Turnarounds other) {
    if (other.counts.isEmpty()) {
      return this;
    }
    TreeMap<Long, Long> sum = new TreeMap<>(counts);
    other.counts.forEach((bucket, n) -> {
      long total = Math.addExact(sum.getOrDefault(bucket, 0L), n);
      if (total == 0) {
        sum.remove(bucket);
      } else {
        sum.put(bucket, total);
      }
    });
    return new Turnarounds(Collections.unmodifiableNavigableMap(sum));
  }

  /** This less {@code other}; nothing to do when either is empty and the other is this. */
  public Turnarounds minus(Turnarounds other) {
    return other.counts.isEmpty() ? this : plus(other.negated());
  }

  public Turnarounds negated() {
    TreeMap<Long, Long> negative = new TreeMap<>();
    counts.forEach((bucket, n) -> negative.put(bucket, -n));
    return new Turnarounds(Collections.unmodifiableNavigableMap(negative));
  }

  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  public boolean isEmpty() {
    return counts.isEmpty();
  }

  int size() {
    return Integer.BYTES + counts.size() * 2 * Long.BYTES;
  }

  void write(ByteBuffer out) {
    out.putInt(counts.size());
    for (Map.Entry<Long, Long> e : counts.entrySet()) {
      out.putLong(e.getKey()).putLong(e.getValue());
    }
  }

  static Turnarounds read(ByteBuffer in) {
    int n = in.getInt();
    if (n == 0) {
      return EMPTY;
    }
    TreeMap<Long, Long> counts = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      counts.put(in.getLong(), in.getLong());
    }
    return new Turnarounds(Collections.unmodifiableNavigableMap(counts));
  }
}
