package io.tokenledger.platform.streams;

import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.internals.OffsetCheckpoint;

/**
 * The changelog offset a window store answers when the RocksDB store below answers none because
 * it holds no segment (it never got a record, or its only segment expired): "unknown", so Kafka
 * Streams restores it from the changelog's start, which is exact for an empty store. "None" under
 * exactly-once would make Kafka Streams take the whole task for corrupt and rebuild every store of
 * it from its changelog, after a clean stop too.
 */
final class EmptyStoreOffsets {
  private EmptyStoreOffsets() {}

  /** {@code committed} when there is one; else "unknown" when {@code store} holds nothing, else none. */
  static Long orUnknownWhenEmpty(Long committed, ReadOnlyWindowStore<?, ?> store) {
    if (committed != null) {
      return committed;
    }
    try (var all = store.all()) {
      return all.hasNext() ? null : OffsetCheckpoint.OFFSET_UNKNOWN;
    }
  }
}
