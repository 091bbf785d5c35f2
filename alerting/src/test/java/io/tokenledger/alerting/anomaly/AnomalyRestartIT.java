package io.tokenledger.alerting.anomaly;

import static io.tokenledger.alerting.anomaly.AnomalyFixture.MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AnomalyKind;
import io.tokenledger.schemas.AnomalyStatus;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An anomaly raised before alerting restarts on an empty state directory is resolved after it,
 * from the state restored from the changelog: never raised a second time, never left open.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AnomalyRestartIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final String TRIAGE = "support|triage|openai/gpt-4o";

  @Test
  void anAnomalyOpenAcrossARestartIsResolvedOnceAndNotRaisedAgain(EmbeddedKafka kafka) throws Exception {
    Map<String, Object> base = Map.of(Topics.PREFIX_CONFIG, "anomaly-restart.",
        "tokenledger.topic.aggregates.team-workflow-model.1m.partitions", "1",
        "tokenledger.topic.ledger.team-workflow-model.15m.partitions", "1");
    Topics topics = Topics.from(base);
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    // The runaway minute is 10 minutes ago: recent enough to be announced (an hour older would be
    // replayed history, learned and not announced).
    long start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(70)).toEpochMilli();
    long m60 = start + 60 * MINUTE;

    KafkaStreams alerting = start(kafka, topics, base);
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), topics.seriesAggregates1m.keySerde().serializer(),
        topics.seriesAggregates1m.valueSerde().serializer());
        var anomalies = new TopicReader<>(kafka.bootstrapServers(), topics.anomalyAlerts)) {
      for (int m = 0; m < 60; m++) { // an hour of 10 requests a minute: past the warm-up
        send(producer, topics, start + m * MINUTE, 10, start + (m + 1) * MINUTE - 1);
      }
      send(producer, topics, m60, 70, m60 + 20_000); // 7x in 20 seconds: a runaway
      anomalies.readUntil(BOUND, r -> r.size() == 2, "the burn-rate and request-rate anomalies raised");

      StreamsApps.close(alerting, Duration.ofSeconds(30));
      alerting = start(kafka, topics, base); // a new, empty state directory: restored from the changelogs

      send(producer, topics, m60 + MINUTE, 10, m60 + 2 * MINUTE - 1); // normal again
      send(producer, topics, m60 + 2 * MINUTE, 10, m60 + 3 * MINUTE - 1);
      send(producer, topics, m60 + 3 * MINUTE, 10, m60 + 4 * MINUTE - 1); // closes the second normal minute
      anomalies.readUntil(BOUND, r -> r.stream().filter(a -> a.value().getStatus() == AnomalyStatus.RESOLVED)
          .count() == 2, "both anomalies resolved");
      List<AnomalyAlert> all = anomalies.readToEnd(BOUND).stream().map(r -> r.value()).toList();
      assertEquals(List.of("BURN_RATE_SPIKE RAISED", "REQUEST_RATE_SPIKE RAISED", "BURN_RATE_SPIKE RESOLVED",
          "REQUEST_RATE_SPIKE RESOLVED"), all.stream().map(a -> a.getKind() + " " + a.getStatus()).toList(),
          "raised once before the restart, resolved once after it");
      AnomalyAlert requests = all.stream().filter(a -> a.getKind() == AnomalyKind.REQUEST_RATE_SPIKE
          && a.getStatus() == AnomalyStatus.RESOLVED).findFirst().orElseThrow();
      assertEquals(Instant.ofEpochMilli(m60), requests.getStartedAt(), "the anomaly from before the restart");
      assertEquals(70, requests.getObserved(), "its peak, kept across the restart");
      assertEquals(Instant.ofEpochMilli(m60 + MINUTE), requests.getResolvedAt());
    } finally {
      StreamsApps.close(alerting, Duration.ofSeconds(30));
    }
  }

  private static void send(KafkaProducer<String, UsageAggregate> producer, Topics topics, long minuteStart,
      long requests, long asOf) throws Exception {
    UsageAggregate minute = UsageAggregate.newBuilder().setScope(TRIAGE).setTeam("support").setWorkflow("triage")
        .setProvider("openai").setModel("gpt-4o").setWindowStart(Instant.ofEpochMilli(minuteStart))
        .setWindowEnd(Instant.ofEpochMilli(minuteStart + MINUTE)).setEventCount(requests).setRequestCount(requests)
        .setUncachedInputTokens(requests * 1_000).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0)
        .setReasoningTokens(0).setCostNanoUsd(requests * 1_000_000).build();
    producer.send(new ProducerRecord<>(topics.seriesAggregates1m.name(), null, asOf, TRIAGE, minute)).get();
  }

  private static KafkaStreams start(EmbeddedKafka kafka, Topics topics, Map<String, Object> base) throws Exception {
    Map<String, Object> config = new HashMap<>(base);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "anomaly-restart-alerting");
    config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "anomaly-restart")
        .toString());
    KafkaStreams streams = new KafkaStreams(AlertingApp.buildTopology(topics, AlertingSettings.from(config)),
        AlertingApp.config(config));
    streams.start();
    return streams;
  }
}
