package io.tokenledger.ingest.gateway;

import static io.tokenledger.testing.OtlpPayloads.bytes;
import static io.tokenledger.testing.OtlpPayloads.export;
import static io.tokenledger.testing.OtlpPayloads.integer;
import static io.tokenledger.testing.OtlpPayloads.resource;
import static io.tokenledger.testing.OtlpPayloads.spanEndingAt;
import static io.tokenledger.testing.OtlpPayloads.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.tokenledger.ingest.otel.OtlpRequests;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * OTLP/HTTP on the gateway, as the Collector's otlphttp exporter and the SDKs' exporters send it:
 * protobuf, JSON and gzip; 200 with {@code partial_success} naming a span of another team; 400
 * with a {@code google.rpc.Status} for a body that is not OTLP; 415 for another content type;
 * 401 without a key. What was written is read back from the usage topic after the 200 (Kafka
 * acknowledged it before the answer), exactly.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class OtlpGatewayIT {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static String bootstrap;
  private static Topics topics;
  private static ApiKeyDirectory keys;
  private static IngestGateway gateway;
  private static String supportKey;

  @BeforeAll
  static void start(EmbeddedKafka kafka) throws Exception {
    bootstrap = kafka.bootstrapServers();
    topics = Topics.from(Map.of(Topics.PREFIX_CONFIG, "otlp-" + UUID.randomUUID().toString().substring(0, 8) + "."));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicApplier.apply(admin, topics.all());
    }
    supportKey = new ApiKeyAdmin(bootstrap, topics.apiKeys).create("support", ApiKeyScope.INGEST, "otel collector")
        .token();
    keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
    assertTrue(keys.awaitLoaded(BOUND));
    gateway = IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics, keys,
        GatewaySettings.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    keys.close();
  }

  @Test
  void spansInEveryEncodingBecomeUsageOfTheKeysTeamAndAnotherTeamsSpanIsRefused() throws Exception {
    long end = Instant.now().minusSeconds(5).toEpochMilli() * 1_000_000L;
    String openai = spanEndingAt(TRACE, "00f067aa0ba902b7", "chat gpt-4o", end, str("gen_ai.provider.name", "openai"),
        str("gen_ai.request.model", "gpt-4o"), integer("gen_ai.usage.input_tokens", 2006),
        integer("gen_ai.usage.cache_read.input_tokens", 1920), integer("gen_ai.usage.output_tokens", 300),
        str("tokenledger.workflow", "ticket-triage"));
    String http = spanEndingAt(TRACE, "00f067aa0ba902b8", "POST /tickets", end, str("http.request.method", "POST"));
    String finance = spanEndingAt(TRACE, "00f067aa0ba902b9", "chat", end, str("tokenledger.team", "finance"),
        str("gen_ai.provider.name", "openai"), str("gen_ai.request.model", "gpt-4o"),
        integer("gen_ai.usage.input_tokens", 10));
    String anthropic = spanEndingAt(TRACE, "00f067aa0ba902ba", "anthropic.chat", end, str("gen_ai.system", "Anthropic"),
        str("gen_ai.request.model", "claude-sonnet-4-5"), integer("gen_ai.usage.prompt_tokens", 30),
        integer("gen_ai.usage.completion_tokens", 200), integer("gen_ai.usage.cache_read_input_tokens", 5000),
        integer("llm.usage.total_tokens", 5230));

    // JSON: the usage span is written, the HTTP span skipped, finance's span refused by name.
    HttpResponse<byte[]> json = post(bytes(export(resource("helpdesk", null), openai, http, finance)),
        "application/json", null, supportKey);
    assertEquals(200, json.statusCode(), new String(json.body()));
    JsonNode partial = JSON.readTree(json.body()).path("partialSuccess");
    assertEquals("1", partial.path("rejectedSpans").asText());
    assertTrue(partial.path("errorMessage").asText().contains("00f067aa0ba902b9")
        && partial.path("errorMessage").asText().contains("team 'finance'"), partial.toString());

    // Protobuf, gzip: OpenLLMetry's Anthropic span; the same OpenAI span again (a Collector retry).
    byte[] protobuf = OtlpRequests.json(bytes(export(resource("writer", "support"), anthropic, openai))).toByteArray();
    HttpResponse<byte[]> binary = post(gzip(protobuf), "application/x-protobuf", "gzip", supportKey);
    assertEquals(200, binary.statusCode());
    assertEquals("application/x-protobuf", binary.headers().firstValue("Content-Type").orElse(""));
    assertEquals(ExportTraceServiceResponse.getDefaultInstance(), ExportTraceServiceResponse.parseFrom(binary.body()),
        "no partial success: everything accepted");

    List<UsageEvent> written;
    try (TopicReader<String, List<UsageEvent>> reader = new TopicReader<>(bootstrap,
        topics.usageBatches.asLists(topics.usage))) { // a request's spans of a team may share a batch record
      written = reader.readToEnd(BOUND).stream().flatMap(r -> r.value().stream()).toList();
    }
    assertEquals(3, written.size(), "the OpenAI span twice (the aggregation counts it once) and the Anthropic span");
    UsageEvent first = written.stream().filter(e -> e.getProvider().equals("openai")).findFirst().orElseThrow();
    assertEquals("otel-" + TRACE + "-00f067aa0ba902b7", first.getEventId());
    assertEquals(List.of(86L, 1920L, 0L, 300L, 0L), buckets(first));
    assertEquals("support", first.getTeam());
    assertEquals("ticket-triage", first.getWorkflow());
    assertEquals("helpdesk", first.getService());
    assertEquals(2, written.stream().filter(e -> e.getEventId().equals(first.getEventId())).count());
    UsageEvent claude = written.stream().filter(e -> e.getProvider().equals("anthropic")).findFirst().orElseThrow();
    assertEquals(List.of(30L, 5000L, 0L, 200L, 0L), buckets(claude));
  }

  @Test
  void whatWillNeverBeAcceptedIsTold() throws Exception {
    HttpResponse<byte[]> garbage = post(new byte[] {(byte) 0xff, 0x01, 0x02}, "application/x-protobuf", null,
        supportKey);
    assertEquals(400, garbage.statusCode());
    var status = com.google.protobuf.CodedInputStream.newInstance(garbage.body());
    assertEquals(8, status.readTag());
    assertEquals(3, status.readInt32(), "google.rpc.Status code INVALID_ARGUMENT");
    HttpResponse<byte[]> badJson = post(bytes("{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"traceId\": "
        + "\"not-hex\"}]}]}]}"), "application/json", null, supportKey);
    assertEquals(400, badJson.statusCode());
    assertTrue(new String(badJson.body()).contains("traceId"), new String(badJson.body()));
    assertEquals(415, post(bytes("x"), "text/plain", null, supportKey).statusCode());
    assertEquals(401, post(bytes("{}"), "application/json", null, null).statusCode());
  }

  private static List<Long> buckets(UsageEvent e) {
    return List.of(e.getUncachedInputTokens(), e.getCacheReadTokens(), e.getCacheWriteTokens(), e.getOutputTokens(),
        e.getReasoningTokens());
  }

  private static byte[] gzip(byte[] body) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(body);
    }
    return out.toByteArray();
  }

  private static HttpResponse<byte[]> post(byte[] body, String type, String encoding, String key) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/traces"))
        .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
