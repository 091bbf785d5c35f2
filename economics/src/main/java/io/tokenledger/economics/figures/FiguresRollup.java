package io.tokenledger.economics.figures;

import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.report.EconomicsReport;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.EconomicsPeriod;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums the deltas of one {@link EconomicsKey} (all of a workflow's teams meet here) and
 * publishes the changed keys' figures, with their verdict and advice, every emit interval: the
 * published record is a pure function of the stored sums. Which keys changed is kept in a
 * changelogged store, in the same transaction as the sums, so after a crash every figure not
 * yet published is published, and the topic converges to the store. Figures of periods older
 * than the retention are deleted (and tombstoned on the topic).
 */
public final class FiguresRollup implements Processor<String, byte[], String, WorkflowEconomics> {
  private static final Logger log = LoggerFactory.getLogger(FiguresRollup.class);
  /** The store of the summed figures, which the queries read. */
  public static final String STORE = "economics-figures-store";
  /** Deletions per check and calendar, so that a first check after a long stop does not stall the task. */
  private static final int MAX_EXPIRED_PER_CHECK = 10_000;
  private final String storeName;
  private final String dirtyStoreName;
  private final EconomicsSettings settings;
  private KeyValueStore<String, Figures> figures;
  private KeyValueStore<String, Long> dirty;
  private ProcessorContext<String, WorkflowEconomics> context;

  /** The stores the rollup owns: the summed figures, and which keys changed since they were published. */
  public static List<StoreBuilder<?>> stores(String storeName, String dirtyStoreName) {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), Figures.serde())
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(dirtyStoreName), Serdes.String(), Serdes.Long())
            .withCachingEnabled());
  }

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
    context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    EconomicsKey key = EconomicsKey.parse(record.key());
    if (key.firstDay().isBefore(horizon(key.period(), key.zone(), context.currentSystemTimeMs()))) {
      log.warn("A change to the figures of {} arrived after they were deleted ({} keeps {} of figures); not counted",
          record.key(), EconomicsSettings.PREFIX + "figures-retention", settings.figuresRetention());
      return;
    }
    Figures sum = figures.get(record.key());
    for (Delta delta : Delta.fromBytes(record.value())) {
      sum = (sum == null ? Figures.EMPTY : sum).plus(delta);
    }
    figures.put(record.key(), sum);
    dirty.put(record.key(), record.timestamp());
  }

  /**
   * The first day of the oldest period of this kind still kept: a period is kept until the
   * retention has passed since it ended.
   */
  private LocalDate horizon(EconomicsPeriod period, ZoneId zone, long now) {
    LocalDate endedBy = Instant.ofEpochMilli(now).minus(settings.figuresRetention()).atZone(zone).toLocalDate();
    return period == EconomicsPeriod.DAY ? endedBy : endedBy.minusMonths(1).plusDays(1);
  }

  /**
   * Deletes the figures of periods that began before the retention, by key range (the keys of a
   * period kind and zone sort by first day), and tombstones them on the topic so that it shrinks too.
   */
  private void expire(long now) {
    for (ZoneId zone : settings.zones()) {
      for (EconomicsPeriod period : EconomicsPeriod.values()) {
        String[] range = EconomicsKey.before(period, zone, horizon(period, zone, now));
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Figures> it = figures.range(range[0], range[1])) {
          while (it.hasNext() && old.size() < MAX_EXPIRED_PER_CHECK) {
            old.add(it.next().key);
          }
        }
        for (String key : old) {
          figures.delete(key);
          dirty.delete(key);
          context.forward(new Record<>(key, null, now));
        }
      }
    }
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
