package io.tokenledger.alerting.commitment;

import io.tokenledger.pricing.capacity.CommitmentDrawdown;
import io.tokenledger.schemas.CommitmentAlert;
import io.tokenledger.schemas.CommitmentAlertState;
import io.tokenledger.schemas.Commitment;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.JsonArrayKeys;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Watches every committed-spend agreement's running period for a shortfall: each provider's day
 * of usage at list (the cross-team model day aggregates, re-keyed by provider into one partition,
 * so one task sees them all) and the agreements come in; on the wall clock, each agreement's
 * period is projected as {@link CommitmentDrawdown#outlook} does, and a {@link CommitmentAlert}
 * is published when the period is on pace to leave at least the configured share of its amount
 * unused, and again when it no longer is. One alert per change, with a stable id.
 */
public final class CommitmentWatch implements Processor<String, Object, String, CommitmentAlert> {
  /** The stores and the sink, by name. */
  public record Names(String days, String commitments, String alerts, String sink) {}

  private final Names names;
  private final CommitmentWatchSettings settings;
  private ProcessorContext<String, CommitmentAlert> context;
  private KeyValueStore<String, Long> days;
  private KeyValueStore<String, Commitment> commitments;
  private KeyValueStore<String, CommitmentAlert> alerts;

  public CommitmentWatch(Names names, CommitmentWatchSettings settings) {
    this.names = names;
    this.settings = settings;
  }

  public static List<StoreBuilder<?>> stores(Names names, Serde<Commitment> commitment, Serde<CommitmentAlert> alert) {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.days()), Serdes.String(), Serdes.Long()),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.commitments()), Serdes.String(), commitment),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.alerts()), Serdes.String(), alert));
  }

  @Override
  public void init(ProcessorContext<String, CommitmentAlert> context) {
    this.context = context;
    days = context.getStateStore(names.days());
    commitments = context.getStateStore(names.commitments());
    alerts = context.getStateStore(names.alerts());
    context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::check);
  }

  @Override
  public void process(Record<String, Object> record) {
    if (record.value() instanceof UsageAggregate day && day.getProvider() != null && day.getModel() != null) {
      // Each record of a model's day is its running total: the latest replaces the one before.
      days.put(JsonArrayKeys.of(day.getProvider(), dayOf(day.getWindowStart()).toString(), day.getModel()),
          day.getCostNanoUsd());
    } else if (record.value() instanceof Commitment c) {
      commitments.put(record.key(), c);
    } else if (record.value() == null && record.key() != null && commitments.get(record.key()) != null) {
      commitments.delete(record.key());
    }
  }

  private void check(long wallClock) {
    Instant now = Instant.ofEpochMilli(wallClock);
    List<Commitment> all = new ArrayList<>();
    try (KeyValueIterator<String, Commitment> it = commitments.all()) {
      it.forEachRemaining(kv -> all.add(kv.value));
    }
    for (Commitment c : all) {
      evaluate(c, now).ifPresent(alert -> {
        alerts.put(c.getCommitmentId().toString(), alert);
        context.forward(new Record<>(c.getCommitmentId().toString(), alert, wallClock));
      });
    }
  }

  /** The alert a commitment's running period calls for now, if its state changed. */
  Optional<CommitmentAlert> evaluate(Commitment c, Instant now) {
    YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
    YearMonth periodStart = CommitmentDrawdown.periodOf(c, month);
    Instant from = periodStart.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Optional<CommitmentDrawdown.Outlook> outlook = CommitmentDrawdown.outlook(c,
        discountedSoFar(c, periodStart, now), now);
    if (outlook.isEmpty() || now.isBefore(from.plus(settings.minElapsed()))) {
      return Optional.empty();
    }
    CommitmentDrawdown.Outlook o = outlook.get();
    boolean shortfall = BigInteger.valueOf(o.projectedUnusedNanoUsd()).multiply(BigInteger.valueOf(100))
        .compareTo(BigInteger.valueOf(c.getAmountNanoUsd()).multiply(BigInteger.valueOf(settings.minUnusedPercent())))
        >= 0 && o.underUsed();
    CommitmentAlert last = alerts.get(c.getCommitmentId().toString());
    boolean samePeriod = last != null && last.getPeriodStart().equals(from);
    boolean raised = samePeriod && last.getState() == CommitmentAlertState.UNDER_USE_PROJECTED;
    if (shortfall == raised) {
      return Optional.empty();
    }
    int n = samePeriod ? sequence(last) + 1 : 1;
    return Optional.of(CommitmentAlert.newBuilder()
        .setAlertId(c.getCommitmentId() + "/" + periodStart.atDay(1) + "/under-use/" + n)
        .setCommitmentId(c.getCommitmentId()).setProvider(c.getProvider()).setOwnerTeam(c.getOwnerTeam())
        .setState(shortfall ? CommitmentAlertState.UNDER_USE_PROJECTED : CommitmentAlertState.UNDER_USE_CLEARED)
        .setPeriodStart(from).setPeriodEnd(o.periodEnd()).setAmountNanoUsd(c.getAmountNanoUsd())
        .setDiscountedSoFarNanoUsd(o.discountedSoFarNanoUsd()).setProjectedNanoUsd(o.projectedNanoUsd())
        .setProjectedUnusedNanoUsd(shortfall ? o.projectedUnusedNanoUsd() : 0).setAsOf(now).setRaisedAt(now).build());
  }

  /** The period's usage so far at the commitment's price: each month's list, discounted as the drawdown does. */
  private long discountedSoFar(Commitment c, YearMonth periodStart, Instant now) {
    Map<YearMonth, Long> list = new HashMap<>();
    LocalDate first = periodStart.atDay(1);
    LocalDate today = dayOf(now);
    String provider = c.getProvider().toString();
    String prefix = JsonArrayKeys.of(provider).replaceAll("]$", ",");
    try (KeyValueIterator<String, Long> it = days.range(prefix, prefix + '\uffff')) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        LocalDate day = LocalDate.parse(kv.key.substring(prefix.length() + 1, prefix.length() + 11));
        if (!day.isBefore(first) && !day.isAfter(today)) {
          list.merge(YearMonth.from(day), kv.value, Long::sum);
        }
      }
    }
    return CommitmentDrawdown.months(c, list, YearMonth.from(today)).stream()
        .filter(m -> !m.month().isBefore(periodStart)).mapToLong(CommitmentDrawdown.Month::discountedNanoUsd).sum();
  }

  private static int sequence(CommitmentAlert alert) {
    String id = alert.getAlertId().toString();
    return Integer.parseInt(id.substring(id.lastIndexOf('/') + 1));
  }

  private static LocalDate dayOf(Instant instant) {
    return instant.atZone(ZoneOffset.UTC).toLocalDate();
  }
}
