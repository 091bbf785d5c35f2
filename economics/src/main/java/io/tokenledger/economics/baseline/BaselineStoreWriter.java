package io.tokenledger.economics.baseline;

import io.tokenledger.schemas.HumanBaseline;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global store of baseline versions: a tombstone deletes a version; a version that
 * breaks {@link BaselineRules} is left out with a warning naming it, whoever wrote it, so an
 * absurd hourly cost can never value an outcome.
 */
public final class BaselineStoreWriter implements Processor<String, HumanBaseline, Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(BaselineStoreWriter.class);
  private final String storeName;
  private KeyValueStore<String, HumanBaseline> store;

  public BaselineStoreWriter(String storeName) {
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, HumanBaseline> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
      return;
    }
    List<String> problems = BaselineRules.problems(record.value());
    if (!problems.isEmpty()) {
      log.warn("Human baseline {} is not used: {}. Fix it with 'tokenledger baselines set'.", record.key(),
          String.join("; ", problems));
      store.delete(record.key());
      return;
    }
    store.put(record.key(), record.value());
  }
}
