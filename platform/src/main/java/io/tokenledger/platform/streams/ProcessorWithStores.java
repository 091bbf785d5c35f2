package io.tokenledger.platform.streams;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A processor supplier that declares the stores its processors own, so that adding the
 * processor to a topology adds and connects them (Kafka Streams' {@code ConnectedStoreProvider}):
 * a processor's stores are named where the processor is, not again where the topology is built.
 */
public final class ProcessorWithStores {
  private ProcessorWithStores() {}

  public static <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> of(
      Supplier<Processor<KIn, VIn, KOut, VOut>> processors, List<StoreBuilder<?>> stores) {
    Set<StoreBuilder<?>> owned = new LinkedHashSet<>(stores);
    return new ProcessorSupplier<>() {
      @Override
      public Processor<KIn, VIn, KOut, VOut> get() {
        return processors.get();
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return owned;
      }
    };
  }
}
