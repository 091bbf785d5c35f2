package io.tokenledger.economics.items;

import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.baseline.BaselineBook;
import io.tokenledger.economics.baseline.HumanCost;
import io.tokenledger.economics.figures.Counters;
import io.tokenledger.economics.figures.Delta;
import io.tokenledger.economics.figures.EconomicsKey;
import io.tokenledger.platform.streams.IntakeGate;
import io.tokenledger.schemas.deadletters.DeadLetterReason;
import io.tokenledger.platform.streams.LedgerDifferences;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.schemas.validation.OutcomeValidator;
import io.tokenledger.schemas.validation.UsageValidator;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
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
 * The economics of one team partition: work items from usage and outcomes, spend from the
 * (team, workflow, model) ledger. Every change leaves as {@link Delta}s, keyed by
 * {@link EconomicsKey}, for each calendar the figures are kept in: an item's old contribution
 * taken back, its new one added, so late outcomes, corrections and time-outs move figures by
 * the difference. Spend is taken from the ledger, never from items, so the economics' AI spend
 * is the aggregates' spend by construction.
 */
public final class ItemTracker implements Processor<Object, Object, Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(ItemTracker.class);
  private static final int MAX_DUE_PER_CHECK = 10_000;
  private static final BigInteger SECONDS_PER_HOUR = BigInteger.valueOf(3_600);
  private static final IntakeGate.Advice OUTCOME_ADVICE = new IntakeGate.Advice("outcome",
      "a correction is a new outcome with a new outcome_id",
      "so that it meets its item's usage; use UsageRecorder.recordOutcome or POST /v1/outcomes",
      "its item's usage is there; produce it keyed by the team with Kafka's default (murmur2) partitioner");

  /** Store, topic and child names, named by the application. */
  public record Names(String items, String deadlines, String ledgerSeen, String baselines, String deltaSink,
      String deadLetterSink) {}

  private final Names names;
  private final EconomicsSettings settings;
  private final int partitions;
  private final IntakeGate<WorkOutcome> outcomeGate;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, ItemState> items;
  private KeyValueStore<String, String> deadlines;
  private LedgerDifferences<Long> ledgerSeen;
  private BaselineBook baselines;

  public ItemTracker(Names names, EconomicsSettings settings, int partitions, Deserializer<WorkOutcome> outcomeDecoder) {
    this.names = names;
    this.settings = settings;
    this.partitions = partitions;
    this.outcomeGate = new IntakeGate<>(outcomeDecoder, outcomeRules(settings.validation().outcomeValidator()),
        OUTCOME_ADVICE, partitions, IntakeGate.Placement.REFUSE, null, names.deadLetterSink());
  }

  /** The stores the tracker owns: items, their deadlines, and the ledger buckets seen. */
  public static List<StoreBuilder<?>> stores(Names names) {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.items()), Serdes.String(), ItemState.serde()),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.deadlines()), Serdes.String(),
            Serdes.String()),
        LedgerDifferences.store(names.ledgerSeen(), Serdes.Long()));
  }

  private static IntakeGate.Rules<WorkOutcome> outcomeRules(OutcomeValidator validator) {
    return new IntakeGate.Rules<>(WorkOutcome::getTeam, WorkOutcome::getOutcomeId,
        (outcome, producedAt) -> UsageValidator.describeOrNull(validator.validate(outcome, producedAt)));
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    items = context.getStateStore(names.items());
    deadlines = context.getStateStore(names.deadlines());
    ledgerSeen = new LedgerDifferences<>(context.getStateStore(names.ledgerSeen()), LedgerDifferences.COST);
    KeyValueStore<String, HumanBaseline> versions = context.getStateStore(names.baselines());
    baselines = new BaselineBook(versions);
    context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<Object, Object> record) {
    if (record.value() instanceof UsageAggregate bucket) {
      spend((String) record.key(), bucket);
    } else if (record.value() instanceof PricedUsageEvent event) {
      usage(event);
    } else {
      @SuppressWarnings("unchecked")
      Record<byte[], byte[]> raw = (Record<byte[], byte[]>) (Record<?, ?>) record;
      outcome(raw);
    }
  }

  private void usage(PricedUsageEvent event) {
    // A model is as its provider sells it: one model from two providers is two models here.
    String model = ProviderModel.of(event.getProvider(), event.getPricedModel(), event.getServiceTier()).toString();
    long time = event.getEventTime().toEpochMilli();
    if (event.getWorkItemId() != null) {
      String key = itemKey(event.getTeam(), event.getWorkItemId());
      ItemState before = items.get(key);
      ItemState base = before != null ? before : ItemState.started(event.getWorkflow());
      change(event.getTeam(), key, before, base.withCall(model, time, cost(event), event.getVariant()));
    } else if (event.getOutcomeSuccess() != null) {
      // A call without an item that reports its own outcome is a one-call item.
      String key = itemKey(event.getTeam(), "call:" + event.getEventId());
      ItemState before = items.get(key);
      boolean success = event.getOutcomeSuccess();
      long units = success ? Math.max(1, event.getOutcomeUnits() == null ? 1 : event.getOutcomeUnits()) : 0;
      ItemState called = (before != null ? before : ItemState.started(event.getWorkflow())).withCall(model, time,
          cost(event), event.getVariant());
      String unit = event.getOutcomeUnit() == null ? "call" : event.getOutcomeUnit();
      Optional<ItemState> outcome = representable(() -> valued(called, event.getTeam(),
          success ? ItemState.Status.SUCCEEDED : ItemState.Status.FAILED, time, unit, units, 0, null, -1));
      if (outcome.isEmpty()) {
        // The aggregation counts the call's spend; its outcome cannot be valued, so the call is kept without it.
        log.error("The outcome of usage event {} (team {}, workflow {}) is not counted: {} units valued at a "
            + "person's cost exceed what the figures hold; check outcome_units and the baseline",
            event.getEventId(), event.getTeam(), event.getWorkflow(), units);
        io.tokenledger.platform.metrics.ServiceMeters.counter("tokenledger.economics.outcomes.unrepresentable",
            "Outcomes whose value exceeds what the figures hold, not counted").increment();
        change(event.getTeam(), key, before, called);
        return;
      }
      change(event.getTeam(), key, before, outcome.get());
    }
  }

  private void outcome(Record<byte[], byte[]> record) {
    IntakeGate.Admitted<WorkOutcome> admitted = outcomeGate.admit(context, record);
    if (admitted == null) {
      return;
    }
    WorkOutcome outcome = admitted.value();
    String key = itemKey(outcome.getTeam(), outcome.getWorkItemId());
    ItemState before = items.get(key);
    long time = outcome.getEventTime().toEpochMilli();
    if (before != null && before.reported() && before.outcomeTime() > time) {
      return; // an older outcome than the one in force: the later one stands
    }
    ItemState base = before != null ? before : ItemState.started(outcome.getWorkflow());
    Optional<ItemState> after = representable(() -> valued(base, outcome.getTeam(),
        ItemState.Status.valueOf(outcome.getStatus().name()), time, outcome.getOutcomeUnit(),
        outcome.getUnitsDelivered(), outcome.getHumanSeconds(), outcome.getVariant(),
        outcome.getQualityScorePercent() == null ? -1 : outcome.getQualityScorePercent()));
    if (after.isEmpty()) {
      outcomeGate.reject(context, record, DeadLetterReason.NOT_REPRESENTABLE, "units_delivered "
          + outcome.getUnitsDelivered() + " and human_seconds "
          + outcome.getHumanSeconds() + " valued with the person's baseline for " + outcome.getWorkflow() + "/"
          + outcome.getOutcomeUnit() + " exceed what the figures hold (" + Long.MAX_VALUE + " nano-USD); check the "
          + "outcome's units and the baseline's seconds per unit and success rate", outcome);
      return;
    }
    change(outcome.getTeam(), key, before, after.get());
  }

  /**
   * The valued item when its figures fit the longs of nano-USD they are kept in; empty when they
   * do not (a million units at a person's cost at a 1 bp success rate does not). Checked before
   * any store is written, so that a refused outcome leaves no trace.
   */
  private static Optional<ItemState> representable(java.util.function.Supplier<ItemState> valuing) {
    try {
      ItemState item = valuing.get();
      item.contribution();
      return Optional.of(item);
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** The outcome valued with the baseline in force at its time. */
  private ItemState valued(ItemState item, String team, ItemState.Status status, long time, String unit, long units,
      long humanSeconds, String variant, int qualityScore) {
    Optional<HumanBaseline> baseline = baselines.inForce(item.workflow(), team, unit, time);
    long humanLoop = baseline.map(b -> BigInteger.valueOf(humanSeconds)
        .multiply(BigInteger.valueOf(b.getLoadedCostNanoUsdPerHour()))
        .add(SECONDS_PER_HOUR.shiftRight(1)).divide(SECONDS_PER_HOUR).longValueExact()).orElse(0L);
    long perUnit = baseline.map(HumanCost::perSuccessfulUnitNanoUsd).orElse(-1L);
    ItemState.Person person = baseline.map(b -> new ItemState.Person(
        b.getTurnaroundSecondsPerUnit() == null ? -1 : b.getTurnaroundSecondsPerUnit(),
        b.getQualityScorePercent() == null ? -1 : b.getQualityScorePercent(), b.getTimeLossAllowedPercent(),
        b.getQualityLossAllowedPoints())).orElse(ItemState.Person.UNKNOWN);
    return item.withOutcome(status, time, unit, units, humanSeconds, humanLoop, perUnit, variant, qualityScore, person);
  }

  /** The call's priced cost; an unpriced call adds nothing to its item's spend (the ledger says it is unpriced). */
  private static long cost(PricedUsageEvent event) {
    return event.getCostNanoUsd() == null ? 0 : event.getCostNanoUsd();
  }

  private void spend(String seriesKey, UsageAggregate bucket) {
    long bucketStart = bucket.getWindowStart().toEpochMilli();
    Long delta = ledgerSeen.difference(seriesKey, bucketStart, bucket.getCostNanoUsd(), bucketStart);
    if (delta == null) {
      return;
    }
    SeriesKey series = SeriesKey.parse(seriesKey);
    emit(series.team(), series.workflow(), series.providerModel().toString(), null, bucketStart,
        Counters.spend(delta));
  }

  private void change(String team, String key, ItemState before, ItemState after) {
    if (before != null) {
      deadlines.delete(deadlineKey(deadline(before), key));
    }
    items.put(key, after);
    deadlines.put(deadlineKey(deadline(after), key), key);
    Counters added = after.contribution();
    Change addition = new Change(after.workflow(), after.startedAt(),
        new Delta(after.model(), after.unit(), after.variant(), added, after.turnarounds()));
    if (before == null) {
      emit(team, List.of(addition));
      return;
    }
    Counters taken = before.contribution();
    if (before.model().equals(after.model()) && before.startedAt() == after.startedAt()
        && java.util.Objects.equals(before.variant(), after.variant())) {
      Counters difference = added.minus(taken);
      io.tokenledger.economics.figures.Turnarounds moved = after.turnarounds().minus(before.turnarounds());
      if (!difference.isZero() || !moved.isEmpty() || !java.util.Objects.equals(before.unit(), after.unit())) {
        emit(team, List.of(new Change(after.workflow(), after.startedAt(),
            new Delta(after.model(), after.unit(), after.variant(), difference, moved))));
      }
    } else {
      // A move: where old and new fall under one key they travel in one record, so that a query
      // of the figures never finds the item taken back and not yet added.
      emit(team, List.of(new Change(before.workflow(), before.startedAt(),
          new Delta(before.model(), before.unit(), before.variant(), taken.negated(), before.turnarounds().negated())),
          addition));
    }
  }

  /** A change of one workflow's figures at one time. */
  private record Change(String workflow, long time, Delta delta) {}

  private void emit(String team, String workflow, String model, String unit, long time, Counters counters) {
    emit(team, List.of(new Change(workflow, time, new Delta(model, unit, counters))));
  }

  /** Per calendar and scope (the team's share and the workflow across teams), one record per key. */
  private void emit(String team, List<Change> changes) {
    Map<String, List<Delta>> byKey = new LinkedHashMap<>();
    for (Change change : changes) {
      Instant at = Instant.ofEpochMilli(change.time());
      for (ZoneId zone : settings.zones()) {
        for (EconomicsPeriod period : EconomicsPeriod.values()) {
          CalendarPeriods.Period calendar = CalendarPeriods.containing(
              period == EconomicsPeriod.DAY ? BudgetPeriod.DAY : BudgetPeriod.MONTH, zone, at);
          for (String scope : new String[] {team, null}) {
            String key = new EconomicsKey(period, zone, calendar.firstDay(), change.workflow(), scope).toString();
            byKey.computeIfAbsent(key, k -> new ArrayList<>(2)).add(change.delta());
          }
        }
      }
    }
    // Stamped when written, not with the item's time: the deltas topic keeps a week, and the broker
    // deletes by record time, so a late outcome of a month-old item would be gone before it is read.
    long written = context.currentSystemTimeMs();
    byKey.forEach((key, deltas) ->
        context.forward(new Record<Object, Object>(key, Delta.toBytes(deltas), written), names.deltaSink()));
  }

  /** Open items time out after the horizon; every item is forgotten after the retention. */
  private long deadline(ItemState item) {
    return item.status() == ItemState.Status.OPEN
        ? item.lastActivity() + settings.abandonAfter().toMillis()
        : item.lastActivity() + settings.retain().toMillis();
  }

  private void expire(long now) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.range(deadlineKey(0, ""), deadlineKey(now, "\uffff"))) {
      while (it.hasNext() && due.size() < MAX_DUE_PER_CHECK) {
        due.add(it.next());
      }
    }
    for (KeyValue<String, String> entry : due) {
      deadlines.delete(entry.key);
      ItemState item = items.get(entry.value);
      if (item == null || deadline(item) > now) {
        continue; // moved on since, and filed under its new deadline
      }
      if (item.status() == ItemState.Status.OPEN) {
        change(SeriesKey.teamOf(entry.value), entry.value, item, item.timedOut());
      } else {
        items.delete(entry.value); // its figures stay; a later outcome starts a new item
      }
    }
  }

  private static String itemKey(String team, String itemId) {
    return team + '|' + itemId;
  }

  private static String deadlineKey(long deadline, String itemKey) {
    return String.format("%019d|%s", Math.max(0, deadline), itemKey);
  }
}
