package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedMemoryRocksDBTest {
  /** More stores than a window-heavy task set opens (the aggregation's six tasks held 107 on the bench). */
  private static final int STORES = 150;
  private static final int KEYS = 50;

  @Test
  void manyStoresHoldingAFewKilobytesEachAreNotFlushedByTheSharedMemoryLimit(@TempDir Path dir) throws Exception {
    RocksDB.loadLibrary();
    BoundedMemoryRocksDB setter = new BoundedMemoryRocksDB();
    List<Options> options = new ArrayList<>();
    List<RocksDB> stores = new ArrayList<>();
    try {
      for (int s = 0; s < STORES; s++) {
        Options o = new Options().setCreateIfMissing(true);
        o.setTableFormatConfig(new BlockBasedTableConfig());
        setter.setConfig("store-" + s, o, Map.of());
        options.add(o);
        stores.add(RocksDB.open(o, dir.resolve("store-" + s).toString()));
      }
      byte[] value = new byte[80];
      for (RocksDB store : stores) {
        for (int k = 0; k < KEYS; k++) {
          store.put(("key-" + k).getBytes(StandardCharsets.UTF_8), value);
        }
      }
      // A store flushed by the manager would have switched memtables: its active one holds fewer keys.
      for (int s = 0; s < STORES; s++) {
        assertEquals(KEYS, stores.get(s).getLongProperty("rocksdb.num-entries-active-mem-table"), "store-" + s);
        assertEquals(0, stores.get(s).getLongProperty("rocksdb.num-immutable-mem-table"), "store-" + s);
      }
    } finally {
      stores.forEach(RocksDB::close);
      for (int s = 0; s < options.size(); s++) {
        setter.close("store-" + s, options.get(s));
        options.get(s).close();
      }
    }
  }
}
