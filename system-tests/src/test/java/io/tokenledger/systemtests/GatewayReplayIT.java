package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A client that resends a whole batch (after a timeout, say) is counted once. */
@ExtendWith(EmbeddedKafkaExtension.class)
class GatewayReplayIT {
  private static final Duration BOUND = Duration.ofSeconds(60);

  @Test
  void aReplayedBatchIsCountedOnce(EmbeddedKafka kafka) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "replay").toString());
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    Topics topics = Topics.from(config);
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    String token = new ApiKeyAdmin(kafka.bootstrapServers(), topics.apiKeys).create("support", "replay test").token();
    KafkaStreams aggregation = new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(config)),
        AggregationApp.config(config));
    aggregation.start();
    try (ApiKeyDirectory keys = new ApiKeyDirectory(kafka.bootstrapServers(), topics.apiKeys);
         IngestGateway gateway = gateway(kafka, topics, keys)) {
      assertTrue(keys.awaitLoaded(BOUND));
      long now = Instant.now().toEpochMilli();
      String batch = """
          [{"event_id": "replay-1", "event_time": %d, "workflow": "w", "service": "s", "provider": "openai",
            "model": "gpt-4o", "uncached_input_tokens": 100},
           {"event_id": "replay-2", "event_time": %d, "workflow": "w", "service": "s", "provider": "openai",
            "model": "gpt-4o", "uncached_input_tokens": 200},
           {"event_id": "replay-3", "event_time": %d, "workflow": "w", "service": "s", "provider": "openai",
            "model": "gpt-4o", "uncached_input_tokens": 300}]""".formatted(now, now, now);
      // The batch twice, then a 1-token marker: one partition (key = team) is processed in order,
      // so once the marker is counted both copies of the batch have been processed.
      String marker = """
          {"event_id": "replay-marker", "event_time": %d, "workflow": "w", "service": "s", "provider": "openai",
           "model": "gpt-4o", "uncached_input_tokens": 1}""".formatted(now);
      for (String body : List.of(batch, batch, marker)) {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/v1/usage"))
            .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
      }
      try (TopicReader<String, UsageAggregate> aggregates = new TopicReader<>(kafka.bootstrapServers(),
          topics.teamAggregates1m)) {
        List<ConsumerRecord<String, UsageAggregate>> read = aggregates.readUntil(BOUND,
            r -> Ledger.uncachedInputTokens(r) % 2 == 1, "the marker to be counted");
        assertEquals(601, Ledger.uncachedInputTokens(read), "each of the 3 events once, although the batch was sent twice");
        assertEquals(4, Ledger.events(read));
      }
    } finally {
      StreamsApps.close(aggregation, Duration.ofSeconds(30));
    }
  }

  private static IngestGateway gateway(EmbeddedKafka kafka, Topics topics, ApiKeyDirectory keys) {
    return IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), topics,
        keys, GatewaySettings.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0);
  }

}
