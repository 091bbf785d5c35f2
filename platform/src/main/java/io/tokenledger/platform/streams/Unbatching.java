package io.tokenledger.platform.streams;

import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Passes on each value of a record read as a list (a batch record, or a single one as a list of
 * one: {@code RecordBatches.deserializer()}) as a record of its own, with the record's key and
 * timestamp, so the processors after it see one value per record whichever way it came.
 */
public final class Unbatching<K, V> implements Processor<K, List<V>, K, V> {
  private ProcessorContext<K, V> context;

  @Override
  public void init(ProcessorContext<K, V> context) {
    this.context = context;
  }

  @Override
  public void process(Record<K, List<V>> record) {
    if (record.value() == null) {
      context.forward(record.withValue(null));
      return;
    }
    for (V value : record.value()) {
      context.forward(record.withValue(value));
    }
  }
}
