package io.tokenledger.aggregation.pricing;

import io.tokenledger.aggregation.window.LedgerCorrection;
import io.tokenledger.aggregation.window.Totals;
import io.tokenledger.platform.streams.IntakeGate;
import io.tokenledger.pricing.Rerating;
import io.tokenledger.schemas.deadletters.DeadLetterReason;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.ledger.LedgerBuckets;
import io.tokenledger.schemas.topics.SeriesKey;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes price corrections to the period ledgers, each bucket's difference once: a bucket of a
 * correction is recognised by its correction id, series, bucket and the cost it was re-rated
 * from, so running the same correction again, or a redelivery, changes nothing. A record that
 * cannot be applied is dead-lettered with the reason. What is applied is published once, on the
 * applied-corrections topic, which is what exports count.
 */
public final class CorrectionIntake implements Processor<byte[], byte[], Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(CorrectionIntake.class);

  private static final IntakeGate.Advice ADVICE = new IntakeGate.Advice("price correction",
      "a correction is undone by another correction", "'tokenledger prices correct' keys it so",
      "'tokenledger prices correct' places it there");

  /** A correction re-rates one ledger bucket by the difference of its two costs. */
  private static final IntakeGate.Rules<PriceCorrection> RULES = new IntakeGate.Rules<>(PriceCorrection::getTeam,
      PriceCorrection::getCorrectionId, (c, producedAt) -> LedgerBuckets.isStart(c.getBucketStart().toEpochMilli())
          && c.getNewCostNanoUsd() - c.getOldCostNanoUsd() == c.getDifferenceNanoUsd() ? null
          : "bucket_start must be a 15-minute boundary and difference = new - old");

  private final IntakeGate<PriceCorrection> gate;
  private final String appliedStore;
  private final String ledgerStore;
  private final String ledgerChild;
  private final String appliedChild;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, Long> applied;
  private ReadOnlyWindowStore<String, Totals> ledger;

  /**
   * The store of the corrections' buckets applied: by {@link Rerating#appliedKey}, when. In memory,
   * read back from its changelog at every start (an entry per corrected bucket: small): Kafka
   * Streams' own RocksDB stores cannot survive a crash under exactly-once, and the task's other
   * stores can (a task's local state is kept only when all of its stores are).
   */
  public static StoreBuilder<KeyValueStore<String, Long>> appliedStore(String name) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.Long());
  }

  /**
   * @param ledgerStore the (team, workflow, provider, model) period ledger the corrections' old costs were
   *     read from: a correction applies only while its bucket still costs its old cost
   */
  public CorrectionIntake(Deserializer<PriceCorrection> decoder, String appliedStore, String ledgerStore,
      int partitions, String ledgerChild, String appliedChild, String deadLetterChild) {
    this.appliedChild = appliedChild;
    this.gate = new IntakeGate<>(decoder, RULES, ADVICE, partitions, IntakeGate.Placement.REFUSE, null,
        deadLetterChild);
    this.appliedStore = appliedStore;
    this.ledgerStore = ledgerStore;
    this.ledgerChild = ledgerChild;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    applied = context.getStateStore(appliedStore);
    ledger = context.getStateStore(ledgerStore);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    IntakeGate.Admitted<PriceCorrection> admitted = gate.admit(context, record);
    if (admitted == null) {
      return;
    }
    PriceCorrection c = admitted.value();
    long bucket = c.getBucketStart().toEpochMilli();
    SeriesKey series = Rerating.series(c);
    String key = Rerating.appliedKey(c);
    if (applied.get(key) != null) {
      return; // this bucket of this correction, from this basis, is in the ledgers already
    }
    // Two corrections computed from one published cost (run one after the other while the
    // aggregation lagged) would both apply in full; only one computed from what the bucket costs now may.
    Totals now = ledger.fetch(series.toString(), bucket);
    long current = now == null ? 0 : now.costNanoUsd();
    if (current != c.getOldCostNanoUsd()) {
      gate.reject(context, record, DeadLetterReason.STALE_CORRECTION, "Correction " + c.getCorrectionId() + " of "
          + series + " at " + c.getBucketStart() + " was computed from a cost of " + c.getOldCostNanoUsd() + " nano-USD, but the bucket now costs " + current
          + " (another correction or late usage came first); run 'tokenledger prices correct' again to re-rate from "
          + "the current cost", c);
      return;
    }
    applied.put(key, context.currentSystemTimeMs());
    log.info("Price correction {} for {} at {}: {} nano-USD ({} -> {}; {})", c.getCorrectionId(), series,
        c.getBucketStart(), c.getDifferenceNanoUsd(), c.getOldCostNanoUsd(), c.getNewCostNanoUsd(), c.getReason());
    context.forward(new Record<Object, Object>(c.getTeam(), new LedgerCorrection(series, bucket,
        c.getDifferenceNanoUsd()), bucket), ledgerChild);
    context.forward(new Record<Object, Object>(c.getTeam(), c, record.timestamp()), appliedChild);
  }
}
