package io.tokenledger.platform.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Caps the off-heap memory of every RocksDB store in the JVM: one LRU block cache shared by
 * all stores, with memtables charged against it through a WriteBufferManager, and index and
 * filter blocks kept in the cache. Without this, each store (times each segment of a window
 * store) would size its own memory. Total: {@code tokenledger.rocksdb.memory-bytes}
 * (default 256 MiB), of which half may be memtables.
 */
public final class BoundedMemoryRocksDB implements RocksDBConfigSetter {
  public static final String MEMORY_CONFIG = "tokenledger.rocksdb.memory-bytes";
  static final long DEFAULT_MEMORY = 256L << 20;
  public static final String LOG_LEVEL_CONFIG = "tokenledger.rocksdb.log-level";
  static final java.util.List<String> LOG_LEVELS = java.util.List.of("debug", "info", "warn", "error");
  private static final double INDEX_FILTER_RATIO = 0.1;
  /** Memtable memory is allocated in blocks of this size; the smallest charge a store that holds anything makes. */
  static final long ARENA_BLOCK_BYTES = 64L << 10;

  private static Cache cache;
  private static WriteBufferManager writeBufferManager;

  private static synchronized void init(Map<String, Object> configs) {
    if (cache == null) {
      long total = StreamsApps.CONFIG.whole(configs, MEMORY_CONFIG);
      cache = new LRUCache(total, -1, false, INDEX_FILTER_RATIO);
      writeBufferManager = new WriteBufferManager(total / 2, cache);
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    init(configs);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(writeBufferManager);
    // The manager counts memtable memory by arena block, and a memtable that holds a few bytes
    // holds a whole block: by default 1 MiB (write buffer / 8, at most 1 MiB). With a hundred
    // stores and segments written at once that alone passed the manager's flush limit, so every
    // write flushed its store's memtable (thousands of flushes of a few KB a minute, tiny files
    // to compact), and a store whose last flush was still running stopped writes for seconds.
    options.setArenaBlockSize(ARENA_BLOCK_BYTES);
    // One memtable taking writes and up to two waiting for their flush before writes stop.
    options.setMaxWriteBufferNumber(3);
    options.setTableFormatConfig(table);
    options.setInfoLogLevel(InfoLogLevel.valueOf(
        StreamsApps.CONFIG.text(configs, LOG_LEVEL_CONFIG).toUpperCase(java.util.Locale.ROOT) + "_LEVEL"));
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store; they live as long as the JVM.
  }
}
