package io.tokenledger.platform.streams;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.AbstractRocksDBSegmentedBytesStore;
import org.apache.kafka.streams.state.internals.RocksDBStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes durable what a store's RocksDB instances hold: Kafka Streams writes RocksDB without its
 * write-ahead log, so a write lives only in a memtable, lost with the process, until RocksDB
 * flushes it to a file. A kept store flushes before it writes a checkpoint of its offsets.
 *
 * <p>Kafka Streams 4.3 offers no flush of a store (its commit writes the offsets without one), so
 * this reaches its segments and their RocksDB handles by reflection. If a Kafka upgrade moves them,
 * it says so once and answers false: the stores then write no checkpoint, and a crash rebuilds
 * their tasks from the changelogs as before.
 */
final class MemtableFlush {
  private static final Logger log = LoggerFactory.getLogger(MemtableFlush.class);
  private static final FlushOptions WAIT = new FlushOptions().setWaitForFlush(true);
  private static final Method SEGMENTS;
  private static final Field DB;

  static {
    Method segments = null;
    Field db = null;
    try {
      segments = AbstractRocksDBSegmentedBytesStore.class.getDeclaredMethod("getSegments");
      segments.setAccessible(true);
      db = RocksDBStore.class.getDeclaredField("db");
      db.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("This Kafka Streams keeps its RocksDB handles elsewhere ({}): stores write no checkpoint, and after "
          + "a crash their tasks are rebuilt from the changelogs", e.toString());
      segments = null;
      db = null;
    }
    SEGMENTS = segments;
    DB = db;
  }

  private MemtableFlush() {}

  /**
   * Flushes every open RocksDB instance below {@code store} (each segment of a window store) and
   * waits for it; false when it could not, or found no RocksDB below.
   */
  static boolean flush(StateStore store) {
    if (SEGMENTS == null) {
      return false;
    }
    StateStore below = store;
    while (below instanceof WrappedStateStore<?, ?, ?> wrapper) {
      below = wrapper.wrapped();
    }
    try {
      if (below instanceof AbstractRocksDBSegmentedBytesStore<?> segmented) {
        for (Object segment : (List<?>) SEGMENTS.invoke(segmented)) {
          if (!(segment instanceof RocksDBStore rocks) || !flush(rocks)) {
            return false;
          }
        }
        return true;
      }
      return below instanceof RocksDBStore rocks && flush(rocks);
    } catch (ReflectiveOperationException | RocksDBException | RuntimeException e) {
      log.warn("Cannot flush the RocksDB instances of store {} ({}); it writes no checkpoint this time",
          store.name(), e.toString());
      return false;
    }
  }

  private static boolean flush(RocksDBStore store) throws ReflectiveOperationException, RocksDBException {
    if (!store.isOpen()) {
      return true; // closed: RocksDB flushed it at its close
    }
    RocksDB db = (RocksDB) DB.get(store);
    if (db == null) {
      return false;
    }
    db.flush(WAIT); // the default column family: the store's data (its offsets are in the file)
    return true;
  }
}
