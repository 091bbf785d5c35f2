package io.tokenledger.aggregation;

import static io.tokenledger.aggregation.AggregationTopologyTest.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.aggregation.pricing.PricedUsage;
import io.tokenledger.aggregation.window.FineTotals;
import io.tokenledger.aggregation.window.RollupAggregator;
import io.tokenledger.aggregation.window.WindowSet;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Kafka Streams re-initialises the same processor instance when it revives a corrupted task
 * (closed dirty, stores rebuilt from their changelogs, {@code init} called again). The rollup
 * must then start from its stores alone: windows opened again next to the old ones would add
 * every later delta twice.
 */
class RollupReinitTest {
  private static final Instant T0 = Instant.parse("2026-11-02T12:00:00Z");

  @Test
  void aRevivedRollupCountsEachLaterEventOnce() throws Exception {
    AggregationSettings settings = AggregationSettings.defaults();
    RollupAggregator.Settings rollup = new RollupAggregator.Settings(AggregationApp.fine(settings),
        AggregationApp.derived(settings), AggregationApp.ledgers(), AggregationApp.ROLLUP_PROGRESS_STORE,
        AggregationApp.LATE_SINK, AggregationApp.PARTIALS_SINK, settings.grace(), settings.liveEmitInterval(),
        settings.detailEmitInterval(), settings.idleAdvance());
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "rollup-reinit-test");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0),
        Files.createTempDirectory("rollup-reinit").toFile());
    context.setCurrentSystemTimeMs(T0.toEpochMilli());
    List<StateStore> stores = new ArrayList<>();
    stores.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(AggregationApp.ROLLUP_PROGRESS_STORE),
        Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
    stores.add(windowStore(rollup.fine(), FineTotals.VALUES.serde()));
    for (WindowSet.Spec spec : rollup.derived()) {
      stores.add(windowStore(spec, WindowSet.TOTALS.serde()));
    }
    for (WindowSet.Spec spec : rollup.ledgers()) {
      stores.add(windowStore(spec, WindowSet.TOTALS.serde()));
    }
    for (StateStore store : stores) {
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }

    RollupAggregator processor = new RollupAggregator(rollup);
    processor.init(context);
    processor.process(usage(event("before", "support", "gpt-4o", T0.plusSeconds(1), 1_000, 0, 0)));
    emit(context, 1);
    assertEquals(List.of(1_000L), teamMinute(context));

    processor.close();
    processor.init(context); // what a revived task does, with the stores as their changelogs left them
    processor.process(usage(event("after", "support", "gpt-4o", T0.plusSeconds(2), 2_000, 0, 0)));
    emit(context, 1); // the punctuator of the second init

    assertEquals(List.of(3_000L), teamMinute(context), "1,000 + 2,000, the second event once");
  }

  private static StateStore windowStore(WindowSet.Spec spec, org.apache.kafka.common.serialization.Serde<?> serde) {
    return Stores.windowStoreBuilder(Stores.inMemoryWindowStore(spec.store(), spec.retention(), spec.size(), false),
        Serdes.String(), serde).withLoggingDisabled().build();
  }

  private static Record<String, Object> usage(UsageEvent event) {
    return new Record<>(event.getTeam(), new PricedUsage(event, event.getModel(), 0L, true),
        event.getEventTime().toEpochMilli());
  }

  /** Runs the emit punctuator scheduled by the latest {@code init}. */
  private static void emit(MockProcessorContext<Object, Object> context, int seconds) {
    var punctuators = context.scheduledPunctuators();
    long now = context.currentSystemTimeMs() + Duration.ofSeconds(seconds).toMillis();
    context.setCurrentSystemTimeMs(now);
    punctuators.get(punctuators.size() - 1).getPunctuator().punctuate(now);
  }

  /** The live team-1m records forwarded since the last call, as input tokens. */
  private static List<Long> teamMinute(MockProcessorContext<Object, Object> context) {
    List<Long> tokens = context.forwarded().stream()
        .filter(f -> f.childName().orElse("").equals("team-1m-sink"))
        .map(f -> ((UsageAggregate) f.record().value()).getUncachedInputTokens()).toList();
    context.resetForwards();
    return tokens;
  }
}
