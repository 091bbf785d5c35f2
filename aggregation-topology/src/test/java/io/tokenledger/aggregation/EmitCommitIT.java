package io.tokenledger.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The live figures are visible to read-committed consumers because each emit asks for a commit,
 * not because of Kafka Streams' periodic commit: with that set to ten minutes, the team's and
 * the model's running totals of an event still arrive within the bound (the test driver commits
 * after every record whatever the processors ask, so only a real broker shows this).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class EmitCommitIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final Duration NO_PERIODIC_COMMIT = Duration.ofMinutes(10);

  @Test
  void anEmitsFiguresAreCommittedWithoutThePeriodicCommit(EmbeddedKafka kafka) throws Exception {
    Map<String, Object> config = new HashMap<>(Map.of(Topics.PREFIX_CONFIG, "emitcommit.",
        "tokenledger.topic.usage.partitions", "1", "tokenledger.topic.internal.rollup-partials.partitions", "1"));
    Topics topics = Topics.from(config);
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    TestPrices.publishGpt4o(kafka.bootstrapServers(), topics);
    Path state = Files.createTempDirectory(Path.of("target"), "emitcommit");
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "emitcommit-aggregation");
    config.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, NO_PERIODIC_COMMIT.toMillis());
    // A thread each for the rollup's task and the cross-team task: a thread commits all its tasks
    // when one asks, so on one thread either processor's ask would hide the other's missing.
    config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
    // Kafka Streams refuses a transaction timeout shorter than the commit interval.
    config.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        (int) NO_PERIODIC_COMMIT.toMillis());
    KafkaStreams streams = new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(config)),
        AggregationApp.config(config));
    streams.start();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers()), topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer());
        var team = new TopicReader<>(kafka.bootstrapServers(), topics.teamAggregates1m);
        var model = new TopicReader<>(kafka.bootstrapServers(), topics.modelAggregates1m)) {
      Instant now = Instant.now();
      producer.send(new ProducerRecord<>(topics.usage.name(), "support", UsageEvent.newBuilder().setEventId("e1")
          .setEventTime(now).setTeam("support").setWorkflow("triage").setService("svc").setProvider("openai")
          .setModel("gpt-4o").setUncachedInputTokens(1_000).build())).get();
      List<ConsumerRecord<String, UsageAggregate>> teamFigures = team.readUntil(BOUND, r -> !r.isEmpty(),
          "the team's running total, committed by the emit's commit");
      assertEquals(1, teamFigures.get(teamFigures.size() - 1).value().getEventCount());
      assertEquals(TestPrices.COST_OF_1000_INPUT_TOKENS_NANO_USD,
          teamFigures.get(teamFigures.size() - 1).value().getCostNanoUsd());
      List<ConsumerRecord<String, UsageAggregate>> modelFigures = model.readUntil(BOUND, r -> !r.isEmpty(),
          "the model's running total across teams, committed by the cross-team rollup's emit");
      assertEquals(1, modelFigures.get(modelFigures.size() - 1).value().getEventCount());
    } finally {
      StreamsApps.close(streams, Duration.ofSeconds(30));
    }
  }
}
