package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.topics.SeriesKey;

/** A re-rating's difference for one series' 15-minute ledger bucket, on its way to the ledgers. */
public record LedgerCorrection(SeriesKey series, long bucketStart, long differenceNanoUsd) {
  /** The difference as totals: cost only, no events or tokens (they were counted when they came). */
  Totals totals() {
    Totals t = new Totals();
    t.costNanoUsd = differenceNanoUsd;
    return t;
  }
}
