package io.tokenledger.reconciliation.service;

import java.util.function.BiConsumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps a global store as its compacted topic is: the latest value per key, a tombstone deletes; and says what changed. */
final class GlobalTable<V> implements Processor<String, V, Void, Void> {
  private final String storeName;
  private final BiConsumer<String, V> onChange;
  private KeyValueStore<String, V> store;

  GlobalTable(String storeName, BiConsumer<String, V> onChange) {
    this.storeName = storeName;
    this.onChange = onChange;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, V> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
    onChange.accept(record.key(), record.value());
  }
}
