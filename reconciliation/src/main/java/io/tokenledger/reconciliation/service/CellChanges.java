package io.tokenledger.reconciliation.service;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.reconciliation.LedgerCells;
import io.tokenledger.schemas.UsageAggregate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The ledger's running bucket totals as changes of cells: a bucket's parts now minus its parts
 * when last seen (both split at the catalog's prices now, so a bucket's parts always sum to its
 * total), each non-zero change forwarded keyed by cell and team. Runs per team partition; the
 * changes go to one partition, where every team's are summed.
 */
final class CellChanges implements Processor<String, UsageAggregate, String, byte[]> {
  private final String seenStore;
  private final PriceBook catalog;
  private ProcessorContext<String, byte[]> context;
  private WindowStore<String, UsageAggregate> seen;

  CellChanges(String seenStore, PriceBook catalog) {
    this.seenStore = seenStore;
    this.catalog = catalog;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.seen = context.getStateStore(seenStore);
  }

  @Override
  public void process(Record<String, UsageAggregate> record) {
    UsageAggregate bucket = record.value();
    if (bucket == null || record.key() == null) {
      return;
    }
    long start = bucket.getWindowStart().toEpochMilli();
    UsageAggregate previous = seen.fetch(bucket.getScope(), start);
    Map<String, LedgerCells.Contribution> changes = new LinkedHashMap<>();
    for (LedgerCells.Contribution now : LedgerCells.contributions(bucket, catalog)) {
      changes.put(CellCodec.key(now.cell(), now.team()), now);
    }
    if (previous != null) {
      for (LedgerCells.Contribution before : LedgerCells.contributions(previous, catalog)) {
        String key = CellCodec.key(before.cell(), before.team());
        LedgerCells.Contribution now = changes.get(key);
        LedgerCells.Contribution zero = new LedgerCells.Contribution(before.cell(), before.team(), 0, 0, 0);
        changes.put(key, (now == null ? zero : now).minus(before));
      }
    }
    seen.put(bucket.getScope(), bucket, start);
    for (Map.Entry<String, LedgerCells.Contribution> change : changes.entrySet()) {
      LedgerCells.Contribution c = change.getValue();
      if (!c.isZero()) {
        context.forward(new Record<>(change.getKey(), CellCodec.value(c.tokens(), c.nanoUsd(), c.events()),
            record.timestamp()));
      }
    }
  }

  static List<String> stores(String seenStore) {
    return List.of(seenStore);
  }
}
