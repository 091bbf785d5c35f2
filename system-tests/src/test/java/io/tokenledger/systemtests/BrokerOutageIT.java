package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.ingest.recorder.Receipt;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.devtools.broker.DevBroker;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * No usage is lost when Kafka goes away: events recorded while the broker is down are
 * spooled, survive a restart of the recorder, and reach the figures exactly once when the broker
 * is back. With production grace, replayed events may arrive after their minute went final: the
 * ledgers still hold every one, and every event is either in a final window or on the late topic.
 */
class BrokerOutageIT {
  private static final Duration BOUND = Duration.ofSeconds(120);

  @Test
  void everyEventRecordedAcrossABrokerOutageARecorderRestartAndAKilledRecordingProcessIsCountedExactlyOnce() throws Exception {
    Path brokerDir = Files.createTempDirectory(Path.of("target"), "outage-broker");
    Path spool = Files.createTempDirectory(Path.of("target"), "outage-spool");
    int port = Ports.free();
    int controllerPort = Ports.free();
    DevBroker broker = DevBroker.start(brokerDir, "127.0.0.1", port, controllerPort);
    String bootstrap = broker.bootstrapServers();

    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "outage-state").toString());
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms"); // production grace (1 min)
    // One usage partition: the cross-team finals need every partition's progress, and idle ones wait minutes.
    config.put("tokenledger.topic.usage.partitions", "1");
    config.put("tokenledger.topic.internal.rollup-partials.partitions", "1");
    Topics topics = Topics.from(config);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicApplier.apply(admin, topics.all());
    }
    Ledger.publishPrice(bootstrap, topics, Ledger.gpt4o());
    KafkaStreams aggregation = new KafkaStreams(
        AggregationApp.buildTopology(topics, AggregationSettings.from(config)), AggregationApp.config(config));
    StreamsApps.replaceFailedThreads(aggregation, AggregationApp.APPLICATION_ID);
    aggregation.start();

    try {
      // 1. Broker up: 30 events are sent.
      UsageRecorder first = recorder(bootstrap, topics, spool);
      List<Receipt> before = recordAll(first, 30);
      assertTrue(before.stream().allMatch(r -> r.status() == Receipt.Status.SENT), "sent while Kafka is up");

      // 2. Broker down: 40 more events, then the recording process restarts (close + new recorder).
      broker.close();
      List<CompletableFuture<Receipt>> during = recordAsync(first, 40);
      first.close();
      List<Receipt> spooled = join(during);
      assertTrue(spooled.stream().allMatch(r -> r.status() == Receipt.Status.SPOOLED),
          "nothing can be sent while Kafka is down: " + spooled);

      UsageRecorder second = recorder(bootstrap, topics, spool);
      List<CompletableFuture<Receipt>> afterRestart = recordAsync(second, 20);

      // Another recording process spools 15 events while Kafka is down and is killed (SIGKILL).
      Path killedSpool = Files.createTempDirectory(Path.of("target"), "outage-killed-spool");
      recordInAProcessThenKillIt(bootstrap, killedSpool, 15);

      // 3. Broker back: both spools are replayed (the killed process's by a new recorder) and new events go through.
      broker = DevBroker.start(brokerDir, "127.0.0.1", port, controllerPort);
      UsageRecorder successor = recorder(bootstrap, topics, killedSpool);
      List<Receipt> spooledAfterRestart = join(afterRestart);
      List<Receipt> lastReceipts = join(recordAsync(second, 10)); // some may still be spooled, then replayed
      long toReplay = 40 + 15 + java.util.stream.Stream.concat(spooledAfterRestart.stream(), lastReceipts.stream())
          .filter(r -> r.status() == Receipt.Status.SPOOLED).count();
      Await.until(BOUND, () -> replayed() == toReplay, () -> "all " + toReplay + " spooled events replayed; "
          + replayed());
      // The marker, after every replay: a later event of the same team closes every minute before it
      // (2.5 minutes on: past the last minute's end plus the 1-minute grace, within the 5-minute clock skew).
      Instant markerTime = latestEventTime.plus(Duration.ofSeconds(150));
      assertEquals(Receipt.Status.SENT, second.record(UsageEvent.newBuilder().setEventId("marker")
          .setEventTime(markerTime).setTeam("support").setWorkflow("marker").setService("support-bot")
          .setProvider("openai").setModel("gpt-4o").build()).get(60, TimeUnit.SECONDS).status());

      try (var aggregates = new TopicReader<>(bootstrap, topics.teamAggregates1m);
          var models = new TopicReader<>(bootstrap, topics.modelAggregates1m);
          var teamLedger = new TopicReader<>(bootstrap, topics.teamLedger15m);
          var detailLedger = new TopicReader<>(bootstrap, topics.seriesLedger15m);
          var late = new TopicReader<>(bootstrap, topics.lateUsage)) {
        Instant markerMinute = markerTime.truncatedTo(ChronoUnit.MINUTES);
        Instant lastMinute = latestEventTime.truncatedTo(ChronoUnit.MINUTES);
        // The cross-team final of the last minute with usage comes after everything before it.
        models.readUntil(BOUND, r -> r.stream().anyMatch(a -> a.value().getIsFinal()
            && a.value().getWindowStart().equals(lastMinute)), "the final of the last minute with usage");
        long lateEvents = late.readToEnd(BOUND).size();
        long inFinalWindows = finalEvents(aggregates.readToEnd(BOUND), markerMinute);
        assertEquals(115, inFinalWindows + lateEvents, "every event in a final window or late, once: "
            + inFinalWindows + " + " + lateEvents);
        assertEquals(115, finalEvents(models.readToEnd(BOUND), markerMinute) + lateEvents, "across teams too");
        List<ConsumerRecord<String, UsageAggregate>> team = teamLedger.readToEnd(BOUND);
        assertEquals(116, Ledger.events(team), "the team's ledger: all 115 and the marker");
        assertEquals(115 * Ledger.COST_OF_1000_INPUT_TOKENS_NANO_USD, Ledger.costNanoUsd(team));
        List<ConsumerRecord<String, UsageAggregate>> detail = detailLedger.readToEnd(BOUND).stream()
            .filter(r -> r.key().equals("support|triage|openai/gpt-4o")).toList();
        assertEquals(115, Ledger.events(detail), "the detail ledger alerting reads: none lost, none doubled");
        assertEquals(115 * Ledger.COST_OF_1000_INPUT_TOKENS_NANO_USD, Ledger.costNanoUsd(detail));
      }
      second.close();
      successor.close();
    } finally {
      StreamsApps.close(aggregation, Duration.ofSeconds(30));
      broker.close();
    }
  }

  /** Runs {@link SpoolingRecorderProcess} in its own JVM and kills it once its events are spooled. */
  private static void recordInAProcessThenKillIt(String bootstrap, Path spool, int events) throws Exception {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger", "-cp", System.getProperty("java.class.path"),
        SpoolingRecorderProcess.class.getName(), bootstrap, spool.toAbsolutePath().toString(),
        Topics.DEFAULT_PREFIX, Integer.toString(events)).redirectErrorStream(true).start();
    try (var output = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()))) {
      CompletableFuture<String> spooled = CompletableFuture.supplyAsync(() -> output.lines()
          .filter(line -> line.startsWith("SPOOLED ")).findFirst().orElse("exited without spooling"));
      assertEquals("SPOOLED " + events, spooled.get(BOUND.toSeconds(), TimeUnit.SECONDS));
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no close, no flush
    }
  }

  /** Final records of windows before the marker's minute: each window's one final. */
  private static long finalEvents(List<ConsumerRecord<String, UsageAggregate>> records, Instant markerMinute) {
    return records.stream().map(ConsumerRecord::value)
        .filter(a -> a.getIsFinal() && a.getWindowStart().isBefore(markerMinute)).mapToLong(UsageAggregate::getEventCount)
        .sum();
  }

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private double replayed() {
    var counter = meters.find("tokenledger.recorder.events").tag("outcome", "replayed").counter();
    return counter == null ? 0 : counter.count();
  }

  private UsageRecorder recorder(String bootstrap, Topics topics, Path spool) {
    return UsageRecorder.builder(topics.usage).meterRegistry(meters)
        .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000))
        .spoolDirectory(spool).closeTimeout(Duration.ofSeconds(5)).closeOnShutdown(false).build();
  }

  private List<Receipt> recordAll(UsageRecorder recorder, int count) throws Exception {
    return join(recordAsync(recorder, count));
  }

  private Instant latestEventTime = Instant.EPOCH;

  private List<CompletableFuture<Receipt>> recordAsync(UsageRecorder recorder, int count) {
    List<CompletableFuture<Receipt>> receipts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      latestEventTime = Instant.now();
      receipts.add(recorder.record(UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(latestEventTime)
          .setTeam("support").setWorkflow("triage").setService("support-bot").setProvider("openai")
          .setModel("gpt-4o").setUncachedInputTokens(1_000).build()));
    }
    return receipts;
  }

  private static List<Receipt> join(List<CompletableFuture<Receipt>> receipts) throws Exception {
    List<Receipt> done = new ArrayList<>();
    for (CompletableFuture<Receipt> receipt : receipts) {
      done.add(receipt.get(BOUND.toSeconds(), TimeUnit.SECONDS));
    }
    return done;
  }

}
