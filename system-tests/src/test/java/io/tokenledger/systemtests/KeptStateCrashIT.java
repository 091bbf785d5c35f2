package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The aggregation in its own JVM, killed with SIGKILL three times once its stores have written
 * checkpoints, and restarted as every launcher runs it: every task keeps its local state (the
 * restart says so) and restores only what its changelogs got since, and still every event counts
 * once in the period ledger, with duplicates of events counted before each crash sent again after
 * it (found in the kept dedup store) and every event sent once more at the end.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class KeptStateCrashIT {
  private static final Duration BOUND = Duration.ofSeconds(180);
  private static final int TEAMS = 4;
  private static final int PER_PHASE = 200;
  private static final long BUCKET = Duration.ofMinutes(15).toMillis();
  private static final Pattern KEPT = Pattern.compile("did not shut down cleanly last time; (\\d+) of its tasks restore");

  /** What was sent, counted independently of the topology: events per (team, workflow, model, bucket). */
  private final Map<String, Long> detailBuckets = new TreeMap<>();
  private final List<UsageEvent> sent = new ArrayList<>();

  @Test
  void aCrashKeepsEveryTasksStoresAndEachEventStillCountsOnce(EmbeddedKafka kafka) throws Exception {
    Topics topics = Topics.from(Map.of(Topics.PREFIX_CONFIG, "kept."));
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    Ledger.publishPrice(kafka.bootstrapServers(), topics, Ledger.gpt4o());
    Path config = AggregationProcess.writeConfig(kafka.bootstrapServers(), "kept.", "kept-test-aggregation",
        // Frequent checkpoints, and dedup memory small enough to let go of ids during the test: the
        // checkpoint then names where the oldest ids memory still holds were logged.
        Map.of(StreamsApps.CHECKPOINT_INTERVAL, "300ms", AggregationSettings.PREFIX + "dedup-memory-ids", "40"));
    Path appDir = appDirectory(config);
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    Instant started = Instant.now();
    Process topology = AggregationProcess.start(config);
    try (TopicReader<String, UsageAggregate> ledger = new TopicReader<>(kafka.bootstrapServers(), topics.seriesLedger15m);
         KafkaProducer<String, UsageEvent> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5),
        topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer())) {
      for (int crash = 1; crash <= 3; crash++) {
        long before = sent.size();
        produce(producer, topics, acks, PER_PHASE);
        resend(producer, topics, acks, sent.subList(0, (int) before)); // counted before: found, not counted
        ledger.readUntil(BOUND, r -> Ledger.events(r) > before, "counting before crash " + crash);
        // A store checkpoints at its flushes, so events keep coming (a flow, as in production) until all have.
        int tasks = awaitCheckpointsSince(appDir, started, () -> produce(producer, topics, acks, TEAMS));
        topology.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no commit, no close
        long atKill = sent.size();
        produce(producer, topics, acks, PER_PHASE); // events keep coming while it is down
        resend(producer, topics, acks, sent.subList(0, (int) atKill));
        Path log = Files.createTempFile(Path.of("target"), "kept-process", ".log");
        started = Instant.now();
        topology = AggregationProcess.start(config, log);
        assertEquals(tasks, keptTasks(log), "every task kept its stores after crash " + crash);
        ledger.readUntil(BOUND, r -> Ledger.events(r) > atKill, "counting after restart " + crash);
      }
      resend(producer, topics, acks, sent); // every event once more, then one marker per team
      for (int t = 0; t < TEAMS; t++) {
        send(producer, topics, acks, event("team-" + t, "marker", Instant.now()));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
      try (var detail = new TopicReader<>(kafka.bootstrapServers(), topics.seriesLedger15m)) {
        // The marker: each team's marker comes after all of its events and duplicates in its partition.
        detail.readUntil(BOUND, r -> markersCounted(r) == TEAMS, "every team's marker");
        assertEquals(detailBuckets, Ledger.latestPerBucket(detail.readToEnd(BOUND)), "ledger.team-workflow-model.15m");
      }
    } finally {
      topology.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void produce(KafkaProducer<String, UsageEvent> producer, Topics topics, List<Future<RecordMetadata>> acks,
      int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      UsageEvent event = event("team-" + (i % TEAMS), i % (2 * TEAMS) < TEAMS ? "draft" : "review", Instant.now());
      sent.add(event);
      send(producer, topics, acks, event);
      if (i % 20 == 19) {
        TimeUnit.MILLISECONDS.sleep(100); // a steady flow of ~200 events/s, not a wait for an outcome
      }
    }
  }

  private static void resend(KafkaProducer<String, UsageEvent> producer, Topics topics,
      List<Future<RecordMetadata>> acks, List<UsageEvent> events) {
    for (UsageEvent event : List.copyOf(events)) {
      acks.add(producer.send(new ProducerRecord<>(topics.usage.name(), event.getTeam(), event)));
    }
  }

  private void send(KafkaProducer<String, UsageEvent> producer, Topics topics, List<Future<RecordMetadata>> acks,
      UsageEvent event) {
    acks.add(producer.send(new ProducerRecord<>(topics.usage.name(), event.getTeam(), event)));
    long at = event.getEventTime().toEpochMilli();
    detailBuckets.merge(event.getTeam() + "|" + event.getWorkflow() + "|openai/gpt-4o@" + (at - at % BUCKET), 1L,
        Long::sum);
  }

  private static UsageEvent event(String team, String workflow, Instant at) {
    return UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(at).setTeam(team).setWorkflow(workflow)
        .setService("s").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(1_000).build();
  }

  private static long markersCounted(List<ConsumerRecord<String, UsageAggregate>> records) {
    return records.stream().filter(r -> r.key().contains("|marker|")).map(ConsumerRecord::key).distinct().count();
  }

  private static Path appDirectory(Path config) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(config)) {
      p.load(in);
    }
    return Path.of(p.getProperty(StreamsConfig.STATE_DIR_CONFIG)).resolve(p.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
  }

  /**
   * Waits until every store directory of every task has its checkpoint and at least one was
   * written by the running process, sending {@code flow} between looks; returns how many task
   * directories there are.
   */
  private static int awaitCheckpointsSince(Path appDir, Instant started, Flow flow) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (true) {
      List<Path> tasks = taskDirectories(appDir);
      boolean every = !tasks.isEmpty();
      boolean fresh = false;
      for (Path task : tasks) {
        for (Path store : children(task, Files::isDirectory)) {
          Path offsets = task.resolve(store.getFileName() + ".offsets");
          if (!Files.isRegularFile(offsets)) {
            every = false;
          } else if (Files.getLastModifiedTime(offsets).compareTo(FileTime.from(started)) >= 0) {
            fresh = true;
          }
        }
      }
      if (every && fresh) {
        return tasks.size();
      }
      assertTrue(System.nanoTime() < deadline, "no checkpoint of every store in " + appDir + " within " + BOUND);
      flow.next();
      TimeUnit.MILLISECONDS.sleep(100); // the flow's pace while polling the state directory, bounded above
    }
  }

  /** A few more events. */
  private interface Flow {
    void next() throws Exception;
  }

  private static List<Path> taskDirectories(Path appDir) throws IOException {
    return children(appDir, p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d+_\\d+"));
  }

  private static List<Path> children(Path dir, java.util.function.Predicate<Path> which) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(which).toList();
    }
  }

  /** How many tasks the restarted process said it kept, read from its log once it says. */
  private static int keptTasks(Path log) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (true) {
      Matcher m = KEPT.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertTrue(System.nanoTime() < deadline, "the restart did not say what it kept within " + BOUND + ": " + log);
      TimeUnit.MILLISECONDS.sleep(50); // polling its log for the line, bounded above
    }
  }
}
