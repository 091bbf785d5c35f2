package io.tokenledger.economics.plan;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.ledger.LedgerBuckets;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The (team, workflow, model) period ledger as the token plan reads it: the latest record of each
 * 15-minute bucket, kept for {@link #RETENTION} instead of the ledger topic's 62 days, so that a
 * quarter's actuals are whole until its last day. The ledger's records are running totals of their
 * bucket, so the latest one is the bucket: nothing is summed here, and the plan's actuals are the
 * ledger's to the nano-USD. Kept in the team's partition, as the ledger topic is.
 */
public final class PlanLedger implements Processor<String, UsageAggregate, Void, Void> {
  /** A quarter (at most 92 days) and room for the late usage its ledger still takes in. */
  public static final Duration RETENTION = Duration.ofDays(100);

  private final String storeName;
  private WindowStore<String, UsageAggregate> store;

  public PlanLedger(String storeName) {
    this.storeName = storeName;
  }

  public static StoreBuilder<WindowStore<String, UsageAggregate>> store(String name, Serde<UsageAggregate> values) {
    return Stores.windowStoreBuilder(Stores.persistentWindowStore(name, RETENTION, LedgerBuckets.SIZE, false),
        Serdes.String(), values);
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, UsageAggregate> record) {
    UsageAggregate bucket = record.value();
    if (record.key() == null || bucket == null) {
      return;
    }
    store.put(record.key(), bucket, bucket.getWindowStart().toEpochMilli());
  }
}
