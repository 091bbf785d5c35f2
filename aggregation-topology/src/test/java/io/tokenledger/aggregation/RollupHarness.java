package io.tokenledger.aggregation;

import io.tokenledger.aggregation.pricing.PricedUsage;
import io.tokenledger.aggregation.window.FineTotals;
import io.tokenledger.aggregation.window.RollupAggregator;
import io.tokenledger.aggregation.window.WindowSet;
import io.tokenledger.platform.streams.ObjectWindowStore;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The per-team rollup alone, on a {@link MockProcessorContext} with in-memory stores: for what
 * a topology test cannot do, such as initialising the same processor instance twice or counting
 * how a store is read. Settings are the production defaults.
 */
final class RollupHarness {
  final RollupAggregator.Settings settings;
  final MockProcessorContext<Object, Object> context;
  /** Range reads ({@code fetchAll} over a time span) of the minute windows' store. */
  final AtomicInteger fineRangeReads = new AtomicInteger();
  private final List<String> stores = new java.util.ArrayList<>();

  RollupHarness(Instant wallClock) throws Exception {
    this(wallClock, AggregationSettings.defaults().closeChunk());
  }

  /** With minutes closed {@code closeChunk} windows at a time. */
  RollupHarness(Instant wallClock, int closeChunk) throws Exception {
    AggregationSettings defaults = AggregationSettings.defaults();
    settings = new RollupAggregator.Settings(AggregationApp.fine(defaults), AggregationApp.derived(defaults),
        AggregationApp.ledgers(), AggregationApp.ROLLUP_PROGRESS_STORE, AggregationApp.LATE_SINK,
        AggregationApp.PARTIALS_SINK, defaults.grace(), defaults.liveEmitInterval(), defaults.seriesEmitInterval(),
        defaults.idleAdvance(), closeChunk);
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "rollup-harness");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    context = new MockProcessorContext<>(config, new TaskId(0, 0), Files.createTempDirectory("rollup").toFile());
    context.setCurrentSystemTimeMs(wallClock.toEpochMilli());
    add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(AggregationApp.ROLLUP_PROGRESS_STORE),
        Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
    add(ObjectWindowStore.over(countingRangeReads(Stores.windowStoreBuilder(Stores.inMemoryWindowStore(
        settings.fine().store(), settings.fine().retention(), settings.fine().size(), false), Serdes.String(),
        FineTotals.VALUES.serde()).withLoggingDisabled().build()), FineTotals.VALUES.serde(),
        settings.fine().size().toMillis()));
    for (WindowSet.Spec spec : settings.derived()) {
      add(windowStore(spec, WindowSet.TOTALS.serde()));
    }
    for (WindowSet.Spec spec : settings.ledgers()) {
      add(windowStore(spec, WindowSet.TOTALS.serde()));
    }
  }

  /** A rollup with these settings, initialised on this context. */
  RollupAggregator startRollup() {
    RollupAggregator rollup = new RollupAggregator(settings);
    rollup.init(context);
    return rollup;
  }

  private void add(StateStore store) {
    stores.add(store.name());
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  private static <V> WindowStore<String, V> windowStore(WindowSet.Spec spec, Serde<V> serde) {
    return ObjectWindowStore.builder(Stores.inMemoryWindowStore(spec.store(), spec.retention(), spec.size(), false),
        serde).withLoggingDisabled().build();
  }

  /** What a commit does to the stores: every value held by an object store written to the store below. */
  void commit() {
    for (String name : stores) {
      if (context.getStateStore(name) instanceof CachedStateStore<?, ?> cached) {
        cached.flushCache();
      }
    }
  }

  /** The same store, counting its time-range reads of all keys. */
  @SuppressWarnings("unchecked")
  private <V> WindowStore<String, V> countingRangeReads(WindowStore<String, V> store) {
    return (WindowStore<String, V>) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {WindowStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("fetchAll") || method.getName().equals("backwardFetchAll")) {
            fineRangeReads.incrementAndGet();
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  static Record<String, Object> usage(UsageEvent event) {
    return new Record<>(event.getTeam(), new PricedUsage(event, io.tokenledger.schemas.models.ProviderModel.of(event.getProvider(), event.getModel()), 0L, true),
        event.getEventTime().toEpochMilli());
  }

  /** Runs the emit punctuator scheduled by the processor's latest {@code init}, {@code seconds} later. */
  void emit(int seconds) {
    var punctuators = context.scheduledPunctuators();
    long now = context.currentSystemTimeMs() + Duration.ofSeconds(seconds).toMillis();
    context.setCurrentSystemTimeMs(now);
    punctuators.get(punctuators.size() - 1).getPunctuator().punctuate(now);
  }

  /** The records forwarded to a sink since the last call; what went to other sinks is forgotten. */
  List<UsageAggregate> take(String sink) {
    List<UsageAggregate> records = context.forwarded().stream()
        .filter(f -> f.childName().orElse("").equals(sink))
        .map(f -> (UsageAggregate) f.record().value()).toList();
    context.resetForwards();
    return records;
  }
}
