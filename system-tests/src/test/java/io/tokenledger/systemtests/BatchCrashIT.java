package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.TeamPartitions;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Usage batches (a {@code UsageBatch}, 200 events of a team to a record) through the aggregation
 * in its own JVM, killed with SIGKILL three times while batches flow: a batch is processed event
 * by event inside one record, so a kill lands in the middle of one more often than not, and
 * batches are sent again after each restart as a recorder replaying its spool would. Afterwards
 * every event is in the ledgers and on the priced usage topic exactly once: each ledger bucket
 * equals an independent tally of the distinct events sent, and every event id is published once.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class BatchCrashIT {
  private static final Duration BOUND = Duration.ofSeconds(180);
  private static final int TEAMS = 3;
  private static final int BATCH = 200;
  private static final int BATCHES_PER_PHASE = 12;
  private static final long BUCKET = Duration.ofMinutes(15).toMillis();

  /** Distinct events sent, per team and 15-minute bucket; and every id. */
  private final Map<String, Long> teamBuckets = new TreeMap<>();
  private final java.util.Set<String> ids = new java.util.HashSet<>();
  private final List<List<UsageEvent>> sentBatches = new ArrayList<>();

  @Test
  void aBatchHalfProcessedWhenTheProcessDiesCountsOnce(EmbeddedKafka kafka) throws Exception {
    Topics topics = Topics.from(Map.of(Topics.PREFIX_CONFIG, "batchcrash."));
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    Ledger.publishPrice(kafka.bootstrapServers(), topics, Ledger.gpt4o());
    Path config = writeConfig(kafka.bootstrapServers());
    Process topology = start(config);
    Topic<String, List<PricedUsageEvent>> priced = topics.pricedUsageBatches.asLists(topics.pricedUsage);
    try (TopicReader<String, UsageAggregate> progress = new TopicReader<>(kafka.bootstrapServers(), topics.teamLedger15m);
         KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
             ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
             ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5),
             Serdes.String().serializer(), Serdes.ByteArray().serializer())) {
      for (int phase = 1; phase <= 3; phase++) {
        long before = ids.size();
        sendNewBatches(producer, topics);
        // Kill only a topology that is processing this phase's batches.
        progress.readUntil(BOUND, r -> Ledger.events(r) > before, "progress before kill " + phase);
        topology.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no commit, no close
        sendNewBatches(producer, topics); // batches keep coming while it is down
        resendEarlierBatches(producer, topics, phase); // and some again, as a spool replay sends them
        topology = start(config);
      }
      java.util.Set<String> clocks = sendClocks(producer, topics);
      // The marker: each partition's clock event, sent after every batch in its partition, is in
      // the team ledger, so everything before it was counted and published in that emit or earlier.
      progress.readUntil(BOUND, r -> r.stream().map(ConsumerRecord::key).collect(java.util.stream.Collectors.toSet())
          .containsAll(clocks), "the clock event of every partition in the team ledger");
      try (var teamLedger = new TopicReader<>(kafka.bootstrapServers(), topics.teamLedger15m);
           var publishedReader = new TopicReader<>(kafka.bootstrapServers(), priced)) {
        assertEquals(teamBuckets, Ledger.latestPerBucket(teamLedger.readToEnd(BOUND)), "ledger.team.15m");
        Map<String, Integer> published = new HashMap<>();
        for (ConsumerRecord<String, List<PricedUsageEvent>> record : publishedReader.readToEnd(BOUND)) {
          for (PricedUsageEvent event : record.value()) {
            if (!event.getTeam().startsWith("clock")) {
              published.merge(event.getEventId(), 1, Integer::sum);
              assertEquals(Ledger.COST_OF_1000_INPUT_TOKENS_NANO_USD, event.getCostNanoUsd());
            }
          }
        }
        assertEquals(ids, published.keySet(), "every event published");
        assertEquals(Map.of(), published.entrySet().stream().filter(e -> e.getValue() != 1)
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "each once");
      }
    } finally {
      topology.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void sendNewBatches(KafkaProducer<String, byte[]> producer, Topics topics) throws Exception {
    for (int b = 0; b < BATCHES_PER_PHASE; b++) {
      String team = "team-" + (b % TEAMS);
      List<UsageEvent> batch = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        Instant at = Instant.now();
        batch.add(UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(at).setTeam(team)
            .setWorkflow(i % 2 == 0 ? "draft" : "review").setService("s").setProvider("openai").setModel("gpt-4o")
            .setUncachedInputTokens(1_000).build());
      }
      for (UsageEvent event : batch) {
        ids.add(event.getEventId());
        long at = event.getEventTime().toEpochMilli();
        teamBuckets.merge(team + "@" + (at - at % BUCKET), 1L, Long::sum);
      }
      sentBatches.add(batch);
      send(producer, topics, team, batch);
      TimeUnit.MILLISECONDS.sleep(100); // a steady flow, not a burst
    }
  }

  /** Every third batch sent so far, again, unchanged: each of its events is already counted. */
  private void resendEarlierBatches(KafkaProducer<String, byte[]> producer, Topics topics, int phase)
      throws Exception {
    for (int b = phase % 3; b < sentBatches.size(); b += 3) {
      List<UsageEvent> batch = sentBatches.get(b);
      send(producer, topics, batch.get(0).getTeam(), batch);
    }
  }

  private static void send(KafkaProducer<String, byte[]> producer, Topics topics, String team, List<UsageEvent> batch)
      throws Exception {
    producer.send(new ProducerRecord<>(topics.usage.name(), null, team,
        topics.usageBatches.encodeValues(topics.usage.name(), batch), List.of(topics.usageBatches.header()))).get();
  }

  /** One event with no tokens in every usage partition, after everything else; its teams. */
  private static java.util.Set<String> sendClocks(KafkaProducer<String, byte[]> producer, Topics topics)
      throws Exception {
    java.util.Set<String> teams = new java.util.HashSet<>();
    int partitions = topics.usage.spec().partitions();
    for (int p = 0; p < partitions; p++) {
      String team = null;
      for (int i = 0; team == null; i++) {
        team = TeamPartitions.partitionOf("clock-" + i, partitions) == p ? "clock-" + i : null;
      }
      UsageEvent clock = UsageEvent.newBuilder().setEventId("clock-" + p).setEventTime(Instant.now())
          .setTeam(team).setWorkflow("clock").setService("s").setProvider("openai").setModel("clock-model").build();
      producer.send(new ProducerRecord<>(topics.usage.name(), team,
          topics.usage.valueSerde().serializer().serialize(topics.usage.name(), clock))).get();
      teams.add(team);
    }
    return teams;
  }

  private static Process start(Path config) throws Exception {
    return AggregationProcess.start(config);
  }

  private static Path writeConfig(String bootstrap) throws Exception {
    return AggregationProcess.writeConfig(bootstrap, "batchcrash.", "batch-crash-test-aggregation", Map.of());
  }
}
