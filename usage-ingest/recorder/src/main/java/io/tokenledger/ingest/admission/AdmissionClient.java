package io.tokenledger.ingest.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.tokenledger.schemas.AdmissionDecision;
import io.tokenledger.schemas.AdmissionRequest;
import io.tokenledger.schemas.AdmissionVerdict;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.BudgetUnreachable;
import io.tokenledger.schemas.budgets.BudgetCoverage;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks before an AI call whether it may spend ({@link #admit}), for {@code UsageRecorder.admit}
 * and the gateway's {@code POST /v1/admit}.
 *
 * <ul>
 *   <li>From a lease when it holds one for the kind of call: far from every limit the team's task
 *       grants headroom beyond the call, and further calls of the same kind are admitted here,
 *       in microseconds, against exactly that headroom.
 *   <li>Otherwise by the team's task: the request goes to the team's partition of the requests
 *       topic, and the answer comes back on this client's partition of the decisions topic.
 *   <li>When the task does not answer within the timeout (broker or alerting down): each HARD
 *       budget covering the call says what happens ({@code when_unreachable}): any
 *       {@code FAIL_CLOSED} one denies, else the call is allowed (fail-open, the default). The
 *       budgets are read from their compacted topic here, so this works while alerting is down.
 * </ul>
 * Every answer is counted in {@code tokenledger_admission_answers_total{source,verdict}} and timed
 * in {@code tokenledger_admission_latency_seconds{source}}.
 */
public final class AdmissionClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdmissionClient.class);

  private final Topics topics;
  private final Duration timeout;
  private final Producer<String, AdmissionRequest> requests;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TopicPartition replies;
  private final List<TopicPartition> budgetPartitions = new ArrayList<>();
  private final Map<String, CompletableFuture<AdmissionDecision>> pending = new ConcurrentHashMap<>();
  private final Map<String, Budget> budgets = new ConcurrentHashMap<>();
  private final Leases leases = new Leases();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread reader;
  private final MeterRegistry meters;
  private final Map<String, Counter> answers = new ConcurrentHashMap<>();
  private final Map<Admission.Source, Timer> latency = new ConcurrentHashMap<>();
  private final boolean askForLeases;
  private volatile boolean budgetsLoaded;
  private volatile boolean running = true;

  /**
   * @param clientConfig Kafka client settings, at least {@code bootstrap.servers}
   * @param timeout how long a call waits for the team's task before the fail-open/closed choice applies
   */
  public AdmissionClient(Map<String, Object> clientConfig, Topics topics, Duration timeout, MeterRegistry meters) {
    this(clientConfig, topics, timeout, meters, true);
  }

  /**
   * @param askForLeases false: every call is decided by the team's task (a round trip each), as a
   *     caller that never holds headroom it may not use would want
   */
  public AdmissionClient(Map<String, Object> clientConfig, Topics topics, Duration timeout, MeterRegistry meters,
      boolean askForLeases) {
    this.askForLeases = askForLeases;
    this.topics = topics;
    this.timeout = timeout;
    this.meters = meters == null ? Metrics.globalRegistry : meters;
    Map<String, Object> producer = new HashMap<>(clientConfig);
    producer.keySet().removeIf(key -> key.startsWith("tokenledger."));
    producer.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "tokenledger-admission-" + UUID.randomUUID());
    producer.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    producer.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.max(1, timeout.toMillis()));
    producer.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout.toMillis()));
    producer.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout.toMillis()) + 1000);
    this.requests = new KafkaProducer<>(producer, topics.admissionRequests.keySerde().serializer(),
        topics.admissionRequests.valueSerde().serializer());
    Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
    consumerConfig.keySet().removeIf(key -> key.startsWith("tokenledger.") || key.startsWith("linger")
        || key.startsWith("acks") || key.startsWith("enable.idempotence") || key.startsWith("compression"));
    consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, producer.get(ProducerConfig.CLIENT_ID_CONFIG) + "-replies");
    this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    int partitions = topics.admissionDecisions.spec().partitions();
    this.replies = new TopicPartition(topics.admissionDecisions.name(),
        ThreadLocalRandom.current().nextInt(partitions));
    for (int p = 0; p < topics.budgets.spec().partitions(); p++) {
      budgetPartitions.add(new TopicPartition(topics.budgets.name(), p));
    }
    this.reader = new Thread(this::read, "tokenledger-admission-replies");
    reader.setDaemon(true);
    reader.start();
  }

  /** Asks, waiting at most the timeout for the team's task; never throws for an unreachable task. */
  public Admission admit(AdmissionQuery query) {
    try {
      return admitAsync(query).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unreachable(query, "interrupted while waiting for the team's task", System.nanoTime());
    } catch (ExecutionException e) {
      throw new IllegalStateException("admission failed for team " + query.team() + ": " + e.getCause(), e.getCause());
    }
  }

  public CompletableFuture<Admission> admitAsync(AdmissionQuery query) {
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    Admission local = leases.take(query, now);
    if (local != null) {
      return CompletableFuture.completedFuture(counted(local, start));
    }
    if (ready.getCount() > 0) {
      // An answer written before the reply partition is read would be missed: wait for the reader first.
      try {
        ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String id = UUID.randomUUID().toString();
    AdmissionRequest request = AdmissionRequest.newBuilder().setRequestId(id).setTeam(query.team())
        .setWorkflow(query.workflow()).setUserId(query.userId()).setAgentId(query.agentId())
        .setProvider(query.provider()).setModel(query.model()).setEstimatedInputTokens(query.estimatedInputTokens())
        .setMaxOutputTokens(query.maxOutputTokens()).setLease(askForLeases).setReplyPartition(replies.partition())
        .setReturnedLeases(leases.drainReturns(query.team()))
        .setRequestedAt(Instant.ofEpochMilli(now)).setAnswerBy(Instant.ofEpochMilli(now + timeout.toMillis()))
        .build();
    CompletableFuture<AdmissionDecision> answer = new CompletableFuture<>();
    pending.put(id, answer);
    try {
      requests.send(new ProducerRecord<>(topics.admissionRequests.name(), query.team(), request), (metadata, error) -> {
        if (error != null) {
          answer.completeExceptionally(error);
        }
      });
    } catch (RuntimeException e) {
      answer.completeExceptionally(e);
    }
    return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((decision, failure) -> {
      pending.remove(id);
      if (failure != null || decision.getVerdict() == AdmissionVerdict.LATE) {
        String why = failure == null ? "its answer came after the timeout"
            : failure instanceof TimeoutException ? "no answer within " + timeout.toMillis() + " ms"
            : "the request could not be sent (" + failure + ")";
        return unreachable(query, why, start);
      }
      leases.offer(query, decision);
      return counted(fromTask(decision), start);
    });
  }

  private static Admission fromTask(AdmissionDecision d) {
    Admission.Verdict verdict = switch (d.getVerdict()) {
      case ALLOW -> Admission.Verdict.ALLOW;
      case DOWNGRADE -> Admission.Verdict.DOWNGRADE;
      default -> Admission.Verdict.DENY;
    };
    return new Admission(verdict, d.getProvider(), d.getModel(), d.getGoverned(), d.getReservationId(),
        d.getReservedNanoUsd(), d.getReservedTokens(), d.getBudgetId(), d.getLeftNanoUsd(), d.getLeftTokens(),
        d.getResetsAt(), d.getReason(), Admission.Source.TEAM_TASK);
  }

  /** The covering HARD budgets' choice, read from the budgets topic: any fail-closed one denies. */
  private Admission unreachable(AdmissionQuery query, String why, long start) {
    ProviderModel model = ProviderModel.of(query.provider(), query.model());
    Budget closed = null;
    boolean governed = false;
    for (Budget budget : budgets.values()) {
      if (budget.getEnforcement() == BudgetEnforcement.HARD && BudgetCoverage.covers(budget, query.team(),
          query.workflow(), model, query.userId(), query.agentId())) {
        governed = true;
        if (budget.getWhenUnreachable() == BudgetUnreachable.FAIL_CLOSED && (closed == null
            || budget.getBudgetId().compareTo(closed.getBudgetId()) < 0)) {
          closed = budget;
        }
      }
    }
    String known = budgetsLoaded ? "" : " (the budgets were not read yet: fail-open)";
    Admission answer = closed != null
        ? new Admission(Admission.Verdict.DENY, query.provider(), query.model(), true, null, 0, 0,
            closed.getBudgetId(), null, null, null, "Denied: the team's task did not answer (" + why + ") and budget "
            + closed.getBudgetId() + " fails closed.", Admission.Source.UNREACHABLE)
        : new Admission(Admission.Verdict.ALLOW, query.provider(), query.model(), governed, null, 0, 0, null, null,
            null, null, "Allowed without a reservation: the team's task did not answer (" + why + ")"
            + (governed ? " and every HARD budget covering the call fails open" : "") + known
            + "; the call is counted when its usage is recorded.", Admission.Source.UNREACHABLE);
    if (closed == null && governed) {
      log.warn("Admission for team {} ({} {}): {}; allowed, fail-open", query.team(), query.workflow(),
          query.model(), why);
    } else if (closed != null) {
      log.warn("Admission for team {} ({} {}): {}; denied, budget {} fails closed", query.team(), query.workflow(),
          query.model(), why, closed.getBudgetId());
    }
    return counted(answer, start);
  }

  private Admission counted(Admission answer, long start) {
    String verdict = answer.verdict().name().toLowerCase();
    answers.computeIfAbsent(answer.source() + "/" + verdict, k -> Counter.builder("tokenledger.admission.answers")
        .description("Admission answers by who gave them (lease, team_task, unreachable) and verdict")
        .tag("source", answer.source().name().toLowerCase()).tag("verdict", verdict).register(meters)).increment();
    latency.computeIfAbsent(answer.source(), s -> Timer.builder("tokenledger.admission.latency")
        .description("Admission, from asking to the answer").tag("source", s.name().toLowerCase())
        .publishPercentiles(0.5, 0.99).register(meters)).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return answer;
  }

  private void read() {
    boolean positioned = false;
    Map<TopicPartition, Long> budgetEnds = Map.of();
    while (running) {
      try {
        if (!positioned) {
          List<TopicPartition> all = new ArrayList<>(budgetPartitions);
          all.add(replies);
          consumer.assign(all);
          consumer.seekToEnd(List.of(replies));
          consumer.position(replies, Duration.ofSeconds(5));
          consumer.seekToBeginning(budgetPartitions);
          budgetEnds = consumer.endOffsets(budgetPartitions, Duration.ofSeconds(5));
          positioned = true;
          ready.countDown();
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(replies.topic())) {
            AdmissionDecision d = topics.admissionDecisions.valueSerde().deserializer().deserialize(r.topic(), r.value());
            CompletableFuture<AdmissionDecision> waiting = pending.get(d.getRequestId());
            if (waiting != null) {
              waiting.complete(d);
            }
          } else if (r.key() != null) {
            String id = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (r.value() == null) {
              budgets.remove(id);
            } else {
              budgets.put(id, topics.budgets.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            }
          }
        }
        if (!budgetsLoaded) {
          boolean caughtUp = true;
          for (Map.Entry<TopicPartition, Long> end : budgetEnds.entrySet()) {
            caughtUp &= consumer.position(end.getKey()) >= end.getValue();
          }
          budgetsLoaded = caughtUp;
        }
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        log.warn("Admission replies reader for {}: {}; retrying in 1 s", replies, e.toString());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  /**
   * Gives back every lease held (what was not admitted from them is released in the team's task
   * at once, instead of when they expire), then stops.
   */
  @Override
  public void close() {
    long now = System.currentTimeMillis();
    for (String team : leases.giveBackAll()) {
      // A request that is already late: the task releases what it gives back and reserves nothing.
      AdmissionRequest giveBack = AdmissionRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
          .setTeam(team).setWorkflow("-").setProvider("-").setModel("-").setEstimatedInputTokens(0)
          .setMaxOutputTokens(0).setReplyPartition(replies.partition()).setRequestedAt(Instant.ofEpochMilli(now))
          .setAnswerBy(Instant.ofEpochMilli(now - 1)).setReturnedLeases(leases.drainReturns(team)).build();
      try {
        requests.send(new ProducerRecord<>(topics.admissionRequests.name(), team, giveBack));
      } catch (RuntimeException e) {
        log.info("Could not give back the leases of team {} on close ({}); they expire in the team's task", team,
            e.toString());
      }
    }
    running = false;
    consumer.wakeup();
    try {
      reader.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(2));
    requests.close(Duration.ofSeconds(2));
  }
}
