package io.tokenledger.ingest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenledger.schemas.validation.ValidationSettings;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.ProviderPayloads;
import io.tokenledger.testing.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class IngestGatewayIT {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String bootstrap;
  private static Topics topics;
  private static ApiKeyDirectory keys;
  private static IngestGateway gateway;
  private static String supportKey;
  private static String revokedKey;

  @BeforeAll
  static void start(EmbeddedKafka kafka) throws Exception {
    bootstrap = kafka.bootstrapServers();
    topics = Topics.defaults();
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    ApiKeyAdmin admin = new ApiKeyAdmin(bootstrap, topics.apiKeys);
    supportKey = admin.create("support", "support-bot").token();
    var revoked = admin.create("support", "old key");
    revokedKey = revoked.token();
    assertTrue(admin.revoke(revoked.keyId()));
    keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
    assertTrue(keys.awaitLoaded(BOUND));
    gateway = IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics, keys,
        new GatewaySettings(4_096, 100, 1_000, Duration.ofSeconds(15), Duration.ofSeconds(2),
            ValidationSettings.defaults(), io.tokenledger.ingest.otel.SpanMapping.defaults(), Duration.ofSeconds(2)),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    keys.close();
  }

  @Test
  void acceptsASingleEventOnlyAfterKafkaHasItAndStoresItExactly() throws Exception {
    HttpResponse<String> response = post(supportKey, """
        {"event_id": "gw-single-1", "event_time": "2026-11-20T10:15:30Z", "workflow": "ticket-triage",
         "service": "support-bot", "provider": "openai", "model": "gpt-4o", "uncached_input_tokens": 120,
         "cache_read_tokens": 1000, "output_tokens": 80, "outcome_unit": "ticket", "outcome_units": 1,
         "work_item_id": "ticket-77", "attributes": {"region": "eu"}}""");

    assertEquals(202, response.statusCode(), response.body());
    JsonNode body = JSON.readTree(response.body());
    assertEquals(1, body.get("accepted").asInt());
    assertEquals("gw-single-1", body.get("events").get(0).get("event_id").asText());

    UsageEvent stored = readUsage(1).get("gw-single-1");
    assertEquals("support", stored.getTeam(), "the key's team when the event names none");
    assertEquals(120, stored.getUncachedInputTokens());
    assertEquals(1000, stored.getCacheReadTokens());
    assertEquals(80, stored.getOutputTokens());
    assertEquals(java.time.Instant.parse("2026-11-20T10:15:30Z"), stored.getEventTime());
    assertEquals("eu", stored.getAttributes().get("region"));
    assertEquals("ticket-77", stored.getWorkItemId());
  }

  @Test
  void acceptsABatchIncludingProviderUsageObjectsNormalisedLikeTheLibrary() throws Exception {
    String anthropic = ProviderPayloads.ANTHROPIC_MESSAGE_CACHED;
    String stream = "[" + String.join(",", ProviderPayloads.OPENAI_CHAT_STREAM) + "]";
    HttpResponse<String> response = post(supportKey, """
        {"events": [
          {"event_id": "gw-batch-1", "event_time": 1795000000000, "team": "support", "workflow": "w",
           "service": "s", "provider": "openai", "model": "gpt-4o-mini", "output_tokens": 5},
          {"event_id": "gw-batch-2", "event_time": 1795000000001, "workflow": "w", "service": "s",
           "provider_usage": {"format": "anthropic.messages", "payload": %s}},
          {"event_id": "gw-batch-3", "event_time": 1795000000002, "workflow": "w", "service": "s",
           "provider_usage": {"format": "openai.chat_completions", "payload": %s}}
        ]}""".formatted(anthropic, stream));

    assertEquals(202, response.statusCode(), response.body());
    assertEquals(3, JSON.readTree(response.body()).get("accepted").asInt());
    Map<String, UsageEvent> stored = readUsage(3);
    UsageEvent claude = stored.get("gw-batch-2");
    assertEquals("anthropic", claude.getProvider());
    assertEquals("claude-sonnet-4-20250514", claude.getModel());
    assertEquals(List.of(21L, 188086L, 188L, 393L, 0L), buckets(claude));
    UsageEvent streamed = stored.get("gw-batch-3");
    assertEquals("gpt-4o-mini-2024-07-18", streamed.getModel());
    assertEquals(List.of(48L, 1152L, 0L, 12L, 0L), buckets(streamed));
  }

  @Test
  void namesEachOffendingFieldAndAcceptsNothing() throws Exception {
    HttpResponse<String> response = post(supportKey, """
        [{"event_id": "bad-1", "event_time": "yesterday", "workflow": "w", "service": "s", "provider": "openai",
          "model": "gpt-4o", "uncached_input_tokens": -5},
         {"event_id": "bad-2", "event_time": 1795000000000, "service": "s", "provider": "openai", "model": "gpt-4o",
          "input_tokens": 10},
         {"event_id": "bad-3", "event_time": 1795000000000, "workflow": "w", "service": "s",
          "provider_usage": {"format": "openai.chat_completions",
                             "payload": {"model": "gpt-4o", "usage": {"prompt_tokens": 5,
                                          "prompt_tokens_details": {"cached_tokens": 9}}}}},
         {"event_time": 1795000000000, "workflow": "w", "service": "s", "provider": "openai", "model": "gpt-4o",
          "output_tokens": 1.5}]""");

    assertEquals(400, response.statusCode(), response.body());
    Map<String, String> problems = errors(response);
    assertTrue(problems.get("0:event_time").contains("ISO-8601"), problems.toString());
    assertTrue(problems.containsKey("1:workflow"), problems.toString());
    assertTrue(problems.get("1:input_tokens").contains("use uncached_input_tokens"), problems.toString());
    assertTrue(problems.get("2:provider_usage.payload.prompt_tokens_details.cached_tokens").contains("exceeds"),
        problems.toString());
    assertTrue(problems.containsKey("3:event_id"), problems.toString());
    assertTrue(problems.get("3:output_tokens").contains("whole number"), problems.toString());
    // uncached_input_tokens -5 is reported once the event's shape is right; send it alone:
    HttpResponse<String> negative = post(supportKey, """
        {"event_id": "bad-neg", "event_time": 1795000000000, "workflow": "w", "service": "s",
         "provider": "openai", "model": "gpt-4o", "uncached_input_tokens": -5}""");
    assertEquals(400, negative.statusCode());
    assertTrue(errors(negative).get("0:uncached_input_tokens").contains("must not be negative"), negative.body());
    HttpResponse<String> garbage = post(supportKey, "{not json");
    assertEquals(400, garbage.statusCode());
    assertTrue(errors(garbage).get("-1:body").contains("not valid JSON"), garbage.body());
  }

  @Test
  void refusesMissingWrongAndRevokedKeysAndAKeyWritingForAnotherTeam() throws Exception {
    String event = """
        {"event_id": "auth-1", "event_time": 1795000000000, "workflow": "w", "service": "s",
         "provider": "openai", "model": "gpt-4o", "output_tokens": 1}""";
    assertEquals(401, post(null, event).statusCode());
    assertEquals(401, post("tlk_000000000000000000_wrongsecret", event).statusCode());
    HttpResponse<String> revoked = post(revokedKey, event);
    assertEquals(401, revoked.statusCode());
    assertTrue(revoked.body().contains("revoked"), revoked.body());

    HttpResponse<String> otherTeam = post(supportKey, event.replace("\"workflow\"", "\"team\": \"finance\", \"workflow\""));
    assertEquals(403, otherTeam.statusCode(), otherTeam.body());
    assertTrue(otherTeam.body().contains("may only write usage for team 'support'"), otherTeam.body());

    String readKey = new ApiKeyAdmin(bootstrap, topics.apiKeys).create("support", ApiKeyScope.READ_TEAM, "dashboard")
        .token();
    Await.until(BOUND, () -> keys.identify("Bearer " + readKey) instanceof ApiKeyDirectory.Team, () -> "the read key");
    HttpResponse<String> readOnly = post(readKey, event);
    assertEquals(403, readOnly.statusCode(), readOnly.body());
    assertTrue(readOnly.body().contains("cannot write usage"), readOnly.body());
  }

  @Test
  void refusesAnOversizedBodyWith413() throws Exception {
    String padding = "x".repeat(5_000);
    HttpResponse<String> response = post(supportKey, """
        {"event_id": "big", "event_time": 1795000000000, "workflow": "w", "service": "s", "provider": "openai",
         "model": "gpt-4o", "attributes": {"pad": "%s"}}""".formatted(padding));
    assertEquals(413, response.statusCode(), response.body());
  }

  @Test
  void servesHealthAndPrometheusMetrics() throws Exception {
    HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(uri("/healthz")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode(), health.body());
    post(null, "{}"); // one 401 so a counter has moved
    HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("tokenledger_gateway_responses_total{status=\"401\"}"), metrics.body());
  }

  @Test
  void shedsLoadWith429AndAnswers503WhenKafkaDoesNotAcknowledge() throws Exception {
    Topics own = Topics.defaults();
    MockProducer<String, byte[]> stalled = new MockProducer<>(false, null, own.usage.keySerde().serializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer());
    GatewaySettings limits = new GatewaySettings(4_096, 100, 2, Duration.ofSeconds(30), Duration.ofSeconds(3),
        ValidationSettings.defaults(), io.tokenledger.ingest.otel.SpanMapping.defaults(), Duration.ofSeconds(2));
    MockProducer<String, byte[]> unused = new MockProducer<>(false, null, own.workOutcomes.keySerde().serializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer());
    try (IngestGateway small = new IngestGateway(IngestGateway.usageLane(own, stalled, limits),
        IngestGateway.outcomeLane(own.workOutcomes, unused, limits), keys, limits,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0)) {
      String two = """
          [{"event_id": "load-1", "event_time": 1795000000000, "workflow": "w", "service": "s", "provider": "p",
            "model": "m", "output_tokens": 1},
           {"event_id": "load-2", "event_time": 1795000000000, "workflow": "w", "service": "s", "provider": "p",
            "model": "m", "output_tokens": 1}]""";
      CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(request(small.port(), supportKey, two),
          HttpResponse.BodyHandlers.ofString());
      // The request's two events of one team go in one batch record.
      Await.until(BOUND, () -> stalled.history().size() == 1, () -> "the first request to reach Kafka");

      HttpResponse<String> shed = HTTP.send(request(small.port(), supportKey, two), HttpResponse.BodyHandlers.ofString());
      assertEquals(429, shed.statusCode(), shed.body());
      assertEquals("3", shed.headers().firstValue("Retry-After").orElse(""));

      stalled.errorNext(new TimeoutException("no broker"));
      HttpResponse<String> failed = waiting.get();
      assertEquals(503, failed.statusCode(), failed.body());
      assertEquals("3", failed.headers().firstValue("Retry-After").orElse(""));
      assertTrue(failed.body().contains("same event ids"), failed.body());
    }
  }

  @Test
  void acceptsOutcomesWithExactPersonTimeAndTheSameKeyAndFieldRules() throws Exception {
    HttpResponse<String> accepted = post("/v1/outcomes", supportKey, """
        {"outcomes": [
          {"outcome_id": "gw-out-1", "work_item_id": "ticket-881", "event_time": "2026-11-20T12:00:00Z",
           "workflow": "ticket-triage", "outcome_unit": "ticket", "status": "ESCALATED", "units_delivered": 1,
           "human_minutes": 12.1, "quality_score_percent": 80, "attributes": {"reason": "refund"}},
          {"outcome_id": "gw-out-2", "work_item_id": "ticket-882", "event_time": 1795000000000,
           "workflow": "ticket-triage", "outcome_unit": "ticket", "status": "SUCCEEDED", "units_delivered": 1,
           "human_seconds": 30}
        ]}""");
    assertEquals(202, accepted.statusCode(), accepted.body());
    assertEquals("gw-out-1", JSON.readTree(accepted.body()).get("outcomes").get(0).get("outcome_id").asText());
    Map<String, WorkOutcome> stored;
    try (TopicReader<String, WorkOutcome> reader = new TopicReader<>(bootstrap, topics.workOutcomes)) {
      stored = reader.readUntil(BOUND, r -> r.stream().anyMatch(o -> o.value().getOutcomeId().equals("gw-out-2")),
          "outcome gw-out-2").stream().collect(Collectors.toMap(r -> r.value().getOutcomeId(), r -> r.value()));
    }
    WorkOutcome escalated = stored.get("gw-out-1");
    assertEquals("support", escalated.getTeam(), "the key's team when the outcome names none");
    assertEquals(726, escalated.getHumanSeconds(), "12.1 minutes, exactly");
    assertEquals(io.tokenledger.schemas.WorkOutcomeStatus.ESCALATED, escalated.getStatus());
    assertEquals(80, escalated.getQualityScorePercent());
    assertEquals(30, stored.get("gw-out-2").getHumanSeconds());

    HttpResponse<String> invalid = post("/v1/outcomes", supportKey, """
        [{"outcome_id": "gw-bad-1", "event_time": 1795000000000, "workflow": "w", "outcome_unit": "ticket",
          "status": "DONE"},
         {"outcome_id": "gw-bad-2", "work_item_id": "i", "event_time": 1795000000000, "workflow": "w",
          "outcome_unit": "ticket", "status": "SUCCEEDED", "units_delivered": 1, "human_minutes": 0.01},
         {"event_id": "gw-bad-3", "outcome_id": "gw-bad-3", "work_item_id": "i", "event_time": 1795000000000,
          "workflow": "w", "outcome_unit": "ticket", "status": "SUCCEEDED", "units_delivered": 0}]""");
    assertEquals(400, invalid.statusCode(), invalid.body());
    Map<String, String> problems = errors(invalid);
    assertTrue(problems.containsKey("0:work_item_id"), problems.toString());
    assertTrue(problems.get("0:status").contains("SUCCEEDED"), problems.toString());
    assertTrue(problems.get("1:human_minutes").contains("0.6"), problems.toString());
    assertTrue(problems.get("2:event_id").contains("outcome_id"), problems.toString());
    assertEquals(4, problems.size(), "gw-bad-3's units are checked once its shape is right: " + problems);

    String other = """
        {"outcome_id": "gw-other", "work_item_id": "i", "team": "finance", "event_time": 1795000000000,
         "workflow": "w", "outcome_unit": "ticket", "status": "FAILED"}""";
    HttpResponse<String> forbidden = post("/v1/outcomes", supportKey, other);
    assertEquals(403, forbidden.statusCode(), forbidden.body());
    assertTrue(forbidden.body().contains("may only write outcomes for team 'support'"), forbidden.body());
    assertEquals(401, post("/v1/outcomes", revokedKey, other).statusCode());
  }

  private static List<Long> buckets(UsageEvent e) {
    return List.of(e.getUncachedInputTokens(), e.getCacheReadTokens(), e.getCacheWriteTokens(), e.getOutputTokens(),
        e.getReasoningTokens());
  }

  /** The usage topic's events, single records and batches alike, until at least {@code atLeast} events were read. */
  private static Map<String, UsageEvent> readUsage(int atLeast) {
    try (TopicReader<String, List<UsageEvent>> reader = new TopicReader<>(bootstrap,
        topics.usageBatches.asLists(topics.usage))) {
      return reader.readUntil(BOUND, r -> r.stream().mapToInt(e -> e.value().size()).sum() >= atLeast,
          atLeast + " usage events").stream().flatMap(r -> r.value().stream())
          .collect(Collectors.toMap(UsageEvent::getEventId, e -> e, (a, b) -> b));
    }
  }


  private static Map<String, String> errors(HttpResponse<String> response) throws Exception {
    Map<String, String> byField = new java.util.HashMap<>();
    for (JsonNode e : JSON.readTree(response.body()).get("errors")) {
      byField.put((e.has("index") ? e.get("index").asInt() : -1) + ":" + e.get("field").asText(), e.get("problem").asText());
    }
    return byField;
  }

  private static HttpResponse<String> post(String key, String body) throws Exception {
    return post("/v1/usage", key, body);
  }

  private static HttpResponse<String> post(String path, String key, String body) throws Exception {
    return HTTP.send(request(gateway.port(), path, key, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(int port, String key, String body) {
    return request(port, "/v1/usage", key, body);
  }

  private static HttpRequest request(int port, String path, String key, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return request.build();
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }
}
