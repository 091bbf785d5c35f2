package io.tokenledger.devtools.demo;

import io.tokenledger.ingest.admission.Admission;
import io.tokenledger.ingest.admission.AdmissionQuery;
import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PricedVersion;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.devtools.demo.DemoCatalog.Workload;
import io.tokenledger.schemas.UsageEvent;
import java.time.Duration;
import java.time.Instant;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated AI services recording their usage, and how their work items ended, through the
 * real {@link UsageRecorder}.
 */
final class Fleet implements AutoCloseable {
  private static final long TICK_MILLIS = 50;

  private final UsageRecorder recorder;
  private final double eventsPerSecond;
  private final Random random = new Random(42);
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "demo-fleet");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong acknowledged = new AtomicLong();
  /** Calls, sends and outcomes that failed. */
  private final Failures failed = new Failures();
  private final List<CompletableFuture<?>> pendingOutcomes = new ArrayList<>();
  private final ItemCounts items = new ItemCounts();
  private final Map<Workload, OpenItem> open = new HashMap<>();
  private long itemSequence;
  private double owed;

  /** The item a workload's calls currently serve, on its model, with calls left before its outcome. */
  private static final class OpenItem {
    final String id;
    final String provider;
    final String model;
    final double success;
    final DemoCatalog.Variant variant;
    int callsLeft;

    OpenItem(String id, String provider, String model, double success, int calls, DemoCatalog.Variant variant) {
      this.id = id;
      this.provider = provider;
      this.model = model;
      this.success = success;
      this.callsLeft = calls;
      this.variant = variant;
    }
  }

  /** The month of history's usage records, as recorded: what the demo's provider bills are made from. */
  private final List<io.tokenledger.schemas.UsageEvent> history = new ArrayList<>();

  List<io.tokenledger.schemas.UsageEvent> history() {
    return java.util.Collections.unmodifiableList(history);
  }

  private final Set<String> hardTeams;
  private final PriceBook catalog;
  private final AtomicLong admittedLive = new AtomicLong();
  private final AtomicLong deniedLive = new AtomicLong();
  private final Runaway runaway = new Runaway();
  private volatile ScheduledExecutorService runawayLoop;

  /**
   * @param hardTeams teams with a HARD budget: their live calls ask before they are made
   * @param catalog the demo's prices, to say what the calls admission stopped would have cost
   */
  Fleet(UsageRecorder recorder, double eventsPerSecond, Set<String> hardTeams, PriceBook catalog) {
    this.recorder = recorder;
    this.eventsPerSecond = eventsPerSecond;
    this.hardTeams = Set.copyOf(hardTeams);
    this.catalog = catalog;
  }

  /** What admission did to the runaway agent: calls asked for, allowed, downgraded, denied, and their cost. */
  static final class Runaway {
    final AtomicLong asked = new AtomicLong();
    final AtomicLong allowed = new AtomicLong();
    final AtomicLong downgraded = new AtomicLong();
    final AtomicLong denied = new AtomicLong();
    /** What the calls made cost, at the model admission allowed. */
    final AtomicLong spentNanoUsd = new AtomicLong();
    /** What the denied calls would have cost at the model asked for. */
    final AtomicLong preventedNanoUsd = new AtomicLong();
    /** What the downgraded calls would have cost more at the model asked for. */
    final AtomicLong savedNanoUsd = new AtomicLong();
    volatile String deniedBecause;
    /** Calls that failed to ask or record. */
    final Failures failed = new Failures();
    /** When the loop was due, when it began (once admission answered: later on a cold start), and its latest call. */
    volatile long dueAtMillis;
    volatile long startedAtMillis;
    volatile long lastCallAtMillis;
    final Map<Admission.Source, AtomicLong> bySource = new java.util.EnumMap<>(Map.of(
        Admission.Source.LEASE, new AtomicLong(), Admission.Source.TEAM_TASK, new AtomicLong(),
        Admission.Source.UNREACHABLE, new AtomicLong()));
  }

  Runaway runawayAdmissions() {
    return runaway;
  }

  /** Live calls of HARD-budgeted teams admitted, and denied. */
  long[] liveAdmissions() {
    return new long[] {admittedLive.get(), deniedLive.get()};
  }

  void start() {
    ticker.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    owed += eventsPerSecond * TICK_MILLIS / 1000.0;
    while (owed >= 1) {
      owed -= 1;
      try {
        makeCall(next());
      } catch (RuntimeException e) {
        failed.add(e);
      }
    }
  }

  /** One call of the fleet: a HARD-budgeted team's asks admission first; an allowed or ungoverned call is recorded. */
  private void makeCall(UsageEvent call) {
    if (hardTeams.contains(call.getTeam())) {
      Admission a = recorder.admit(query(call));
      if (!a.allowed()) {
        deniedLive.incrementAndGet();
        return;
      }
      admittedLive.incrementAndGet();
      call = a.stamp(UsageEvent.newBuilder(call)).build();
    }
    track(recorder.record(call));
  }

  /** What a service asks before the call: its prompt as the estimate, its output as the cap (rounded up). */
  private static AdmissionQuery query(UsageEvent call) {
    long input = call.getUncachedInputTokens() + call.getCacheReadTokens() + call.getCacheWriteTokens();
    long output = call.getOutputTokens() + call.getReasoningTokens();
    return AdmissionQuery.of(call.getTeam(), call.getWorkflow(), call.getProvider(), call.getModel(), input,
        2 * output).byAgent(call.getAgentId());
  }

  /**
   * Records the month of history before now ({@link MonthOfHistory}), in event-time order, so
   * that pages, forecasts and baselines have a month to show and learn from. Returns once Kafka
   * has it all.
   */
  int backfill(Instant now) {
    List<MonthOfHistory.Entry> month = MonthOfHistory.generate(now, eventsPerSecond, random);
    month.stream().filter(e -> e.usage() != null).forEach(e -> history.add(e.usage()));
    List<CompletableFuture<?>> sends = new ArrayList<>();
    int usage = 0;
    for (MonthOfHistory.Entry entry : month) {
      items.started(entry.usage() != null ? entry.usage().getWorkflow() : entry.outcome().getWorkflow(), entry.items());
      if (entry.usage() != null) {
        usage++;
        sends.add(track(recorder.record(entry.usage())));
        if (entry.usage().getOutcomeSuccess() != null) {
          items.decided(entry.usage().getWorkflow()); // a record that reports its own outcome decides its item
        }
      } else {
        synchronized (this) {
          pendingOutcomes.add(recordedOutcome(entry.outcome()));
        }
      }
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    awaitOutcomes();
    return usage;
  }

  /** Until Kafka has acknowledged every outcome recorded so far. */
  private void awaitOutcomes() {
    List<CompletableFuture<?>> pending;
    synchronized (this) {
      pending = new ArrayList<>(pendingOutcomes);
      pendingOutcomes.clear();
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
  }

  /**
   * After {@code after}, once admission answers, one agent of a workload gets stuck in a loop:
   * {@code perSecond} calls a second for {@code length}, each asking admission first, as a
   * governed agent does. Allowed
   * calls are made on the model admission names (a cheaper one once its cap's downgrade applies);
   * denied ones are not made.
   */
  void runaway(Workload workload, String agent, double perSecond, Duration after, Duration length) {
    int threads = 4;
    ScheduledExecutorService loop = Executors.newScheduledThreadPool(threads, r -> {
      Thread t = new Thread(r, "demo-runaway");
      t.setDaemon(true);
      return t;
    });
    runawayLoop = loop;
    long every = Math.max(1, (long) (1000.0 * threads / perSecond));
    runaway.dueAtMillis = System.currentTimeMillis() + after.toMillis();
    loop.schedule(() -> {
      // Each call waits for admission's answer, so a loop started while the team's task cannot
      // answer yet (a cold start) makes a call per timeout per thread: too few to be a runaway.
      admissionAnswers(workload, agent, Duration.ofSeconds(60));
      runaway.startedAtMillis = System.currentTimeMillis();
      long end = runaway.startedAtMillis + length.toMillis();
      for (int i = 0; i < threads; i++) {
        Random own = new Random(7 + i);
        loop.scheduleAtFixedRate(() -> {
          if (System.currentTimeMillis() >= end) {
            loop.shutdown();
            return;
          }
          try {
            loopCall(workload, agent, own);
          } catch (RuntimeException e) {
            runaway.failed.add(e);
          }
        }, 0, every, TimeUnit.MILLISECONDS);
      }
    }, after.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks admission about a one-token call of the agent until the team's task answers, at most {@code bound}. */
  private void admissionAnswers(Workload workload, String agent, Duration bound) {
    long until = System.currentTimeMillis() + bound.toMillis();
    AdmissionQuery probe = AdmissionQuery.of(workload.team(), workload.workflow(), workload.provider(),
        workload.model(), 1, 1).byAgent(agent);
    while (System.currentTimeMillis() < until
        && recorder.admit(probe).source() == Admission.Source.UNREACHABLE) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void loopCall(Workload workload, String agent, Random own) {
    UsageEvent asked = call(workload, workload.model(), Instant.now(), own, 1).setAgentId(agent).build();
    runaway.asked.incrementAndGet();
    runaway.lastCallAtMillis = System.currentTimeMillis();
    Admission a = recorder.admit(query(asked));
    runaway.bySource.get(a.source()).incrementAndGet();
    long askedCost = cost(asked);
    if (!a.allowed()) {
      runaway.denied.incrementAndGet();
      runaway.preventedNanoUsd.addAndGet(askedCost);
      runaway.deniedBecause = a.reason();
      return;
    }
    UsageEvent made = a.stamp(UsageEvent.newBuilder(asked).setModel(a.model())).build();
    long madeCost = cost(made);
    if (a.verdict() == Admission.Verdict.DOWNGRADE) {
      runaway.downgraded.incrementAndGet();
      runaway.savedNanoUsd.addAndGet(askedCost - madeCost);
    } else {
      runaway.allowed.incrementAndGet();
    }
    runaway.spentNanoUsd.addAndGet(madeCost);
    track(recorder.record(made));
  }

  private long cost(UsageEvent call) {
    return catalog.priceAt(call.getProvider(), call.getModel(), call.getEventTime().toEpochMilli())
        .map(price -> PricedVersion.of(price).nanoUsd(call)).orElse(0L);
  }

  private <T> CompletableFuture<T> track(CompletableFuture<T> send) {
    return send.whenComplete((metadata, error) -> {
      if (error == null) {
        acknowledged.incrementAndGet();
      } else {
        failed.add(error);
      }
    });
  }

  private UsageEvent next() {
    return next(pick(), Instant.now());
  }

  private synchronized UsageEvent next(Workload w, Instant eventTime) {
    if (w.items() != null) {
      return itemCall(w, eventTime);
    }
    boolean outcome = random.nextDouble() * w.outcomeEvery() < 1;
    if (outcome) {
      items.started(w.workflow(), 1); // a call that reports its own outcome is a one-call item
      items.decided(w.workflow());
    }
    return call(w, w.model(), eventTime)
        .setOutcomeUnit(w.outcomeUnit()).setOutcomeUnits(outcome ? 1L : 0L).setOutcomeSuccess(outcome ? true : null)
        .build();
  }

  /** One call of the workload's open item; its last call also records the item's outcome. */
  private UsageEvent itemCall(Workload w, Instant eventTime) {
    DemoCatalog.Items shape = w.items();
    OpenItem item = open.get(w);
    while (item == null) {
      DemoCatalog.Variant variant = DemoCatalog.variantOf(w, random);
      String id = w.workflow() + "-" + (++itemSequence);
      items.started(w.workflow(), 1);
      if (variant != null && !variant.calls()) {
        // A person does it alone: no call, only its outcome.
        pendingOutcomes.add(recordedOutcome(outcome(w, id, variant.success(), eventTime, random, variant)));
        continue;
      }
      DemoCatalog.Trial trial = DemoCatalog.trialOf(w, random);
      boolean alt = trial == null && shape.altModel() != null && random.nextBoolean();
      item = trial != null ? new OpenItem(id, trial.provider(), trial.model(), trial.success(),
          1 + random.nextInt(shape.maxCalls()), variant)
          : new OpenItem(id, w.provider(), alt ? shape.altModel() : w.model(), alt ? shape.altSuccess()
              : shape.success(), 1 + random.nextInt(shape.maxCalls()), variant);
      open.put(w, item);
    }
    UsageEvent event = call(w, item.provider, item.model, eventTime, random, 1).setWorkItemId(item.id)
        .setVariant(item.variant == null ? null : item.variant.name()).build();
    if (--item.callsLeft == 0) {
      open.remove(w);
      recordOutcome(w, item, eventTime);
    }
    return event;
  }

  private void recordOutcome(Workload w, OpenItem item, Instant lastCall) {
    int after = item.variant == null ? 30 : item.variant.outcomeAfterSeconds();
    Instant known = lastCall.plusSeconds(after).isAfter(Instant.now()) ? Instant.now() : lastCall.plusSeconds(after);
    WorkOutcome outcome = outcome(w, item.id, item.success, known, random, item.variant);
    if (pendingOutcomes.size() > 10_000) {
      pendingOutcomes.removeIf(CompletableFuture::isDone);
    }
    pendingOutcomes.add(recordedOutcome(outcome));
  }

  private CompletableFuture<?> recordedOutcome(WorkOutcome outcome) {
    return recorder.recordOutcome(outcome).whenComplete((receipt, error) -> {
      if (error == null) {
        items.decided(outcome.getWorkflow());
      } else {
        failed.add(error);
      }
    });
  }

  /**
   * How a work item ended: SUCCEEDED with {@code success}, ESCALATED to a person with the
   * workload's escalation share, else FAILED; a success gets a person's review one time in five.
   */
  static WorkOutcome outcome(Workload w, String itemId, double success, Instant at, Random random) {
    return outcome(w, itemId, success, at, random, null);
  }

  /**
   * The same, for an item done as {@code variant}: its success rate, a person's minutes on every
   * success, and a quality score for each success.
   */
  static WorkOutcome outcome(Workload w, String itemId, double success, Instant at, Random random,
      DemoCatalog.Variant variant) {
    if (variant != null) {
      double roll = random.nextDouble();
      WorkOutcomeStatus status = roll < variant.success() ? WorkOutcomeStatus.SUCCEEDED : WorkOutcomeStatus.FAILED;
      boolean ok = status == WorkOutcomeStatus.SUCCEEDED;
      return WorkOutcome.newBuilder().setOutcomeId(EventIds.newId()).setWorkItemId(itemId)
          .setTeam(w.team()).setWorkflow(w.workflow()).setOutcomeUnit(w.outcomeUnit()).setStatus(status)
          .setUnitsDelivered(ok ? 1 : 0).setHumanSeconds(ok ? variant.personMinutes() * 60L : 0)
          .setQualityScorePercent(ok ? variant.qualityLow()
              + random.nextInt(variant.qualityHigh() - variant.qualityLow() + 1) : null)
          .setVariant(variant.name()).setEventTime(at).build();
    }
    DemoCatalog.Items shape = w.items();
    double roll = random.nextDouble();
    WorkOutcomeStatus status = roll < success ? WorkOutcomeStatus.SUCCEEDED
        : roll < success + shape.escalate() ? WorkOutcomeStatus.ESCALATED : WorkOutcomeStatus.FAILED;
    long minutes = switch (status) {
      case ESCALATED -> shape.escalationMinutes();
      case SUCCEEDED -> random.nextInt(5) == 0 ? shape.reviewMinutes() : 0;
      default -> 0;
    };
    return WorkOutcome.newBuilder().setOutcomeId(EventIds.newId()).setWorkItemId(itemId)
        .setTeam(w.team()).setWorkflow(w.workflow()).setOutcomeUnit(w.outcomeUnit()).setStatus(status)
        .setUnitsDelivered(status == WorkOutcomeStatus.FAILED ? 0 : 1).setHumanSeconds(minutes * 60)
        .setEventTime(at).build();
  }

  private UsageEvent.Builder call(Workload w, String model, Instant eventTime) {
    return call(w, model, eventTime, random, 1);
  }

  /** {@code calls} calls of the workload as one record: their request count and their tokens summed. */
  static UsageEvent.Builder call(Workload w, String model, Instant eventTime, Random random, long calls) {
    return call(w, w.provider(), model, eventTime, random, calls);
  }

  /** The same on another provider's model (a trial on a self-hosted model). */
  static UsageEvent.Builder call(Workload w, String provider, String model, Instant eventTime, Random random,
      long calls) {
    return UsageEvent.newBuilder()
        .setEventId(EventIds.newId()).setEventTime(eventTime)
        .setTeam(w.team()).setWorkflow(w.workflow()).setService(w.service())
        .setAgentId(w.service() + "-" + random.nextInt(4))
        .setProvider(provider).setModel(model).setRequestCount((int) calls)
        .setUncachedInputTokens(calls * vary(w.uncachedInput(), random))
        .setCacheReadTokens(calls * vary(w.cacheRead(), random))
        .setCacheWriteTokens(random.nextInt(10) == 0 ? calls * vary(w.cacheWrite(), random) : 0)
        .setOutputTokens(calls * vary(w.output(), random)).setReasoningTokens(calls * vary(w.reasoning(), random))
        .setAttributes(Map.of("environment", "demo"));
  }

  private Workload pick() {
    double r = random.nextDouble();
    for (Workload w : DemoCatalog.WORKLOADS) {
      r -= w.share();
      if (r < 0) {
        return w;
      }
    }
    return DemoCatalog.WORKLOADS.get(0);
  }

  /** Between half and one and a half times the typical count. */
  private static long vary(long typical, Random random) {
    return typical == 0 ? 0 : typical / 2 + (long) (random.nextDouble() * typical);
  }

  long acknowledged() {
    return acknowledged.get();
  }

  Failures failed() {
    return failed;
  }

  /** Work items started: the workloads' items and the calls that reported their own outcome. */
  long itemsStarted() {
    return items.started();
  }

  /** Items started and decided per workflow, to say which the economics has not caught up with. */
  ItemCounts itemCounts() {
    return items;
  }

  /** Outcomes Kafka has acknowledged (a one-call item's outcome is its call). */
  long outcomesAcknowledged() {
    return items.decided();
  }

  /** Whether no runaway is under way: none injected, or its loop has ended. */
  boolean runawayOver() {
    ScheduledExecutorService loop = runawayLoop;
    return loop == null || loop.isShutdown();
  }

  /** Stops generating and waits until every recorded event is acknowledged by Kafka. */
  @Override
  public void close() throws InterruptedException {
    ticker.shutdown();
    ticker.awaitTermination(5, TimeUnit.SECONDS);
    // The looping agent too, before the recorder it asks and records through is closed.
    ScheduledExecutorService loop = runawayLoop;
    if (loop != null) {
      loop.shutdown();
      loop.awaitTermination(5, TimeUnit.SECONDS);
    }
    recorder.close();
  }
}
