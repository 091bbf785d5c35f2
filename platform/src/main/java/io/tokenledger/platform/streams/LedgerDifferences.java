package io.tokenledger.platform.streams;

import io.tokenledger.schemas.ledger.LedgerBuckets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Turns a period ledger's running totals into differences, for a consumer that sums them. The
 * ledger publishes a bucket's total so far, again whenever late usage or a correction changes
 * it, so a consumer adds only what changed since it last saw that bucket of that series. What it
 * saw is kept in a window store of the ledger's bucket size and retention (so a bucket's update
 * within the retention is always taken as a difference, never counted in full again).
 *
 * @param <V> what is summed (a cost; a cost and tokens with when it was first seen)
 */
public final class LedgerDifferences<V> {
  /** How {@code V} subtracts, and what is remembered of a bucket once seen. */
  public interface Arithmetic<V> {
    V minus(V current, V previous);

    boolean isZero(V difference);

    /** What the store keeps for the bucket now; {@code previous} is null the first time. */
    default V remembered(V current, V previous, long recordTime) {
      return current;
    }
  }

  private final WindowStore<String, V> seen;
  private final Arithmetic<V> arithmetic;

  public LedgerDifferences(WindowStore<String, V> seen, Arithmetic<V> arithmetic) {
    this.seen = seen;
    this.arithmetic = arithmetic;
  }

  /** The store of what was seen, bucketed as the ledger is. */
  public static <V> StoreBuilder<WindowStore<String, V>> store(String name, Serde<V> values) {
    return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, LedgerBuckets.RETENTION, LedgerBuckets.SIZE,
        false), Serdes.String(), values);
  }

  /**
   * The change of a series' bucket since it was last seen (the whole total the first time), or
   * null when nothing changed; the new total is remembered.
   */
  public V difference(String series, long bucketStart, V current, long recordTime) {
    V previous = seen.fetch(series, bucketStart);
    V difference = previous == null ? current : arithmetic.minus(current, previous);
    if (arithmetic.isZero(difference)) {
      return null;
    }
    seen.put(series, arithmetic.remembered(current, previous, recordTime), bucketStart);
    return difference;
  }

  /** Nano-USD, the economics' measure of a ledger bucket. */
  public static final Arithmetic<Long> COST = new Arithmetic<>() {
    @Override
    public Long minus(Long current, Long previous) {
      return current - previous;
    }

    @Override
    public boolean isZero(Long difference) {
      return difference == 0;
    }
  };
}
