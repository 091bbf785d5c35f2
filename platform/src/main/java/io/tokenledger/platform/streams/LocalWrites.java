package io.tokenledger.platform.streams;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;

/**
 * How a store below a layer of ours writes a batch of its own records: the restore callback it
 * registers with Kafka Streams (RocksDB's writes each segment's records in one write batch). The
 * layer captures it when it opens the store below, to write many records at once outside a
 * restore as well: one RocksDB write per flush instead of one per record.
 */
final class LocalWrites {
  private StateRestoreCallback callback;

  /**
   * The context to open the store below with: the task's, except that its registration is
   * captured, registered for {@code root}, and replaced by what {@code registerAs} makes of it.
   * With {@code kept}, the store below is told the task runs at least once: Kafka Streams' RocksDB
   * store refuses to open under exactly-once when it was not closed cleanly, while a kept layer
   * writes only committed values to it and answers the offsets itself ({@link StoreOffsetsFile}).
   */
  InternalProcessorContext<?, ?> capturing(InternalProcessorContext<?, ?> real, StateStore root,
      UnaryOperator<StateRestoreCallback> registerAs, boolean kept) {
    Map<String, Object> configs = kept ? atLeastOnce(real.appConfigs()) : null;
    return (InternalProcessorContext<?, ?>) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {InternalProcessorContext.class}, (proxy, method, args) -> {
          if (configs != null && method.getName().equals("appConfigs") && (args == null || args.length == 0)) {
            return configs;
          }
          if (method.getName().equals("register") && args != null && args.length >= 2) {
            Object[] registered = args.clone();
            registered[0] = root;
            callback = (StateRestoreCallback) args[1];
            registered[1] = registerAs.apply(callback);
            return invoke(method, real, registered);
          }
          return invoke(method, real, args);
        });
  }

  private static Map<String, Object> atLeastOnce(Map<String, Object> configs) {
    Map<String, Object> changed = new HashMap<>(configs);
    changed.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    return Collections.unmodifiableMap(changed);
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Whether the store below writes a batch of records at once (else they go through its put, one by one). */
  boolean batching() {
    return callback instanceof RecordBatchingStateRestoreCallback;
  }

  /** Writes the records (the store below's own keys and values) as one batch; only when {@link #batching}. */
  void write(List<ConsumerRecord<byte[], byte[]>> records) {
    ((RecordBatchingStateRestoreCallback) callback).restoreBatch(records);
  }
}
