package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import io.tokenledger.schemas.topics.BaselineKeys;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.ReadKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agent or person end to end on a real broker: usage and outcomes recorded through the
 * UsageRecorder and through the HTTP gateway, priced by the aggregation, turned into economics,
 * read back from {@code /v1/economics} and {@code /v1/advice} with exact values.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class EconomicsPipelineIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private ReadKeys readKeys;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void usageAndOutcomesFromTheRecorderAndTheGatewayComeBackAsExactEconomics(EmbeddedKafka kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(Topics.PREFIX_CONFIG, "econ-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    Topics topics = Topics.from(config);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicApplier.apply(admin, topics.all());
    }
    seedPriceAndBaseline(bootstrap, topics);
    int queryPort = Ports.free();
    startStreams(config, topics, queryPort);
    String key = new ApiKeyAdmin(bootstrap, topics.apiKeys).create("support", "economics-it").token();
    ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
    toClose.add(keys);
    assertTrue(keys.awaitLoaded(BOUND));
    IngestGateway gateway = IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics,
        keys, GatewaySettings.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0);
    toClose.add(gateway);

    // Item T-1: two calls (a retry) and its outcome through the recorder; a call without an item.
    Instant now = Instant.now();
    try (UsageRecorder recorder = UsageRecorder.builder(topics.usage)
        .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))
        .spoolDirectory(Files.createTempDirectory(Path.of("target"), "spool"))
        .outcomesTopic(topics.workOutcomes)
        .outcomeSpoolDirectory(Files.createTempDirectory(Path.of("target"), "outcome-spool"))
        .closeOnShutdown(false).build()) {
      // T-1 is done by the agent alone; T-2 (below) with a person's review.
      recorder.record(UsageEvent.newBuilder(call("r-1", now, "T-1")).setVariant("agent-only").build())
          .get(30, TimeUnit.SECONDS);
      recorder.record(UsageEvent.newBuilder(call("r-2", now.plusMillis(10), "T-1")).setVariant("agent-only").build())
          .get(30, TimeUnit.SECONDS);
      recorder.record(call("r-3", now.plusMillis(20), null)).get(30, TimeUnit.SECONDS);
      recorder.recordOutcome(WorkOutcome.newBuilder().setOutcomeId("o-1").setWorkItemId("T-1").setTeam("support")
          .setWorkflow("support-tickets").setOutcomeUnit("ticket").setStatus(WorkOutcomeStatus.SUCCEEDED)
          .setUnitsDelivered(1).setHumanSeconds(60).setQualityScorePercent(80).setEventTime(now.plusSeconds(1)).build())
          .get(30, TimeUnit.SECONDS);
    }
    // Item T-2: one call and an escalation through the gateway, person-time in minutes.
    assertEquals(202, post(gateway.port(), "/v1/usage", key, """
        {"event_id": "g-1", "event_time": %d, "workflow": "support-tickets", "service": "helpdesk",
         "provider": "openai", "model": "gpt-4o", "uncached_input_tokens": 1000, "work_item_id": "T-2",
         "variant": "hybrid-review"}"""
        .formatted(now.plusMillis(30).toEpochMilli())).statusCode());
    assertEquals(202, post(gateway.port(), "/v1/outcomes", key, """
        {"outcome_id": "g-o-2", "work_item_id": "T-2", "event_time": %d, "workflow": "support-tickets",
         "outcome_unit": "ticket", "status": "ESCALATED", "units_delivered": 1, "human_minutes": 12.5,
         "quality_score_percent": 70, "variant": "hybrid-review"}"""
        .formatted(now.plusSeconds(2).toEpochMilli())).statusCode());

    String query = "/v1/economics?workflow=support-tickets&period=month&at=" + now;
    AtomicReference<JsonNode> figures = new AtomicReference<>();
    // Wait for the final state (all four calls' spend, both outcomes, and every call in its item: the
    // calls come through the aggregation's priced usage topic, so an item's outcome, read straight from
    // the outcomes topic, may be counted before its calls are, under no model), then assert every figure.
    Await.until(BOUND, () -> {
      JsonNode body = get(queryPort, query);
      figures.set(body);
      return body != null && body.path("ai_spend_nano_usd").asLong() == 10_000_000L
          && body.path("items_escalated").asLong() == 1 && body.path("items_succeeded").asLong() == 1
          && body.path("models").size() == 1 && body.path("models").get(0).path("model").asText().equals("gpt-4o")
          && body.path("variants").size() == 2 && body.path("variants").get(0).path("path_cost_nano_usd").asLong()
          == 838_333_333L && body.path("variants").get(1).path("path_cost_nano_usd").asLong() == 10_419_166_667L;
    }, () -> "the economics of both items, last seen: " + figures.get());
    JsonNode f = figures.get();
    assertEquals(2, f.get("items_started").asLong());
    assertEquals(0, f.get("items_open").asLong());
    assertEquals(810, f.get("human_seconds").asLong(), "60 s through the recorder, 12.5 min through the gateway");
    assertEquals(11_250_000_000L, f.get("human_in_loop_cost_nano_usd").asLong(), "833,333,333 + 10,416,666,667");
    assertEquals(11_260_000_000L, f.get("ai_path_cost_nano_usd").asLong());
    assertEquals("11.260000000", f.get("cost_per_success_usd").asText(), "exact, as /v1/usage shows money");
    assertEquals(10_526_315_789L, f.get("human_cost_per_outcome_nano_usd").asLong());
    assertEquals(-733_684_211L, f.get("saving_total_nano_usd").asLong());
    assertEquals(-652, f.get("token_roi_basis_points").asLong());
    assertEquals("50.00", f.get("success_rate_percent").asText());
    assertEquals("NOT_ENOUGH_DATA", f.get("verdict").asText());
    assertEquals("gpt-4o", f.get("models").get(0).get("model").asText());
    // Time and quality: T-1 succeeded 1 s after its first call, scored 80; T-2 escalated (no time, no score).
    assertEquals(1, f.get("turnaround").get("items").asLong());
    assertEquals(1, f.get("turnaround").get("median_seconds").asLong());
    assertTrue(f.get("turnaround").get("person_seconds").isNull(), "the baseline states no turnaround");
    assertEquals(1, f.get("quality").get("scored").asLong());
    assertEquals("80.00", f.get("quality").get("mean_score").asText());
    assertTrue(f.get("quality").get("low_score").isNull(), "one score has no interval");
    assertEquals("NO_DATA", f.get("axes").get("time").asText());
    assertEquals("UNDECIDED", f.get("recommendation").asText());
    // The variants: agent-only's path is its two calls ($0.005) and a minute of review ($0.833333333);
    // hybrid-review's its call ($0.0025) and 12.5 minutes ($10.416666667), with no success.
    JsonNode agentOnly = f.get("variants").get(0);
    assertEquals("agent-only", agentOnly.get("variant").asText());
    assertEquals(1, agentOnly.get("items_decided").asLong());
    assertEquals("0.838333333", agentOnly.get("cost_per_success_usd").asText());
    assertEquals("10000", agentOnly.get("success_rate_basis_points").asText());
    assertEquals(1, agentOnly.get("turnaround_median_seconds").asLong());
    JsonNode hybrid = f.get("variants").get(1);
    assertEquals("hybrid-review", hybrid.get("variant").asText());
    assertTrue(hybrid.get("cost_per_success_nano_usd").isNull());
    assertEquals(0, hybrid.get("quality_scored").asLong(), "an escalation's score is not a success's");
    JsonNode comparison = f.get("variant_comparison");
    assertFalse(comparison.get("enough_data").asBoolean());
    // 1 of 1 against 0 of 1: (1.96 sqrt(2 x 0.5 x 0.5))^2 / 1^2 = 1.92, so 2 each: one more each.
    assertEquals(2, comparison.get("items_needed").asLong());
    assertTrue(comparison.get("message").asText().startsWith("not enough data: agent-only 1, hybrid-review 1 decided "
        + "items of the 30 each needs; about 2 more decided items to tell agent-only's success rate from "
        + "hybrid-review's"), comparison.get("message").asText());

    // The advice reads every workflow with a range query; seen in about one run in six on this machine, that
    // read answered an older state of the same key than the key read above had (figures before T-2's
    // outcome) and the next read the current one. Not understood yet (see the session notes): wait for it.
    AtomicReference<JsonNode> adviceRead = new AtomicReference<>();
    Await.until(BOUND, () -> {
      JsonNode body = get(queryPort, "/v1/advice?period=month&at=" + now);
      adviceRead.set(body);
      return body != null && body.path("workflows").size() == 1
          && !body.path("workflows").get(0).path("variant_comparison").isNull();
    }, () -> "the advice with the variant comparison, last seen: " + adviceRead.get());
    JsonNode advice = adviceRead.get();
    assertEquals(1, advice.get("workflows").size(), advice.toString());
    assertEquals("support-tickets", advice.get("workflows").get(0).get("workflow").asText());
    assertEquals("UNDECIDED", advice.get("workflows").get(0).get("recommendation").asText());
    assertEquals(comparison.get("message").asText(), advice.get("workflows").get(0).get("variant_comparison").asText());
    HttpResponse<String> wrongZone = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + queryPort
        + "/v1/economics?zone=Asia/Tokyo")).header("Authorization", readKeys.financeHeader()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, wrongZone.statusCode());
    assertTrue(wrongZone.body().contains(EconomicsSettings.PREFIX + "zone"), wrongZone.body());

    // The leader's table from the published topic: the same figures, once the economics' transaction is committed.
    Path cliConfig = Files.createTempFile(Path.of("target"), "economics-cli", ".properties");
    Files.writeString(cliConfig, Topics.PREFIX_CONFIG + "=" + config.get(Topics.PREFIX_CONFIG) + "\n");
    // ROI below 10% keeps one decimal, signed: -6.5%, as people read it.
    String row = String.format("%-22s %11s %8s %12s %12s %14s %9s  %s", "support-tickets", "1", "50.0%", "$11.26",
        "$10.53", "-$0.73", "-6.5%", "NOT_ENOUGH_DATA");
    AtomicReference<String> report = new AtomicReference<>();
    Await.until(BOUND, () -> {
      report.set(Cli.output("report", "economics", "--bootstrap-servers", bootstrap, "--config", cliConfig.toString(),
          "--at", now.toString()));
      return report.get().contains(row);
    }, () -> "the report row " + row + ", last report:\n" + report.get());
    assertTrue(report.get().startsWith("Agent or person, month from " + now.toString().substring(0, 8) + "01 (UTC)"),
        report.get());
  }

  private void startStreams(Map<String, Object> config, Topics topics, int queryPort) throws Exception {
    Map<String, Object> aggregationConfig = new HashMap<>(config);
    aggregationConfig.put(StreamsConfig.STATE_DIR_CONFIG, tempDir("aggregation-state"));
    KafkaStreams aggregation = new KafkaStreams(
        AggregationApp.buildTopology(topics, AggregationSettings.from(aggregationConfig)),
        AggregationApp.config(aggregationConfig));
    toClose.add(() -> StreamsApps.close(aggregation, Duration.ofSeconds(30)));
    aggregation.start();
    Map<String, Object> economicsConfig = new HashMap<>(config);
    economicsConfig.put(StreamsConfig.STATE_DIR_CONFIG, tempDir("economics-state"));
    economicsConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + queryPort);
    EconomicsSettings settings = EconomicsSettings.from(economicsConfig);
    KafkaStreams economics = new KafkaStreams(EconomicsApp.buildTopology(topics, settings),
        EconomicsApp.config(economicsConfig));
    toClose.add(() -> StreamsApps.close(economics, Duration.ofSeconds(30)));
    readKeys = ReadKeys.create(config.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG).toString(), topics);
    toClose.add(readKeys);
    QueryHttpServer queries = io.tokenledger.economics.query.EconomicsQueries.start(economics, new HostInfo("127.0.0.1", queryPort), settings,
        readKeys.directory());
    toClose.add(queries);
    economics.start();
  }

  private static String tempDir(String prefix) throws Exception {
    return Files.createTempDirectory(Path.of("target"), prefix).toAbsolutePath().toString();
  }

  private static void seedPriceAndBaseline(String bootstrap, Topics topics) throws Exception {
    Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    PriceVersion price = Ledger.gpt4o();
    HumanBaseline baseline = HumanBaseline.newBuilder().setWorkflow("support-tickets").setOutcomeUnit("ticket")
        .setSecondsPerUnit(720).setLoadedCostNanoUsdPerHour(50_000_000_000L).setSuccessRateBasisPoints(9_500)
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setSetBy("it").setSource("time study")
        .setUpdatedAt(Instant.now()).build();
    try (var prices = new KafkaProducer<>(producerConfig, topics.prices.keySerde().serializer(),
        topics.prices.valueSerde().serializer());
         var baselines = new KafkaProducer<>(producerConfig, topics.humanBaselines.keySerde().serializer(),
             topics.humanBaselines.valueSerde().serializer())) {
      prices.send(new ProducerRecord<>(topics.prices.name(), PriceBook.catalogKey(price), price)).get();
      baselines.send(new ProducerRecord<>(topics.humanBaselines.name(), BaselineKeys.of(baseline), baseline)).get();
    }
  }

  /** 1,000 uncached input tokens on gpt-4o at $2.50 per 1M: 2,500,000 nano-USD. */
  private static UsageEvent call(String id, Instant at, String item) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam("support").setWorkflow("support-tickets")
        .setService("helpdesk").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(1_000)
        .setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0).setReasoningTokens(0).setRequestCount(1)
        .setWorkItemId(item).build();
  }

  private static HttpResponse<String> post(int port, String path, String key, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(int port, String pathAndQuery) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + pathAndQuery)).header("Authorization", readKeys.financeHeader()).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }
}
