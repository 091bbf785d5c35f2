package io.tokenledger.aggregation.pricing;

import io.tokenledger.aggregation.window.LedgerCorrection;
import io.tokenledger.aggregation.window.Totals;
import io.tokenledger.platform.streams.DeadLetters;
import io.tokenledger.pricing.Rerating;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.ledger.LedgerBuckets;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.schemas.topics.TeamPartitions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
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

  /** The dead-letter reason of a correction computed from a bucket cost that the bucket no longer has. */
  public static final String STALE = "STALE_CORRECTION";

  private final Deserializer<PriceCorrection> decoder;
  private final String appliedStore;
  private final String ledgerStore;
  private final int partitions;
  private final String ledgerChild;
  private final String deadLetterChild;
  private final String appliedChild;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, Long> applied;
  private ReadOnlyWindowStore<String, Totals> ledger;

  /**
   * @param ledgerStore the (team, workflow, model) period ledger the corrections' old costs were
   *     read from: a correction applies only while its bucket still costs its old cost
   */
  public CorrectionIntake(Deserializer<PriceCorrection> decoder, String appliedStore, String ledgerStore,
      int partitions, String ledgerChild, String appliedChild, String deadLetterChild) {
    this.appliedChild = appliedChild;
    this.decoder = decoder;
    this.appliedStore = appliedStore;
    this.ledgerStore = ledgerStore;
    this.partitions = partitions;
    this.ledgerChild = ledgerChild;
    this.deadLetterChild = deadLetterChild;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    applied = context.getStateStore(appliedStore);
    ledger = context.getStateStore(ledgerStore);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    PriceCorrection c;
    try {
      c = decoder.deserialize(null, record.value());
    } catch (RuntimeException e) {
      reject(record, "NOT_A_CORRECTION", "Value does not decode as a PriceCorrection: " + e.getMessage(), null);
      return;
    }
    if (c == null) {
      reject(record, "TOMBSTONE", "Value is null; a correction is undone by another correction", null);
      return;
    }
    if (!Arrays.equals(c.getTeam().getBytes(StandardCharsets.UTF_8), record.key())) {
      reject(record, "KEY_MISMATCH", "Record key must be the correction's team '" + c.getTeam() + "'", c);
      return;
    }
    int home = TeamPartitions.partitionOf(c.getTeam(), partitions);
    if (context.recordMetadata().map(m -> m.partition() != home).orElse(false)) {
      reject(record, "MISPLACED", "Correction of team '" + c.getTeam() + "' is not in the team's partition " + home
          + "; 'tokenledger prices correct' places it there", c);
      return;
    }
    long bucket = c.getBucketStart().toEpochMilli();
    if (!LedgerBuckets.isStart(bucket) || c.getNewCostNanoUsd() - c.getOldCostNanoUsd() != c.getDifferenceNanoUsd()) {
      reject(record, "INVALID", "bucket_start must be a 15-minute boundary and difference = new - old", c);
      return;
    }
    SeriesKey series = new SeriesKey(c.getTeam(), c.getWorkflow(), c.getModel());
    String key = Rerating.appliedKey(c);
    if (applied.get(key) != null) {
      return; // this bucket of this correction, from this basis, is in the ledgers already
    }
    // Two corrections computed from one published cost (run one after the other while the
    // aggregation lagged) would both apply in full; only one computed from what the bucket costs now may.
    Totals now = ledger.fetch(series.toString(), bucket);
    long current = now == null ? 0 : now.costNanoUsd();
    if (current != c.getOldCostNanoUsd()) {
      reject(record, STALE, "Correction " + c.getCorrectionId() + " of " + series + " at " + c.getBucketStart()
          + " was computed from a cost of " + c.getOldCostNanoUsd() + " nano-USD, but the bucket now costs " + current
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


  private void reject(Record<byte[], byte[]> record, String code, String reason, PriceCorrection c) {
    DeadLetter letter = DeadLetters.of(context, record, code, reason, c == null ? null : c.getCorrectionId(),
        c == null ? null : c.getTeam());
    log.warn("Dead-lettered price correction {}-{}@{} ({}): {}", letter.getSourceTopic(), letter.getSourcePartition(),
        letter.getSourceOffset(), code, reason);
    context.forward(new Record<Object, Object>(record.key(), letter, record.timestamp()), deadLetterChild);
  }
}
