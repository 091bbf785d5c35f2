package io.tokenledger.economics.figures;

import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.report.EconomicsReport;
import io.tokenledger.schemas.WorkflowEconomics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sums the deltas of one {@link EconomicsKey} (all of a workflow's teams meet here) and
 * publishes the figures with their verdict and advice after each change: the published record
 * is always a pure function of the stored sums, so it converges to the store after a crash.
 */
public final class FiguresRollup implements Processor<String, byte[], String, WorkflowEconomics> {
  private final String storeName;
  private final EconomicsSettings settings;
  private KeyValueStore<String, Figures> figures;
  private ProcessorContext<String, WorkflowEconomics> context;

  public FiguresRollup(String storeName, EconomicsSettings settings) {
    this.storeName = storeName;
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, WorkflowEconomics> context) {
    this.context = context;
    figures = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Delta delta = Delta.fromBytes(record.value());
    Figures before = figures.get(record.key());
    Figures after = (before == null ? Figures.EMPTY : before).plus(delta);
    figures.put(record.key(), after);
    context.forward(record.withValue(EconomicsReport.of(EconomicsKey.parse(record.key()), after, settings)));
  }
}
