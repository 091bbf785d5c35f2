package io.tokenledger.systemtests;

import static io.tokenledger.testing.OtlpPayloads.bytes;
import static io.tokenledger.testing.OtlpPayloads.export;
import static io.tokenledger.testing.OtlpPayloads.integer;
import static io.tokenledger.testing.OtlpPayloads.resource;
import static io.tokenledger.testing.OtlpPayloads.spanEndingAt;
import static io.tokenledger.testing.OtlpPayloads.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.aggregation.query.QueryServer;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.ingest.otel.OtlpRequests;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.otelbridge.OtelBridgeApp;
import io.tokenledger.otelbridge.OtelBridgeSettings;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.metrics.ServiceMeters;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both OpenTelemetry paths into the ledger on a real broker: OTLP/HTTP JSON to the gateway, and
 * OTLP protobuf on the Collector's {@code otlp_spans} topic through the bridge, priced by the
 * aggregation and read back from {@code /v1/period-to-date} with exact tokens and nano-USD. The
 * same span arriving on both paths counts once; a message that is not OTLP is dead-lettered.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class OtelIngestionIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  @Test
  void spansFromTheGatewayAndTheCollectorsTopicArePricedAndCountedOnce(EmbeddedKafka kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(Topics.PREFIX_CONFIG, "otel-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    String spansTopic = "otlp_spans_" + UUID.randomUUID().toString().substring(0, 8);
    config.put(OtelBridgeSettings.PREFIX + "topic", spansTopic);
    Topics topics = Topics.from(config);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicApplier.apply(admin, topics.all());
      admin.createTopics(List.of(new NewTopic(spansTopic, 1, (short) 1))).all().get();
    }
    Ledger.publishPrice(bootstrap, topics, Ledger.gpt4o());
    ApiKeyAdmin keyAdmin = new ApiKeyAdmin(bootstrap, topics.apiKeys);
    String ingest = keyAdmin.create("support", ApiKeyScope.INGEST, "collector").token();
    String finance = keyAdmin.create(null, ApiKeyScope.READ_ALL, "otel test").token();
    int queryPort = Ports.free();

    Map<String, Object> aggregationConfig = new HashMap<>(config);
    aggregationConfig.put(StreamsConfig.STATE_DIR_CONFIG, tempDir("otel-aggregation"));
    aggregationConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + queryPort);
    KafkaStreams aggregation = new KafkaStreams(AggregationApp.buildTopology(topics,
        AggregationSettings.from(aggregationConfig)), AggregationApp.config(aggregationConfig));
    Map<String, Object> bridgeConfig = new HashMap<>(config);
    bridgeConfig.put(StreamsConfig.STATE_DIR_CONFIG, tempDir("otel-bridge"));
    KafkaStreams bridge = new KafkaStreams(OtelBridgeApp.buildTopology(topics, OtelBridgeSettings.from(bridgeConfig)),
        OtelBridgeApp.config(bridgeConfig));
    try (ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
         AutoCloseable stopAggregation = () -> StreamsApps.close(aggregation, Duration.ofSeconds(30));
         AutoCloseable stopBridge = () -> StreamsApps.close(bridge, Duration.ofSeconds(30));
         QueryHttpServer queries = QueryServer.start(aggregation, new HostInfo("127.0.0.1", queryPort), keys);
         IngestGateway gateway = IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
             topics, keys, GatewaySettings.defaults(), ServiceMeters.prometheus()).start("127.0.0.1", 0)) {
      aggregation.start();
      bridge.start();
      keys.awaitLoaded(BOUND);
      long end = Instant.now().minusSeconds(30).toEpochMilli() * 1_000_000L;
      // A: the conventions (2006 input incl. 1920 cached, 300 output): 86×2,500 + 1,920×1,250 + 300×10,000 nano-USD.
      String a = spanEndingAt(TRACE, "00000000000000a1", "chat gpt-4o", end, str("gen_ai.provider.name", "openai"),
          str("gen_ai.request.model", "gpt-4o"), integer("gen_ai.usage.input_tokens", 2006),
          integer("gen_ai.usage.cache_read.input_tokens", 1920), integer("gen_ai.usage.output_tokens", 300),
          str("tokenledger.workflow", "triage"));
      // B: OpenLLMetry (1,200 prompt incl. 1,024 cached, 350 completion incl. 100 reasoning; total 1,550).
      String b = spanEndingAt(TRACE, "00000000000000b2", "openai.chat", end + 1_000_000, str("gen_ai.system", "openai"),
          str("gen_ai.request.model", "gpt-4o"), integer("gen_ai.usage.prompt_tokens", 1200),
          integer("gen_ai.usage.completion_tokens", 350), integer("llm.usage.total_tokens", 1550),
          integer("gen_ai.usage.cache_read_input_tokens", 1024), integer("gen_ai.usage.reasoning_tokens", 100),
          str("traceloop.workflow.name", "triage"));
      HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
          + "/v1/traces")).header("Content-Type", "application/json").header("Authorization", "Bearer " + ingest)
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(export(resource("helpdesk", null), a, b))))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, posted.statusCode(), posted.body());
      assertEquals("{}", posted.body());

      // The Collector's topic: a log line by mistake, then A again (both exporters on), growth's
      // OpenInference span C, and support's marker D, last.
      String c = spanEndingAt(TRACE, "00000000000000c3", "ChatCompletion", end + 2_000_000,
          str("tokenledger.team", "growth"), str("llm.provider", "openai"), str("llm.model_name", "gpt-4o"),
          integer("llm.token_count.prompt", 1500), integer("llm.token_count.completion", 200),
          integer("llm.token_count.prompt_details.cache_read", 1000), str("tokenledger.workflow", "rag"));
      String d = spanEndingAt(TRACE, "00000000000000d4", "chat", end + 3_000_000, str("gen_ai.provider.name", "openai"),
          str("gen_ai.request.model", "gpt-4o"), integer("gen_ai.usage.input_tokens", 10),
          str("tokenledger.workflow", "marker"));
      try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(spansTopic, bytes("level=info msg=\"not a span\""))).get();
        producer.send(new ProducerRecord<>(spansTopic, OtlpRequests.json(bytes(export(resource("helpdesk", "support"),
            a, c, d))).toByteArray())).get();
      }

      String marker = "/v1/usage?scope=team-workflow-model&window=1d&from=" + Instant.now().minus(Duration.ofDays(2))
          + "&key=" + URLEncoder.encode("support|marker|openai/gpt-4o", StandardCharsets.UTF_8);
      Await.until(BOUND, () -> get(queryPort, marker, finance).path("total").path("event_count").asLong() == 1,
          () -> "the marker span D, after the repeated span A, to be counted");
      Await.until(BOUND, () -> get(queryPort, "/v1/period-to-date?team=growth", finance).path("total")
          .path("event_count").asLong() == 1, () -> "growth's span C");
      // The series' figures answer from the open minutes at once; the team's ledger takes them at
      // its next live emit: wait until the team's total is the sum of its figures by model, in two
      // answers running (one answer can read across an emit).
      long[] agreed = {-1};
      Await.until(BOUND, () -> {
        JsonNode byModel = get(queryPort, "/v1/period-to-date?team=support&by=model", finance);
        long sum = 0;
        for (JsonNode row : byModel.path("by_model")) {
          sum += row.path("event_count").asLong();
        }
        long total = byModel.path("total").path("event_count").asLong();
        boolean twice = total == sum && total == agreed[0];
        agreed[0] = total == sum ? total : -1;
        return twice;
      }, () -> "support's ledger to take what its series show");

      JsonNode support = get(queryPort, "/v1/period-to-date?team=support", finance).path("total");
      assertEquals(3, support.path("event_count").asLong(), "A, B and D: A's second arrival is not counted");
      assertEquals(86 + 176 + 10, support.path("uncached_input_tokens").asLong());
      assertEquals(1920 + 1024, support.path("cache_read_tokens").asLong());
      assertEquals(300 + 250, support.path("output_tokens").asLong());
      assertEquals(100, support.path("reasoning_tokens").asLong());
      assertEquals(5_615_000 + 5_220_000 + 25_000, support.path("cost_nano_usd").asLong());
      JsonNode growth = get(queryPort, "/v1/period-to-date?team=growth", finance).path("total");
      assertEquals(List.of(500L, 1000L, 200L), List.of(growth.path("uncached_input_tokens").asLong(),
          growth.path("cache_read_tokens").asLong(), growth.path("output_tokens").asLong()));
      assertEquals(1_250_000 + 1_250_000 + 2_000_000, growth.path("cost_nano_usd").asLong());

      List<DeadLetter> letters;
      try (TopicReader<byte[], DeadLetter> reader = new TopicReader<>(bootstrap, topics.deadLetters)) {
        letters = reader.readToEnd(BOUND).stream().map(r -> r.value()).toList();
      }
      assertEquals(List.of("NOT_OTLP"), letters.stream().map(l -> l.getReasonCode().toString()).toList());
    }
  }

  private static JsonNode get(int port, String pathAndQuery, String key) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + pathAndQuery)).header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  private static String tempDir(String prefix) throws Exception {
    return Files.createTempDirectory(Path.of("target"), prefix).toAbsolutePath().toString();
  }
}
