package io.tokenledger.economics.figures;

import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.report.EconomicsReport;
import io.tokenledger.schemas.WorkflowEconomics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sums the deltas of one {@link EconomicsKey} (all of a workflow's teams meet here) and
 * publishes the changed keys' figures, with their verdict and advice, every emit interval: the
 * published record is a pure function of the stored sums. Which keys changed is kept in a
 * changelogged store, in the same transaction as the sums, so after a crash every figure not
 * yet published is published, and the topic converges to the store.
 */
public final class FiguresRollup implements Processor<String, byte[], String, WorkflowEconomics> {
  private final String storeName;
  private final String dirtyStoreName;
  private final EconomicsSettings settings;
  private KeyValueStore<String, Figures> figures;
  private KeyValueStore<String, Long> dirty;
  private ProcessorContext<String, WorkflowEconomics> context;

  public FiguresRollup(String storeName, String dirtyStoreName, EconomicsSettings settings) {
    this.storeName = storeName;
    this.dirtyStoreName = dirtyStoreName;
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, WorkflowEconomics> context) {
    this.context = context;
    figures = context.getStateStore(storeName);
    dirty = context.getStateStore(dirtyStoreName);
    context.schedule(settings.emitInterval(), PunctuationType.WALL_CLOCK_TIME, this::publishChanged);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Delta delta = Delta.fromBytes(record.value());
    Figures before = figures.get(record.key());
    figures.put(record.key(), (before == null ? Figures.EMPTY : before).plus(delta));
    dirty.put(record.key(), record.timestamp());
  }

  private void publishChanged(long now) {
    List<KeyValue<String, Long>> changed = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = dirty.all()) {
      it.forEachRemaining(changed::add);
    }
    for (KeyValue<String, Long> key : changed) {
      Figures current = figures.get(key.key);
      if (current != null) {
        context.forward(new Record<>(key.key, EconomicsReport.of(EconomicsKey.parse(key.key), current, settings), now));
      }
      dirty.delete(key.key);
    }
  }
}
