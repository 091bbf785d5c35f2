package io.tokenledger.alerting.budget;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each budget's spend per hour over its longest forecast window, so that a burn rate reads at
 * most that many hours of one budget instead of every series' ledger buckets. Keys are
 * {@code budget_id|hour start (epoch millis, 15 digits)}: one budget's hours are one key range in
 * time order. Hours older than the window are forgotten as it moves.
 */
final class BudgetHours {
  static final long HOUR = 3_600_000L;

  private final KeyValueStore<String, Spent> store;

  BudgetHours(KeyValueStore<String, Spent> store) {
    this.store = store;
  }

  static long hourOf(long epochMillis) {
    return epochMillis - Math.floorMod(epochMillis, HOUR);
  }

  /** Adds a ledger bucket's change to the hour holding it. */
  void add(String budgetId, long bucketStart, Spent change) {
    String key = key(budgetId, hourOf(bucketStart));
    Spent amount = new Spent(change.nanoUsd(), change.tokens(), 0, Long.MAX_VALUE);
    Spent known = store.get(key);
    store.put(key, known == null ? amount : known.plus(amount));
  }

  /** The spend of the hours from {@code fromHour} to the one holding {@code to}, both included. */
  Spent sum(String budgetId, long fromHour, long to) {
    Spent sum = Spent.ZERO;
    try (KeyValueIterator<String, Spent> it = store.range(key(budgetId, Math.max(0, fromHour)),
        key(budgetId, hourOf(to)))) {
      while (it.hasNext()) {
        sum = sum.plus(it.next().value);
      }
    }
    return sum;
  }

  /** Drops the hours before {@code beforeHour}. */
  void forget(String budgetId, long beforeHour) {
    if (beforeHour <= 0) {
      return;
    }
    delete(budgetId, 0, beforeHour - HOUR);
  }

  void clear(String budgetId) {
    delete(budgetId, 0, MAX_HOUR);
  }

  private static final long MAX_HOUR = 999_999_999_999_999L;

  private void delete(String budgetId, long fromHour, long toHour) {
    java.util.List<String> keys = new java.util.ArrayList<>();
    try (KeyValueIterator<String, Spent> it = store.range(key(budgetId, fromHour), key(budgetId, toHour))) {
      while (it.hasNext()) {
        KeyValue<String, Spent> entry = it.next();
        keys.add(entry.key);
      }
    }
    keys.forEach(store::delete);
  }

  private static String key(String budgetId, long hour) {
    return budgetId + "|" + String.format("%015d", Math.min(MAX_HOUR, Math.max(0, hour)));
  }
}
