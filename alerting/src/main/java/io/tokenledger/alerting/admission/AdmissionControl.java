package io.tokenledger.alerting.admission;

import io.tokenledger.alerting.budget.BudgetRules;
import io.tokenledger.alerting.budget.BudgetThresholds;
import io.tokenledger.alerting.budget.Spent;
import io.tokenledger.pricing.ModelKeys;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.AdmissionDecision;
import io.tokenledger.schemas.AdmissionRequest;
import io.tokenledger.schemas.AdmissionVerdict;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetDowngrade;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.ReturnedLease;
import io.tokenledger.schemas.budgets.BudgetCoverage;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import io.tokenledger.schemas.ledger.LedgerBuckets;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.tokens.TotalTokens;
import io.tokenledger.schemas.topics.TeamPartitions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission in the team's task: every request of a team, and every priced usage event and price
 * correction of it, go through this one processor of the team's partition, in order and exactly
 * once. A request is allowed when each HARD budget covering it keeps spend plus every
 * outstanding reservation plus this call's estimate within its limit; the estimate is then
 * reserved, in the same transaction as the answer. Usage carrying the reservation's id settles
 * it: its actual cost is counted and taken off what is held. So concurrent callers can overshoot
 * a limit only by what their calls cost beyond their estimates, never by racing each other.
 *
 * <p>Spend is the priced usage and the applied price corrections, the very records every ledger
 * sums, kept per {@link AdmissionCell} in 15-minute buckets: a budget of any subject (team,
 * workflow, model, person, agent) sums the cells it covers over its period.
 */
public final class AdmissionControl implements Processor<String, Object, String, Object> {
  private static final Logger log = LoggerFactory.getLogger(AdmissionControl.class);
  static final Duration BUCKET = Duration.ofMinutes(15);

  /** Store and sink names, in one place. */
  public record Names(String budgets, String spend, String reservations, String marks, String decisionSink,
      String statusSink, String alertSink) {}

  /** The stores admission owns: spend per cell and 15-minute bucket, and the reservations held. */
  public static List<StoreBuilder<?>> stores(Names names) {
    return List.of(
        Stores.windowStoreBuilder(Stores.persistentWindowStore(names.spend(), LedgerBuckets.RETENTION, BUCKET, false),
            AdmissionCell.serde(), Spent.serde()).withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.reservations()), Serdes.String(),
            Reservation.serde()),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.marks()), Serdes.String(), Serdes.Long()));
  }

  /** A decision and the partition of the decisions topic its caller reads. */
  public record Reply(int partition, AdmissionDecision decision) {}

  private final Names names;
  private final PriceBook catalog;
  private final int partitions;
  private final AdmissionSettings settings;

  private ProcessorContext<String, Object> context;
  private ReadOnlyKeyValueStore<String, Budget> budgets;
  private WindowStore<AdmissionCell, Spent> spend;
  private KeyValueStore<String, Reservation> reservationStore;
  private KeyValueStore<String, Long> marks;
  private final Set<String> allowancesChanged = new HashSet<>();
  private final Set<String> allowancesPublished = new HashSet<>();
  private final Map<String, Budget> owned = new HashMap<>();
  private final Map<String, List<Budget>> byTeam = new HashMap<>();
  private final Map<String, PeriodSpend> periodSpend = new HashMap<>();
  private final Map<String, Reservation> reservations = new HashMap<>();
  private final Map<String, long[]> reserved = new HashMap<>();
  private final Set<String> refused = new HashSet<>();

  public AdmissionControl(Names names, PriceBook catalog, int partitions, AdmissionSettings settings) {
    this.names = names;
    this.catalog = catalog;
    this.partitions = partitions;
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    owned.clear();
    periodSpend.clear();
    reservations.clear();
    reserved.clear();
    budgets = context.getStateStore(names.budgets());
    spend = context.getStateStore(names.spend());
    reservationStore = context.getStateStore(names.reservations());
    marks = context.getStateStore(names.marks());
    allowancesChanged.clear();
    allowancesPublished.clear();
    try (KeyValueIterator<String, Reservation> all = reservationStore.all()) {
      while (all.hasNext()) {
        Reservation r = all.next().value;
        reservations.put(r.id(), r);
        hold(r, 1);
      }
    }
    refreshBudgets();
    context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::check);
  }

  @Override
  public void process(Record<String, Object> record) {
    Object value = record.value();
    if (value instanceof PricedUsageEvent usage) {
      count(usage);
    } else if (value instanceof AdmissionRequest request) {
      decide(request);
    } else if (value instanceof PriceCorrection correction) {
      count(correction);
    }
  }

  // ---- spend ----

  private void count(PricedUsageEvent e) {
    long cost = e.getCostNanoUsd() == null ? 0 : e.getCostNanoUsd();
    long tokens = TotalTokens.of(e);
    AdmissionCell cell = new AdmissionCell(e.getTeam(), e.getWorkflow(),
        ProviderModel.of(e.getProvider(), e.getPricedModel(), e.getServiceTier()), e.getUserId(), e.getAgentId());
    add(cell, e.getEventTime().toEpochMilli(), cost, tokens);
    if (e.getReservationId() != null) {
      settle(e.getReservationId(), cost, tokens);
    }
  }

  /** A re-rated ledger bucket moves the spend of the team, workflow and model, not of a person or an agent. */
  private void count(PriceCorrection c) {
    AdmissionCell cell = new AdmissionCell(c.getTeam(), c.getWorkflow(), ProviderModel.of(c.getProvider(),
        c.getModel()), null, null);
    add(cell, c.getBucketStart().toEpochMilli(), c.getDifferenceNanoUsd(), 0);
  }

  private void add(AdmissionCell cell, long time, long nanoUsd, long tokens) {
    long bucket = time - Math.floorMod(time, BUCKET.toMillis());
    Spent delta = new Spent(nanoUsd, tokens, 0, Long.MAX_VALUE);
    Spent known = spend.fetch(cell, bucket);
    spend.put(cell, known == null ? delta : known.plus(delta), bucket);
    for (Budget budget : byTeam.getOrDefault(cell.team(), List.of())) {
      PeriodSpend period = periodSpend.get(budget.getBudgetId());
      if (period != null && period.holds(time) && cell.coveredBy(budget)) {
        PeriodSpend now = period.plus(nanoUsd, tokens);
        periodSpend.put(budget.getBudgetId(), now);
        if (BudgetCoverage.isAllowance(budget)) {
          allowanceMoved(budget, now, time);
        }
      }
    }
  }

  /** A budget's spend in the period holding {@code now}: summed from the cells once, then kept up. */
  private PeriodSpend spendOf(Budget budget, long now) {
    CalendarPeriods.Period period = CalendarPeriods.containing(budget.getPeriod(), ZoneId.of(budget.getTimezone()),
        Instant.ofEpochMilli(now));
    PeriodSpend known = periodSpend.get(budget.getBudgetId());
    if (known != null && known.version() == version(budget) && known.start() == period.start().toEpochMilli()) {
      return known;
    }
    long nano = 0;
    long tokens = 0;
    try (KeyValueIterator<Windowed<AdmissionCell>, Spent> it = spend.fetchAll(period.start(),
        period.end().minusMillis(1))) {
      while (it.hasNext()) {
        KeyValue<Windowed<AdmissionCell>, Spent> bucket = it.next();
        if (bucket.key.key().coveredBy(budget)) {
          nano = Math.addExact(nano, bucket.value.nanoUsd());
          tokens = Math.addExact(tokens, bucket.value.tokens());
        }
      }
    }
    PeriodSpend computed = new PeriodSpend(version(budget), period.start().toEpochMilli(),
        period.end().toEpochMilli(), nano, tokens);
    periodSpend.put(budget.getBudgetId(), computed);
    return computed;
  }

  // ---- reservations ----

  private void settle(String id, long nanoUsd, long tokens) {
    Reservation r = reservations.get(id);
    if (r == null) {
      // Expired before its usage came, or never made (a fail-open answer): counted, nothing held.
      AdmissionMeters.settledUnheld();
      return;
    }
    replace(r, r.less(nanoUsd, tokens).settledOne());
    AdmissionMeters.settled();
  }

  /** Holds what a reservation holds now, or releases it all when no call of it is in flight. */
  private void replace(Reservation before, Reservation after) {
    hold(before, -1);
    if (after.done()) {
      reservations.remove(after.id());
      reservationStore.delete(after.id());
    } else {
      reservations.put(after.id(), after);
      reservationStore.put(after.id(), after);
      hold(after, 1);
    }
  }

  /**
   * A lease given back: what its holder did not admit from it is released now, and once every
   * call it admitted has settled, the rest (what their estimates spared) too.
   */
  private void giveBack(ReturnedLease back) {
    Reservation r = reservations.get(back.getReservationId());
    if (r == null || !r.lease() || r.calls() != Reservation.CALLS_UNKNOWN) {
      return;
    }
    replace(r, r.less(back.getUnusedNanoUsd(), back.getUnusedTokens()).withCalls(back.getAdmittedCalls()));
  }

  private void hold(Reservation r, int sign) {
    for (String budgetId : r.budgetIds()) {
      long[] sum = reserved.computeIfAbsent(budgetId, id -> new long[2]);
      sum[0] += sign * r.remainingNanoUsd();
      sum[1] += sign * r.remainingTokens();
    }
  }

  private long[] reservedFor(Budget budget) {
    return reserved.getOrDefault(budget.getBudgetId(), new long[2]);
  }

  /** Releases what expired reservations still hold, and re-reads the budgets. */
  private void check(long now) {
    List<Reservation> expired = new ArrayList<>();
    for (Reservation r : reservations.values()) {
      if (r.expiresAt() <= now) {
        expired.add(r);
      }
    }
    for (Reservation r : expired) {
      reservations.remove(r.id());
      reservationStore.delete(r.id());
      hold(r, -1);
      AdmissionMeters.expired();
      // A lease ending by its time is routine; a call's reservation nothing settled is worth a line.
      if (r.lease()) {
        log.debug("Lease {} of team {} expired; its {} nano-USD and {} tokens are released", r.id(), r.team(),
            r.remainingNanoUsd(), r.remainingTokens());
      } else {
        log.info("Reservation {} of team {} expired unsettled (the call's usage never came, or came after "
            + "tokenledger.admission.call-hold); its {} nano-USD and {} tokens are released", r.id(), r.team(),
            r.remainingNanoUsd(), r.remainingTokens());
      }
    }
    refreshBudgets();
    publishAllowances(now);
  }

  // ---- allowances: a person's or an agent's budget is not in the ledger; its status and alerts are kept here ----

  private void allowanceMoved(Budget budget, PeriodSpend spend, long crossedAt) {
    allowancesChanged.add(budget.getBudgetId());
    CalendarPeriods.Period period = CalendarPeriods.containing(budget.getPeriod(), ZoneId.of(budget.getTimezone()),
        Instant.ofEpochMilli(spend.start()));
    BudgetThresholds.fire(budget, period, spend.nanoUsd(), spend.tokens(), crossedAt,
        context.currentSystemTimeMs(), marks, alert -> context.forward(new Record<>(budget.getBudgetId(), alert,
            Math.max(0, crossedAt)), names.alertSink()));
  }

  /** Publishes the status of each allowance whose spend or definition changed, and removes deleted ones'. */
  private void publishAllowances(long now) {
    for (String gone : new ArrayList<>(allowancesPublished)) {
      if (!owned.containsKey(gone)) {
        allowancesPublished.remove(gone);
        context.forward(new Record<>(gone, null, now), names.statusSink());
      }
    }
    for (Budget budget : owned.values()) {
      if (!BudgetCoverage.isAllowance(budget)) {
        continue;
      }
      PeriodSpend known = periodSpend.get(budget.getBudgetId());
      PeriodSpend spend = spendOf(budget, now);
      boolean fresh = known != spend;
      if (fresh) {
        allowanceMoved(budget, spend, now);
      }
      if (fresh || allowancesChanged.contains(budget.getBudgetId())
          || !allowancesPublished.contains(budget.getBudgetId())) {
        context.forward(new Record<>(budget.getBudgetId(), AllowanceStatus.of(budget, spend, now), now),
            names.statusSink());
        allowancesPublished.add(budget.getBudgetId());
      }
    }
    allowancesChanged.clear();
  }

  private void refreshBudgets() {
    owned.clear();
    try (KeyValueIterator<String, Budget> all = budgets.all()) {
      while (all.hasNext()) {
        Budget budget = all.next().value;
        if (budget != null && TeamPartitions.partitionOf(budget.getTeam(), partitions)
            == context.taskId().partition() && usable(budget)) {
          owned.put(budget.getBudgetId(), BudgetRules.normalised(budget));
        }
      }
    }
    periodSpend.keySet().retainAll(owned.keySet());
    byTeam.clear();
    owned.values().forEach(b -> byTeam.computeIfAbsent(b.getTeam(), t -> new ArrayList<>()).add(b));
  }

  private boolean usable(Budget budget) {
    List<String> problems = BudgetRules.problems(budget);
    if (problems.isEmpty()) {
      return true;
    }
    if (refused.add(budget.getBudgetId() + "@" + version(budget))) {
      log.error("Budget {} of team {} is not enforced: {}. Fix it with 'tokenledger budgets set'.",
          budget.getBudgetId(), budget.getTeam(), String.join("; ", problems));
    }
    return false;
  }

  // ---- decisions ----

  private void decide(AdmissionRequest request) {
    long now = context.currentSystemTimeMs();
    Decisions answer = new Decisions(request, now);
    request.getReturnedLeases().forEach(this::giveBack);
    if (now > request.getAnswerBy().toEpochMilli()) {
      reply(request, answer.late());
      return;
    }
    Reservation known = reservations.get(request.getRequestId());
    if (known != null) {
      reply(request, answer.again(known));
      return;
    }
    PriceBook.Match match = catalog.match(ModelKeys.of(request.getProvider(), request.getModel()), now);
    AdmissionCell cell = new AdmissionCell(request.getTeam(), request.getWorkflow(), match.identity(),
        request.getUserId(), request.getAgentId());
    CallEstimate estimate = CallEstimate.of(match.price(), request.getEstimatedInputTokens(),
        request.getMaxOutputTokens());
    List<Budget> hard = hardBudgets(cell);
    if (hard.isEmpty()) {
      reply(request, answer.ungoverned(estimate, request.getLease() ? settings.leaseTtl() : Duration.ZERO));
      return;
    }
    Refusal refusal = check(hard, estimate, cell.model(), now);
    if (refusal == null) {
      reply(request, allow(request, answer, hard, estimate, request.getModel(), cell.model(), null, now));
      return;
    }
    BudgetDowngrade rule = downgradeFor(refusal.budget(), hard, cell.model());
    if (rule != null && refusal.kind() != Refusal.Kind.UNPRICED) {
      PriceBook.Match cheaper = catalog.match(ModelKeys.of(request.getProvider(), rule.getToModel()), now);
      AdmissionCell downgraded = cell.withModel(cheaper.identity());
      CallEstimate cheaperEstimate = CallEstimate.of(cheaper.price(), request.getEstimatedInputTokens(),
          request.getMaxOutputTokens());
      List<Budget> cheaperHard = hardBudgets(downgraded);
      if (check(cheaperHard, cheaperEstimate, downgraded.model(), now) == null) {
        reply(request, allow(request, answer, cheaperHard, cheaperEstimate, rule.getToModel(), downgraded.model(),
            new Downgrade(refusal, rule), now));
        return;
      }
    }
    PeriodSpend period = spendOf(refusal.budget(), now);
    reply(request, answer.deny(refusal, estimate, period, reservedFor(refusal.budget())));
  }

  private List<Budget> hardBudgets(AdmissionCell cell) {
    List<Budget> hard = new ArrayList<>();
    for (Budget budget : byTeam.getOrDefault(cell.team(), List.of())) {
      if (budget.getEnforcement() == BudgetEnforcement.HARD && cell.coveredBy(budget)) {
        hard.add(budget);
      }
    }
    hard.sort(java.util.Comparator.comparing(Budget::getBudgetId));
    return hard;
  }

  /** The first budget the call would take past its limit, else the first whose downgrade policy applies; null when it fits. */
  private Refusal check(List<Budget> hard, CallEstimate estimate, ProviderModel model, long now) {
    for (Budget budget : hard) {
      if (budget.getLimitNanoUsd() != null && !estimate.priced()) {
        return new Refusal(budget, Refusal.Kind.UNPRICED);
      }
      Headroom room = headroom(budget, now);
      if (!room.fits(estimate)) {
        return new Refusal(budget, Refusal.Kind.OVER_LIMIT);
      }
    }
    for (Budget budget : hard) {
      BudgetDowngrade rule = ruleFor(budget, model);
      if (rule != null && headroom(budget, now).reached(rule.getAbovePercent())) {
        return new Refusal(budget, Refusal.Kind.POLICY);
      }
    }
    return null;
  }

  private Headroom headroom(Budget budget, long now) {
    return new Headroom(budget, spendOf(budget, now), reservedFor(budget));
  }

  /** The deciding budget's rule for the model, else any covering budget's. */
  private static BudgetDowngrade downgradeFor(Budget deciding, List<Budget> hard, ProviderModel model) {
    BudgetDowngrade own = ruleFor(deciding, model);
    if (own != null) {
      return own;
    }
    for (Budget budget : hard) {
      BudgetDowngrade rule = ruleFor(budget, model);
      if (rule != null) {
        return rule;
      }
    }
    return null;
  }

  private static BudgetDowngrade ruleFor(Budget budget, ProviderModel model) {
    for (BudgetDowngrade rule : budget.getDowngrades()) {
      if (model.isModel(rule.getFromModel())) {
        return rule;
      }
    }
    return null;
  }

  private AdmissionDecision allow(AdmissionRequest request, Decisions answer, List<Budget> hard, CallEstimate estimate,
      String model, ProviderModel identity, Downgrade downgrade, long now) {
    Lease lease = request.getLease() && !settings.leaseTtl().isZero()
        ? Lease.size(hard, estimate, identity, b -> headroom(b, now), settings.leaseSharePercent()) : null;
    long useUntil = now + settings.leaseTtl().toMillis();
    long expiresAt = (lease != null ? useUntil : now) + settings.callHold().toMillis();
    Reservation reservation = new Reservation(request.getRequestId(), request.getTeam(), lease != null,
        hard.stream().map(Budget::getBudgetId).toList(),
        Math.addExact(estimate.nanoUsd(), lease == null || lease.nanoUsd() == null ? 0 : lease.nanoUsd()),
        Math.addExact(estimate.tokens(), lease == null || lease.tokens() == null ? 0 : lease.tokens()), expiresAt,
        lease != null ? Reservation.CALLS_UNKNOWN : 1, 0);
    reservations.put(reservation.id(), reservation);
    reservationStore.put(reservation.id(), reservation);
    hold(reservation, 1);
    Budget tightest = hard.get(0);
    Headroom tightestRoom = headroom(tightest, now);
    for (Budget budget : hard) {
      Headroom room = headroom(budget, now);
      if (room.tighterThan(tightestRoom)) {
        tightest = budget;
        tightestRoom = room;
      }
    }
    return answer.allowed(model, estimate, reservation, lease, lease != null ? useUntil : null, tightest,
        tightestRoom, spendOf(tightest, now), downgrade);
  }

  private void reply(AdmissionRequest request, AdmissionDecision decision) {
    AdmissionMeters.decided(decision.getVerdict());
    context.forward(new Record<>(request.getRequestId(), new Reply(request.getReplyPartition(), decision),
        context.currentSystemTimeMs()), names.decisionSink());
  }

  private static long version(Budget budget) {
    return budget.getUpdatedAt().toEpochMilli();
  }

  /** Why a call does not fit one budget. */
  record Refusal(Budget budget, Kind kind) {
    enum Kind { OVER_LIMIT, POLICY, UNPRICED }
  }

  /** A call sent to a cheaper model: the refusal it avoided and the rule that allowed it. */
  record Downgrade(Refusal refusal, BudgetDowngrade rule) {}

  /** A budget's spend in one period, and the budget version and period it was summed for. */
  record PeriodSpend(long version, long start, long end, long nanoUsd, long tokens) {
    boolean holds(long time) {
      return time >= start && time < end;
    }

    PeriodSpend plus(long nano, long more) {
      return new PeriodSpend(version, start, end, Math.addExact(nanoUsd, nano), Math.addExact(tokens, more));
    }
  }
}
