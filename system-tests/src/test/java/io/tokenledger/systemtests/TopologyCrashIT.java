package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.TeamPartitions;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The aggregation topology in its own JVM, with production grace, killed with SIGKILL three
 * times while events flow and restarted as every launcher runs it ({@link AggregationApp#SERVICE}).
 * Afterwards every ledger bucket and every cross-team final record equals an independent tally of
 * what was sent (late events included in the ledgers), and alerting, fed from the ledgers the
 * whole time, has raised exactly the budget thresholds the tally crosses. The time from each
 * restart to processing again is printed (see BENCHMARKS.md).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class TopologyCrashIT {
  private static final Duration BOUND = Duration.ofSeconds(180);
  private static final int TEAMS = 4;
  private static final int ON_TIME_PER_PHASE = 300;
  private static final int LATE_PER_TEAM_PER_PHASE = 2;
  private static final long COST = Ledger.COST_OF_1000_INPUT_TOKENS_NANO_USD;
  private static final long BUCKET = Duration.ofMinutes(15).toMillis();
  private static final long MINUTE = Duration.ofMinutes(1).toMillis();

  /** What was sent, counted independently of the topology. */
  private final Map<String, Long> teamBuckets = new TreeMap<>();
  private final Map<String, Long> detailBuckets = new TreeMap<>();
  private final Map<String, Long> modelMinutes = new TreeMap<>();
  private final Map<String, Long> workflowMinutes = new TreeMap<>();
  private final Map<String, Long> teamEvents = new TreeMap<>();
  private long onTimeSent;

  @Test
  void sigkillWithProductionGraceLosesAndDoublesNothingInLedgersFinalsOrAlerts(EmbeddedKafka kafka)
      throws Exception {
    Topics topics = Topics.from(Map.of(Topics.PREFIX_CONFIG, "crash."));
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    Ledger.publishPrice(kafka.bootstrapServers(), topics, Ledger.gpt4o());
    for (Budget budget : budgets()) {
      CompactedTopics.write(kafka.bootstrapServers(), topics.budgets, budget.getBudgetId(), budget);
    }
    KafkaStreams alerting = startAlerting(kafka, topics);
    Path config = writeConfig(kafka.bootstrapServers());
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    List<Long> recoveries = new ArrayList<>();
    Process topology = start(config);
    try (TopicReader<String, UsageAggregate> progress = new TopicReader<>(kafka.bootstrapServers(), topics.teamAggregates1m);
         KafkaProducer<String, UsageEvent> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5),
        topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer())) {
      for (int phase = 1; phase <= 4; phase++) {
        produceOnTime(producer, topics, acks);
        if (phase > 1) { // every team's task has stream time now: these are late for sure
          produceLate(producer, topics, acks);
        }
        if (phase == 4) {
          break;
        }
        long beforePhase = onTimeSent - ON_TIME_PER_PHASE;
        // Kill only a topology that is processing: it has counted some of this phase's events.
        progress.readUntil(BOUND, r -> Ledger.events(r) > beforePhase, "progress before kill " + phase);
        topology.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no commit, no close
        long atKill = onTimeSent;
        produceOnTime(producer, topics, acks); // events keep coming while it is down
        long restarted = System.nanoTime();
        topology = start(config);
        progress.readUntil(BOUND, r -> Ledger.events(r) > atKill, "processing after restart " + phase);
        recoveries.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
      long lastMinute = modelMinutes.keySet().stream().map(k -> Long.parseLong(k.substring(k.indexOf('@') + 1)))
          .max(Long::compare).orElseThrow();
      closeEveryMinuteBefore(producer, topics, lastMinute + 2 * MINUTE);
      System.out.println("Recovery after kill -9 (process start to counting past the kill point), ms: " + recoveries);

      try (var teamLedger = new TopicReader<>(kafka.bootstrapServers(), topics.teamLedger15m);
           var detailLedger = new TopicReader<>(kafka.bootstrapServers(), topics.seriesLedger15m);
           var models = new TopicReader<>(kafka.bootstrapServers(), topics.modelAggregates1m);
           var workflows = new TopicReader<>(kafka.bootstrapServers(), topics.workflowAggregates1m);
           var statuses = new TopicReader<>(kafka.bootstrapServers(), topics.budgetStatus);
           var alerts = new TopicReader<>(kafka.bootstrapServers(), topics.budgetAlerts)) {
        // The marker: the cross-team final of the last minute with usage comes after every task
        // committed that minute's finalisation, ledger updates included.
        models.readUntil(BOUND, r -> r.stream().anyMatch(a -> a.value().getIsFinal()
            && a.value().getWindowStart().toEpochMilli() == lastMinute), "the final of the last minute");
        assertFinals(models.readToEnd(BOUND), modelMinutes, lastMinute);
        assertFinals(workflows.readToEnd(BOUND), workflowMinutes, lastMinute);
        assertEquals(teamBuckets, Ledger.latestPerBucket(teamLedger.readToEnd(BOUND)), "ledger.team.15m");
        assertEquals(detailBuckets, Ledger.latestPerBucket(detailLedger.readToEnd(BOUND)), "ledger.team-workflow-model.15m");

        // Alerting has seen all of each team's spend once its status shows it; its alerts came before.
        statuses.readUntil(BOUND, r -> budgets().stream().allMatch(b -> latestSpend(r, b.getBudgetId())
            == teamEvents.get(b.getTeam()) * COST), "every budget's status at the tally");
        Set<String> raised = alerts.readToEnd(BOUND).stream().map(r -> r.value().getBudgetId() + " "
            + r.value().getThresholdPercent() + "% " + r.value().getMeasure()).collect(Collectors.toSet());
        assertEquals(Set.of("b0 50% USD", "b0 80% USD", "b1 50% USD", "b1 80% USD", "b1 100% USD", "b3 50% TOKENS"),
            raised, "exactly the thresholds the tally crosses");
        assertEquals(raised.size(), alerts.values().size(), "each threshold once: " + alerts.values());
      }
    } finally {
      topology.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      StreamsApps.close(alerting, Duration.ofSeconds(30));
    }
  }

  /**
   * Each team sends 7 x 75 events on time (4 phases up, 3 down) and 3 x 2 late: 531 events,
   * 1,327,500,000 nano-USD and 531,000 tokens in the month. b0 crosses 50 and 80% (88.5%), b1
   * also 100% (110.6%), b2 nothing (44%), b3, a token budget, 50% (59%).
   */
  private static List<Budget> budgets() {
    return List.of(budget("b0", "team-0", 1_500_000_000L, null), budget("b1", "team-1", 1_200_000_000L, null),
        budget("b2", "team-2", 3_000_000_000L, null), budget("b3", "team-3", null, 900_000L));
  }

  private static Budget budget(String id, String team, Long limitNanoUsd, Long limitTokens) {
    return Budget.newBuilder().setBudgetId(id).setTeam(team).setLimitNanoUsd(limitNanoUsd).setLimitTokens(limitTokens)
        .setPeriod(BudgetPeriod.MONTH).setTimezone("UTC").setUpdatedAt(Instant.now()).build();
  }

  private void produceOnTime(KafkaProducer<String, UsageEvent> producer, Topics topics,
      List<Future<RecordMetadata>> acks) throws InterruptedException {
    for (int i = 0; i < ON_TIME_PER_PHASE; i++) {
      String team = "team-" + (i % TEAMS);
      String workflow = i % (2 * TEAMS) < TEAMS ? "draft" : "review";
      Instant at = Instant.now();
      send(producer, topics, acks, team, workflow, at);
      String minute = "@" + (at.toEpochMilli() - at.toEpochMilli() % MINUTE);
      onTimeSent++;
      modelMinutes.merge("openai/gpt-4o" + minute, 1L, Long::sum);
      workflowMinutes.merge(workflow + minute, 1L, Long::sum);
      if (i % 20 == 19) {
        TimeUnit.MILLISECONDS.sleep(100); // a steady flow of ~200 events/s, not a wait for an outcome
      }
    }
  }

  private void produceLate(KafkaProducer<String, UsageEvent> producer, Topics topics,
      List<Future<RecordMetadata>> acks) {
    Instant at = Instant.now().minus(Duration.ofMinutes(10));
    for (int t = 0; t < TEAMS; t++) {
      for (int i = 0; i < LATE_PER_TEAM_PER_PHASE; i++) {
        send(producer, topics, acks, "team-" + t, "draft", at);
      }
    }
  }

  private void send(KafkaProducer<String, UsageEvent> producer, Topics topics, List<Future<RecordMetadata>> acks,
      String team, String workflow, Instant at) {
    UsageEvent event = UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(at).setTeam(team)
        .setWorkflow(workflow).setService("s").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(1_000)
        .build();
    acks.add(producer.send(new ProducerRecord<>(topics.usage.name(), team, event)));
    long bucket = at.toEpochMilli() - at.toEpochMilli() % BUCKET;
    teamBuckets.merge(team + "@" + bucket, 1L, Long::sum);
    detailBuckets.merge(team + "|" + workflow + "|openai/gpt-4o@" + bucket, 1L, Long::sum);
    teamEvents.merge(team, 1L, Long::sum);
  }

  /**
   * One event with no tokens in every usage partition, two minutes after the last usage (within
   * the allowed clock skew): every task's stream time passes the last minute plus grace.
   */
  private static void closeEveryMinuteBefore(KafkaProducer<String, UsageEvent> producer, Topics topics, long at)
      throws Exception {
    int partitions = topics.usage.spec().partitions();
    for (int p = 0; p < partitions; p++) {
      String team = null;
      for (int i = 0; team == null; i++) {
        team = TeamPartitions.partitionOf("clock-" + i, partitions) == p ? "clock-" + i : null;
      }
      UsageEvent clock = UsageEvent.newBuilder().setEventId("clock-" + p).setEventTime(Instant.ofEpochMilli(at))
          .setTeam(team).setWorkflow("clock").setService("s").setProvider("openai").setModel("clock-model").build();
      producer.send(new ProducerRecord<>(topics.usage.name(), team, clock)).get();
    }
  }

  /** Exactly one final per (key, minute) before the last minute's end, each equal to the tally. */
  private static void assertFinals(List<ConsumerRecord<String, UsageAggregate>> records, Map<String, Long> tally,
      long lastMinute) {
    Map<String, Long> finals = new TreeMap<>();
    for (ConsumerRecord<String, UsageAggregate> r : records) {
      long minute = r.value().getWindowStart().toEpochMilli();
      if (r.value().getIsFinal() && minute <= lastMinute && !r.key().startsWith("clock")) {
        Long before = finals.put(r.key() + "@" + minute, r.value().getEventCount());
        assertEquals(null, before, "a second final for " + r.key() + "@" + minute);
        assertEquals(r.value().getEventCount() * COST, r.value().getCostNanoUsd(), r.key() + "@" + minute);
      }
    }
    assertEquals(tally, finals);
  }

  private static long latestSpend(List<ConsumerRecord<String, BudgetStatus>> records, String budgetId) {
    long spend = -1;
    for (ConsumerRecord<String, BudgetStatus> r : records) {
      if (r.key().equals(budgetId) && r.value() != null) {
        spend = r.value().getSpendNanoUsd();
      }
    }
    return spend;
  }

  private static KafkaStreams startAlerting(EmbeddedKafka kafka, Topics topics) throws Exception {
    Map<String, Object> config = new HashMap<>(Map.of(Topics.PREFIX_CONFIG, "crash.",
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        StreamsConfig.APPLICATION_ID_CONFIG, "crash-test-alerting",
        StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "crash-alerting").toString()));
    KafkaStreams alerting = new KafkaStreams(AlertingApp.buildTopology(topics, AlertingSettings.from(config)),
        AlertingApp.config(config));
    alerting.start();
    return alerting;
  }

  private static Process start(Path config) throws Exception {
    return AggregationProcess.start(config);
  }

  /** Production settings (grace, static membership from the state directory), a quick live emit. */
  private static Path writeConfig(String bootstrap) throws Exception {
    Map<String, String> extra = new HashMap<>();
    String staticMembership = System.getProperty("tokenledger.crash.static-membership");
    if (staticMembership != null) { // to measure recovery without it: -Dtokenledger.crash.static-membership=false
      extra.put(StreamsApps.STATIC_MEMBERSHIP, staticMembership);
    }
    return AggregationProcess.writeConfig(bootstrap, "crash.", "crash-test-aggregation", extra);
  }
}
