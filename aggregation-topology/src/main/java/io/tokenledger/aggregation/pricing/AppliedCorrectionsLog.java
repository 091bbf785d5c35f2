package io.tokenledger.aggregation.pricing;

import io.tokenledger.pricing.Rerating;
import io.tokenledger.schemas.PriceCorrection;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every price correction the aggregation applied (its applied-corrections topic) in a
 * global store, by the bucket it re-rated, so that the ledger query answers a period's
 * corrections from a store, with the whole history, without reading the topic per request.
 */
public final class AppliedCorrectionsLog implements Processor<String, PriceCorrection, Void, Void> {
  /** The global store of the applied corrections, by {@link Rerating#appliedKey}. */
  public static final String STORE = "price-corrections-applied-log-store";

  private KeyValueStore<String, PriceCorrection> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, PriceCorrection> record) {
    if (record.value() != null) {
      store.put(Rerating.appliedKey(record.value()), record.value());
    }
  }
}
