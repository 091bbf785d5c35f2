package io.tokenledger.platform.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
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
  private static final double INDEX_FILTER_RATIO = 0.1;

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
    options.setMaxWriteBufferNumber(2);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store; they live as long as the JVM.
  }
}
