package io.tokenledger.reconciliation.service;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.reconciliation.DifferenceClass;
import io.tokenledger.reconciliation.Finding;
import io.tokenledger.reconciliation.LedgerCells;
import io.tokenledger.reconciliation.Reconciliation;
import io.tokenledger.reconciliation.mapping.BillMap;
import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.BillMapping;
import io.tokenledger.schemas.ReconciliationAlert;
import io.tokenledger.schemas.ReconciliationState;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every team's cells of the ledger, summed in one task; on a wall-clock schedule, each closed
 * day of the lookback with a bill is reconciled, and a provider's day whose unexplained share of
 * the bill passes the threshold is raised (once; cleared when it no longer does).
 */
final class DailyCells implements Processor<String, byte[], String, ReconciliationAlert> {
  private static final Logger log = LoggerFactory.getLogger(DailyCells.class);

  /** The stores it reads and writes. */
  record Names(String cells, String announced, String bills, String mappings) {}

  private final Names names;
  private final PriceBook catalog;
  private final ReconciliationSettings settings;
  private ProcessorContext<String, ReconciliationAlert> context;
  private KeyValueStore<String, byte[]> cells;
  private KeyValueStore<String, byte[]> announced;
  private KeyValueStore<String, BillLine> bills;
  private KeyValueStore<String, BillMapping> mappings;

  DailyCells(Names names, PriceBook catalog, ReconciliationSettings settings) {
    this.names = names;
    this.catalog = catalog;
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, ReconciliationAlert> context) {
    this.context = context;
    cells = context.getStateStore(names.cells());
    announced = context.getStateStore(names.announced());
    bills = context.getStateStore(names.bills());
    mappings = context.getStateStore(names.mappings());
    context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::check);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    long[] change = CellCodec.sums(record.value());
    byte[] current = cells.get(record.key());
    long[] sums = current == null ? new long[3] : CellCodec.sums(current);
    for (int i = 0; i < 3; i++) {
      sums[i] = Math.addExact(sums[i], change[i]);
    }
    if (sums[0] == 0 && sums[1] == 0 && sums[2] == 0) {
      cells.delete(record.key());
    } else {
      cells.put(record.key(), CellCodec.value(sums[0], sums[1], sums[2]));
    }
  }

  /** Reconciles the closed days of the lookback, month by month, and raises or clears each provider's day. */
  void check(long wallClock) {
    LocalDate today = Instant.ofEpochMilli(wallClock).atOffset(ZoneOffset.UTC).toLocalDate();
    LocalDate first = today.minusDays(Math.max(1, settings.lookback().toDays()));
    TreeSet<YearMonth> months = new TreeSet<>();
    for (LocalDate d = first; d.isBefore(today); d = d.plusDays(1)) {
      months.add(YearMonth.from(d));
    }
    for (YearMonth month : months) {
      Reconciliation.Report report = report(month, null);
      // Each provider's days the bill covers, once.
      Map<String, java.util.Set<String>> providersByDay = new java.util.TreeMap<>();
      report.rows().forEach(r -> providersByDay.computeIfAbsent(r.cell().day(), d -> new TreeSet<>())
          .add(r.cell().provider()));
      providersByDay.forEach((day, providers) -> {
        LocalDate date = LocalDate.parse(day);
        if (!date.isBefore(first) && date.isBefore(today)) {
          providers.forEach(provider -> decide(report, day, provider, wallClock));
        }
      });
    }
  }

  private void decide(Reconciliation.Report report, String day, String provider, long wallClock) {
    Reconciliation.Summary s = Reconciliation.summaryOf(report, day, provider);
    boolean above = s.unexplainedShare().compareTo(settings.thresholdShare()) > 0;
    String key = CellCodec.dayKey(day, provider);
    byte[] last = announced.get(key);
    boolean wasAbove = last != null && ByteBuffer.wrap(last).get(0) == 1;
    int count = last == null ? 0 : ByteBuffer.wrap(last).getInt(1);
    if (above == wasAbove || !above && last == null) {
      return;
    }
    count++;
    announced.put(key, ByteBuffer.allocate(5).put((byte) (above ? 1 : 0)).putInt(count).array());
    Map<String, String> explained = new LinkedHashMap<>();
    s.byClass().forEach((kind, amount) -> {
      if (kind != DifferenceClass.UNEXPLAINED && amount.signum() != 0) {
        explained.put(kind.words(), amount.toPlainString());
      }
    });
    String largest = report.findings().stream().filter(f -> f.kind() == DifferenceClass.UNEXPLAINED
        && f.cell().day().equals(day) && f.cell().provider().equals(provider))
        .max(Comparator.comparing((Finding f) -> f.amountUsd().abs())).map(f -> f.cell().model() + " " + f.cell().type()
            + ": " + f.detail()).orElse(null);
    ReconciliationAlert alert = ReconciliationAlert.newBuilder()
        .setAlertId(provider + "/" + day + "/reconciliation/" + count).setProvider(provider)
        .setTeam(settings.alertTeam()).setDay(day)
        .setState(above ? ReconciliationState.UNEXPLAINED_ABOVE_THRESHOLD : ReconciliationState.WITHIN_THRESHOLD)
        .setBilledUsd(s.billedUsd().toPlainString()).setOursUsd(s.ourCostUsd().toPlainString())
        .setUnexplainedUsd(s.amount(DifferenceClass.UNEXPLAINED).toPlainString())
        .setUnexplainedShare(s.unexplainedShare().stripTrailingZeros().toPlainString())
        .setThresholdShare(settings.thresholdShare().stripTrailingZeros().toPlainString())
        .setExplained(explained).setLargestUnexplained(largest).setRaisedAt(Instant.ofEpochMilli(wallClock)).build();
    log.info("The {} bill of {} has {} USD unexplained ({} of the bill, threshold {}): {}", provider, day,
        alert.getUnexplainedUsd(), alert.getUnexplainedShare(), alert.getThresholdShare(), alert.getState());
    context.forward(new Record<>(provider, alert, wallClock));
  }

  /** The month's reconciliation from this task's stores. */
  Reconciliation.Report report(YearMonth month, String provider) {
    return reconcile(month, provider, cells, bills, mappings, catalog, settings);
  }

  static Reconciliation.Report reconcile(YearMonth month, String provider,
      org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, byte[]> cells,
      org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, BillLine> bills,
      org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, BillMapping> mappings, PriceBook catalog,
      ReconciliationSettings settings) {
    List<LedgerCells.Contribution> parts = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = cells.prefixScan(CellCodec.monthPrefix(month),
        new org.apache.kafka.common.serialization.StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        parts.add(CellCodec.contribution(kv.key, kv.value));
      }
    }
    String prefix = month.toString();
    List<BillLine> lines = new ArrayList<>();
    try (KeyValueIterator<String, BillLine> it = bills.all()) {
      while (it.hasNext()) {
        BillLine line = it.next().value;
        if (line != null && line.getDay().startsWith(prefix)) {
          lines.add(line);
        }
      }
    }
    List<BillMapping> map = new ArrayList<>();
    try (KeyValueIterator<String, BillMapping> it = mappings.all()) {
      it.forEachRemaining(kv -> map.add(kv.value));
    }
    return Reconciliation.reconcile(month, provider, LedgerCells.of(parts), catalog, lines, new BillMap(map),
        settings.tolerance());
  }

}
