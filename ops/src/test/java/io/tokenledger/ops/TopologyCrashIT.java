package io.tokenledger.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The aggregation topology in its own JVM, killed with SIGKILL three times while events flow
 * and restarted each time: the aggregates still hold every event exactly once.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class TopologyCrashIT {
  private static final Duration BOUND = Duration.ofSeconds(180);

  @Test
  void killingTheTopologyWithSigkillLosesAndDoublesNothing(EmbeddedKafka kafka) throws Exception {
    Topics topics = Topics.from(Map.of(Topics.PREFIX_CONFIG, "crash."));
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    Ledger.publishPrice(kafka.bootstrapServers(), topics, Ledger.gpt4o());
    Path config = writeConfig(kafka.bootstrapServers());

    AtomicLong sent = new AtomicLong();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    Process topology = start(config);
    try (TopicReader<String, UsageAggregate> progress = new TopicReader<>(kafka.bootstrapServers(), topics.teamAggregates1m);
         KafkaProducer<String, UsageEvent> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5),
        topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer())) {
      long countedBefore = 0;
      for (int kill = 1; kill <= 3; kill++) {
        produceFor(producer, topics, Duration.ofSeconds(3), sent, acks);
        long floor = countedBefore;
        // Kill only a topology that is processing: it has published counts beyond what it had before.
        countedBefore = Ledger.events(progress.readUntil(BOUND, r -> Ledger.events(r) > floor, "progress before kill " + kill));
        topology.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no commit, no close
        produceFor(producer, topics, Duration.ofSeconds(1), sent, acks); // events keep coming while it is down
        topology = start(config);
      }
      produceFor(producer, topics, Duration.ofSeconds(3), sent, acks);
      for (Future<RecordMetadata> ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
    }
    long total = sent.get();
    assertTrue(total > 500, "enough events to cross the kills: " + total);

    try (TopicReader<String, UsageAggregate> aggregates = new TopicReader<>(kafka.bootstrapServers(),
        topics.teamAggregates1m)) {
      List<ConsumerRecord<String, UsageAggregate>> read = aggregates.readUntil(BOUND,
          r -> Ledger.events(r) >= total, total + " events counted");
      assertEquals(total, Ledger.events(read), "every event exactly once across three SIGKILLs");
      assertEquals(total * Ledger.COST_OF_1000_INPUT_TOKENS_NANO_USD, Ledger.costNanoUsd(read));
      assertLiveFiguresNeverShrink(read);
    } finally {
      topology.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A doubled count would show as a window whose figure later goes down (or ends too high). */
  private static void assertLiveFiguresNeverShrink(List<ConsumerRecord<String, UsageAggregate>> records) {
    Map<String, Long> seen = new HashMap<>();
    for (ConsumerRecord<String, UsageAggregate> r : records) {
      String window = r.key() + "@" + r.value().getWindowStart();
      long previous = seen.getOrDefault(window, 0L);
      assertTrue(r.value().getEventCount() >= previous, "window " + window + " went from " + previous + " to "
          + r.value().getEventCount());
      seen.put(window, r.value().getEventCount());
    }
  }

  private static void produceFor(KafkaProducer<String, UsageEvent> producer, Topics topics, Duration period,
      AtomicLong sent, List<Future<RecordMetadata>> acks) throws InterruptedException {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      for (int i = 0; i < 20; i++) {
        String team = "team-" + (sent.get() % 4);
        UsageEvent event = UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(Instant.now())
            .setTeam(team).setWorkflow("w").setService("s").setProvider("openai").setModel("gpt-4o")
            .setUncachedInputTokens(1_000).build();
        acks.add(producer.send(new ProducerRecord<>(topics.usage.name(), team, event)));
        sent.incrementAndGet();
      }
      TimeUnit.MILLISECONDS.sleep(50); // a steady flow of ~400 events/s, not a wait for an outcome
    }
  }

  private static Process start(Path config) throws Exception {
    Path log = Files.createTempFile(Path.of("target"), "topology-process", ".log");
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger", "-cp", System.getProperty("java.class.path"),
        AggregationApp.class.getName(), config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static Path writeConfig(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(Topics.PREFIX_CONFIG, "crash.");
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "crash-test-aggregation");
    p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "crash-state").toAbsolutePath().toString());
    p.put(AggregationSettings.PREFIX + "grace", "10m");
    p.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    // Static membership: a restarted instance takes its partitions back at once, no session timeout.
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "crash-test-instance");
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "10000");
    Path file = Files.createTempFile(Path.of("target"), "crash", ".properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "TopologyCrashIT");
    }
    return file;
  }


}
