package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.aggregation.query.QueryServer;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyTokens;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.LogCapture;
import io.tokenledger.testing.ReadKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may read what on the query APIs, on a real broker: no or an unknown key is 401, an ingest
 * key 403, a team key reads its own team only (403 for another team and for figures across
 * teams), a read-all (finance) key reads everything, health stays open, and no secret reaches
 * the logs or an answer.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AccessControlIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aTeamKeyReadsItsTeamOnlyAndAFinanceKeyReadsAll(EmbeddedKafka kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(Topics.PREFIX_CONFIG, "acl-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    Topics topics = Topics.from(config);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicApplier.apply(admin, topics.all());
    }
    PriceVersion price = Ledger.gpt4o();
    try (var prices = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        topics.prices.keySerde().serializer(), topics.prices.valueSerde().serializer())) {
      prices.send(new ProducerRecord<>(topics.prices.name(), PriceBook.catalogKey(price), price)).get();
    }
    int usagePort = Ports.free();
    int economicsPort = Ports.free();
    Map<String, Object> aggregationConfig = new HashMap<>(config);
    aggregationConfig.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "acl").toString());
    aggregationConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + usagePort);
    KafkaStreams aggregation = new KafkaStreams(AggregationApp.buildTopology(topics,
        AggregationSettings.from(aggregationConfig)), AggregationApp.config(aggregationConfig));
    Map<String, Object> economicsConfig = new HashMap<>(config);
    economicsConfig.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "acl-e").toString());
    economicsConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + economicsPort);
    KafkaStreams economics = new KafkaStreams(EconomicsApp.buildTopology(topics, EconomicsSettings.from(economicsConfig)),
        EconomicsApp.config(economicsConfig));
    int reconciliationPort = Ports.free();
    Map<String, Object> reconciliationConfig = new HashMap<>(config);
    reconciliationConfig.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "acl-r")
        .toString());
    reconciliationConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + reconciliationPort);
    io.tokenledger.reconciliation.service.ReconciliationSettings reconciliationSettings =
        io.tokenledger.reconciliation.service.ReconciliationSettings.from(reconciliationConfig);
    KafkaStreams reconciliation = new KafkaStreams(io.tokenledger.reconciliation.service.ReconciliationApp
        .buildTopology(topics, reconciliationSettings),
        io.tokenledger.reconciliation.service.ReconciliationApp.config(reconciliationConfig));
    try (LogCapture log = new LogCapture();
         ReadKeys keys = ReadKeys.create(bootstrap, topics);
         AutoCloseable stopAggregation = () -> StreamsApps.close(aggregation, Duration.ofSeconds(30));
         AutoCloseable stopEconomics = () -> StreamsApps.close(economics, Duration.ofSeconds(30));
         AutoCloseable stopReconciliation = () -> StreamsApps.close(reconciliation, Duration.ofSeconds(30));
         QueryHttpServer usageQueries = QueryServer.start(aggregation, new HostInfo("127.0.0.1", usagePort),
             keys.directory());
         QueryHttpServer economicsQueries = io.tokenledger.economics.query.EconomicsQueries.start(economics, new HostInfo("127.0.0.1", economicsPort),
             EconomicsSettings.from(economicsConfig), keys.directory());
         QueryHttpServer reconciliationQueries = io.tokenledger.reconciliation.service.ReconciliationQueries.start(
             reconciliation, new HostInfo("127.0.0.1", reconciliationPort), reconciliationSettings, keys.directory());
         io.tokenledger.dashboard.DashboardServer dashboard = new io.tokenledger.dashboard.DashboardServer(Map.of(
             "aggregation", java.net.URI.create("http://127.0.0.1:" + usagePort))).start("127.0.0.1", 0)) {
      aggregation.start();
      economics.start();
      reconciliation.start();
      String supportReader = keys.key("support", ApiKeyScope.READ_TEAM);
      String supportWriter = keys.key("support", ApiKeyScope.INGEST);
      ApiKeyAdmin admin = new ApiKeyAdmin(bootstrap, topics.apiKeys);
      String revoked = keys.key("finance", ApiKeyScope.READ_TEAM);
      admin.revoke(ApiKeyTokens.parse(revoked).orElseThrow().keyId());
      Await.until(BOUND, () -> get(usagePort, "/v1/period-to-date?team=finance", revoked).statusCode() == 401,
          () -> "the revocation to reach the directory");
      Instant now = Instant.now();
      try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
          topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer())) {
        for (String team : new String[] {"support", "finance"}) {
          producer.send(new ProducerRecord<>(topics.usage.name(), team, event(team + "-1", team, now))).get();
        }
      }
      String finance = keys.financeHeader().substring("Bearer ".length());
      for (String team : new String[] {"support", "finance"}) {
        Await.until(BOUND, () -> get(usagePort, "/v1/period-to-date?team=" + team, finance).body()
            .contains("\"event_count\":1,"), () -> team + "'s event for the finance key");
      }

      String supportToDate = "/v1/period-to-date?team=support";
      String financeToDate = "/v1/period-to-date?team=finance";
      assertEquals(401, get(usagePort, supportToDate, null).statusCode(), "no credential");
      assertEquals(401, get(usagePort, supportToDate, "tlk_00000000000000000000_notakey").statusCode());
      assertEquals(401, get(usagePort, financeToDate, revoked).statusCode(), "a revoked key");
      HttpResponse<String> ingest = get(usagePort, supportToDate, supportWriter);
      assertEquals(403, ingest.statusCode(), ingest.body());
      assertTrue(ingest.body().contains("ingest key"), ingest.body());

      assertEquals(200, get(usagePort, supportToDate, supportReader).statusCode(), "its own team");
      HttpResponse<String> otherTeam = get(usagePort, financeToDate, supportReader);
      assertEquals(403, otherTeam.statusCode(), "another team");
      assertTrue(otherTeam.body().contains("may read team 'support' only"), otherTeam.body());
      assertEquals(403, get(usagePort, "/v1/usage?scope=model&key=gpt-4o&window=1m", supportReader).statusCode(),
          "figures across teams");
      assertEquals(403, get(usagePort, "/v1/usage?scope=team-workflow-model&key=finance%7Ctriage%7Cgpt-4o&window=1h",
          supportReader).statusCode());
      assertEquals(403, get(economicsPort, "/v1/economics?workflow=triage", supportReader).statusCode(),
          "a workflow across teams");
      assertEquals(403, get(economicsPort, "/v1/advice", supportReader).statusCode());
      assertEquals(403, get(economicsPort, "/v1/economics?workflow=triage&team=finance", supportReader).statusCode());

      assertEquals(200, get(usagePort, financeToDate, finance).statusCode(), "finance reads every team");
      assertEquals(200, get(usagePort, "/v1/usage?scope=model&key=gpt-4o&window=1m", finance).statusCode());
      assertEquals(200, get(economicsPort, "/v1/advice", finance).statusCode());
      // The bills are the company's: a team key may not read them, a read-all key may.
      assertEquals(403, get(reconciliationPort, "/v1/reconciliation", supportReader).statusCode(),
          "the reconciliation needs a read-all key");
      Await.until(BOUND, () -> get(reconciliationPort, "/v1/reconciliation", finance).statusCode() == 200,
          () -> "the reconciliation answering a read-all key");
      assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + usagePort + "/healthz"))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "health stays open");
      assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + usagePort + "/metrics"))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "metrics stay open");

      // The dashboard's routes follow the same rules: lists hold the key's own team only.
      assertEquals(401, get(usagePort, "/v1/whoami", null).statusCode());
      assertTrue(get(usagePort, "/v1/whoami", supportReader).body().contains("\"team\":\"support\""));
      HttpResponse<String> teams = get(usagePort, "/v1/breakdown?scope=team&window=1d", supportReader);
      assertEquals(200, teams.statusCode(), teams.body());
      assertTrue(teams.body().contains("\"key\":\"support\"") && !teams.body().contains("\"key\":\"finance\""),
          teams.body());
      assertTrue(get(usagePort, "/v1/breakdown?scope=team&window=1d", finance).body().contains("\"key\":\"finance\""));
      assertEquals(403, get(usagePort, "/v1/breakdown?scope=model&window=1d", supportReader).statusCode(),
          "figures per model across teams");
      assertEquals(200, get(usagePort, "/v1/prices", supportReader).statusCode(), "prices are no team's secret");
      // From the per-series ledger, brought up to date at the detail interval (10 s).
      String focus = "/api/export/focus?period=" + java.time.YearMonth.now(java.time.ZoneOffset.UTC);
      Await.until(BOUND, () -> get(dashboard.port(), focus, supportReader).body().contains(",support,support,"),
          () -> "support's rows in its FOCUS export");
      String supportExport = get(dashboard.port(), focus, supportReader).body();
      assertTrue(supportExport.contains(",support,support,") && !supportExport.contains(",finance,finance,"),
          supportExport);

      for (String secret : new String[] {finance, supportReader, supportWriter, revoked}) {
        String secretPart = ApiKeyTokens.parse(secret).orElseThrow().secret();
        assertFalse(log.lines().stream().anyMatch(l -> l.contains(secretPart)), "a secret in the logs");
        assertFalse(get(usagePort, financeToDate, supportReader).body().contains(secretPart), "a secret in an answer");
      }
    }
  }

  private static HttpResponse<String> get(int port, String pathAndQuery, String key) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery));
      if (key != null) {
        request.header("Authorization", "Bearer " + key);
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static UsageEvent event(String id, String team, Instant at) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam(team).setWorkflow("triage").setService("s")
        .setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(1_000).setCacheReadTokens(0)
        .setCacheWriteTokens(0).setOutputTokens(0).setReasoningTokens(0).setRequestCount(1).build();
  }
}
