package io.tokenledger.platform.streams;

import java.util.function.BiConsumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps a global store as its compacted topic is: the latest value per key, a tombstone deletes;
 * and says what changed. At start it says so of every value the store already holds, so that a
 * view kept beside it (a price book) is rebuilt however the store was restored.
 */
public final class GlobalTable<V> implements Processor<String, V, Void, Void> {
  private final String storeName;
  private final BiConsumer<String, V> onChange;
  private KeyValueStore<String, V> store;

  /**
   * Adds {@code topic} to {@code topology} as the global store {@code storeName}, kept by a
   * GlobalTable: source {@code sourceName}, processor {@code processorName}, no changelog (the
   * compacted topic is its log).
   */
  public static <V> void register(org.apache.kafka.streams.Topology topology, String storeName,
      io.tokenledger.schemas.topics.Topic<String, V> topic, String sourceName, String processorName,
      BiConsumer<String, V> onChange) {
    topology.addGlobalStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
            org.apache.kafka.streams.state.Stores.persistentKeyValueStore(storeName), topic.keySerde(),
            topic.valueSerde()).withLoggingDisabled(), sourceName, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer(), topic.name(), processorName,
        () -> new GlobalTable<V>(storeName, onChange));
  }

  public GlobalTable(String storeName, BiConsumer<String, V> onChange) {
    this.storeName = storeName;
    this.onChange = onChange;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    try (KeyValueIterator<String, V> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, V> entry = all.next();
        onChange.accept(entry.key, entry.value);
      }
    }
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
