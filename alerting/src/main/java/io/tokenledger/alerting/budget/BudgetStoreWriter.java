package io.tokenledger.alerting.budget;

import io.tokenledger.schemas.Budget;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the global budget store equal to the compacted budgets topic. */
public final class BudgetStoreWriter implements Processor<String, Budget, Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(BudgetStoreWriter.class);
  private final String storeName;
  private KeyValueStore<String, Budget> store;

  public BudgetStoreWriter(String storeName) {
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, Budget> record) {
    if (record.value() == null) {
      store.delete(record.key());
      log.info("Budget {} deleted", record.key());
    } else {
      store.put(record.key(), record.value());
      log.info("Budget {} for team {} set", record.key(), record.value().getTeam());
    }
  }
}
