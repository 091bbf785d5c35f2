package io.tokenledger.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.ingest.recorder.Receipt;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.ops.broker.DevBroker;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * spooled, survive a restart of the recorder, and reach the aggregates exactly once when the
 * broker is back.
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
    config.put(AggregationSettings.PREFIX + "grace", "10m"); // replayed events are on time
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
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
      join(afterRestart);
      List<CompletableFuture<Receipt>> last = recordAsync(second, 10);
      join(last);

      try (TopicReader<String, UsageAggregate> aggregates = new TopicReader<>(bootstrap, topics.teamAggregates1m)) {
        List<ConsumerRecord<String, UsageAggregate>> read = aggregates.readUntil(BOUND,
            records -> Ledger.events(records) >= 115, "115 events counted");
        assertEquals(115, Ledger.events(read), "every event once: none lost, none doubled");
        assertEquals(115 * Ledger.COST_OF_1000_INPUT_TOKENS_NANO_USD, Ledger.costNanoUsd(read));
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

  private static UsageRecorder recorder(String bootstrap, Topics topics, Path spool) {
    return UsageRecorder.builder(topics.usage)
        .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000))
        .spoolDirectory(spool).closeTimeout(Duration.ofSeconds(5)).closeOnShutdown(false).build();
  }

  private static List<Receipt> recordAll(UsageRecorder recorder, int count) throws Exception {
    return join(recordAsync(recorder, count));
  }

  private static List<CompletableFuture<Receipt>> recordAsync(UsageRecorder recorder, int count) {
    List<CompletableFuture<Receipt>> receipts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      receipts.add(recorder.record(UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(Instant.now())
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
