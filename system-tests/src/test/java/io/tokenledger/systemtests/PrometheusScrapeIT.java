package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.devtools.stack.LocalStack;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.metrics.ServiceMeters;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.io.File;
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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Prometheus (Debian's package) scrapes the services' {@code /metrics} while usage flows
 * through the gateway, and its query API returns tokenledger's series with the exact counts:
 * events counted, dead letters by reason, alerts by type, gateway acceptances, and the Kafka
 * Streams metrics of Micrometer's binder. The scrape config is the one in {@code ops/prometheus/}
 * with this run's ports.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PrometheusScrapeIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final File PROMETHEUS = new File("/usr/bin/prometheus");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EVENTS = 7;

  private int prometheusPort;

  @Test
  void prometheusScrapesEveryServiceAndItsQueriesReturnTheCounts(EmbeddedKafka kafka) throws Exception {
    Assumptions.assumeTrue(PROMETHEUS.canExecute(), "needs Debian's prometheus package (.ci/run installs it)");
    String bootstrap = kafka.bootstrapServers();
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(Topics.PREFIX_CONFIG, "prom-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    Topics topics = Topics.from(config);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicApplier.apply(admin, topics.all());
    }
    PriceVersion price = Ledger.gpt4o();
    Ledger.publishPrice(bootstrap, topics, price);
    Budget budget = Budget.newBuilder().setBudgetId("support-monthly").setTeam("support").setLimitNanoUsd(5_000_000L)
        .setPeriod(BudgetPeriod.MONTH).setTimezone("UTC").setUpdatedAt(Instant.now()).build();
    try (var budgets = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        topics.budgets.keySerde().serializer(), topics.budgets.valueSerde().serializer())) {
      budgets.send(new ProducerRecord<>(topics.budgets.name(), budget.getBudgetId(), budget)).get();
    }
    ApiKeyAdmin admin = new ApiKeyAdmin(bootstrap, topics.apiKeys);
    String ingestKey = admin.create("support", ApiKeyScope.INGEST, "prometheus test").token();
    String financeKey = admin.create(null, ApiKeyScope.READ_ALL, "prometheus test").token();
    Path dir = Files.createTempDirectory(Path.of("target"), "prometheus");
    try (LocalStack stack = new LocalStack(config, topics, dir.resolve("state"), 0);
         ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
         IngestGateway gateway = IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
             topics, keys, GatewaySettings.defaults(), ServiceMeters.prometheus()).start("127.0.0.1", 0)) {
      assertTrue(keys.awaitLoaded(BOUND));
      Process prometheus = startPrometheus(dir, Map.of("aggregation", stack.aggregationEndpoint(), "alerting",
          stack.alertingEndpoint(), "economics", stack.economicsEndpoint(), "ingest-gateway", "127.0.0.1:" + gateway.port()));
      try {
        for (String job : new String[] {"aggregation", "alerting", "economics", "ingest-gateway"}) {
          Await.until(BOUND, () -> value("up{job=\"" + job + "\"}") == 1, () -> "Prometheus to scrape " + job);
        }
        // Counters are per process and this JVM runs other tests too: the expectations are deltas.
        long counted = value("tokenledger_usage_events_total{job=\"aggregation\",outcome=\"counted\"}");
        long accepted = value("tokenledger_gateway_events_accepted_total{job=\"ingest-gateway\"}");
        long undecodable = value("tokenledger_dead_letters_total{job=\"aggregation\",reason=\"NOT_AVRO\"}");
        long budgetAlerts = value("tokenledger_alerts_raised_total{job=\"alerting\",type=\"budget\"}");

        Instant now = Instant.now();
        for (int i = 0; i < EVENTS; i++) {
          HttpResponse<String> sent = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
              + "/v1/usage")).header("Authorization", "Bearer " + ingestKey).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("""
                  {"event_id": "p-%d", "event_time": %d, "workflow": "triage", "service": "helpdesk",
                   "provider": "openai", "model": "gpt-4o", "uncached_input_tokens": 1000}"""
                  .formatted(i, now.plusMillis(i).toEpochMilli()))).build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(202, sent.statusCode(), sent.body());
        }
        try (var garbage = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
          garbage.send(new ProducerRecord<>(topics.usage.name(), "support".getBytes(StandardCharsets.UTF_8),
              "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }
        // The markers: the figures and the alerts are there; then Prometheus must show the same counts.
        Await.until(BOUND, () -> api(stack.aggregationEndpoint(), "/v1/period-to-date?team=support", financeKey)
            .path("total").path("event_count").asLong() == EVENTS, () -> "the aggregate of the " + EVENTS + " events");
        Await.until(BOUND, () -> api(stack.alertingEndpoint(), "/v1/alerts?team=support", financeKey).path("alerts")
            .size() == 3, () -> "the 50, 80 and 100% budget alerts");
        awaitValue("tokenledger_usage_events_total{job=\"aggregation\",outcome=\"counted\"}", counted + EVENTS);
        awaitValue("tokenledger_gateway_events_accepted_total{job=\"ingest-gateway\"}", accepted + EVENTS);
        awaitValue("tokenledger_alerts_raised_total{job=\"alerting\",type=\"budget\"}", budgetAlerts + 3);
        awaitValue("tokenledger_dead_letters_total{job=\"aggregation\",reason=\"NOT_AVRO\"}", undecodable + 1);
        Await.until(BOUND, () -> value("count({job=\"aggregation\",__name__=~\"kafka_stream_thread_process_total\"})") > 0,
            () -> "the Kafka Streams thread metrics from Micrometer's binder");
        Await.until(BOUND, () -> value("count({job=\"ingest-gateway\",__name__=~\"kafka_producer_record_send_total\"})") > 0,
            () -> "the gateway producers' client metrics");
        grafanaPanelsHaveSeries();
      } finally {
        prometheus.destroy();
        prometheus.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The provisioned Grafana dashboard queries series that exist: every metric its panels name has
   * data here, but for the Slack sink's and the recorder's, whose processes this test does not
   * run; and every panel uses the provisioned datasource's fixed uid.
   */
  private void grafanaPanelsHaveSeries() throws Exception {
    String uid = java.util.regex.Pattern.compile("uid: (\\S+)").matcher(Files.readString(
        Path.of("..", "ops", "grafana", "provisioning", "datasources", "prometheus.yaml"))).results().findFirst().orElseThrow()
        .group(1);
    JsonNode dashboard = JSON.readTree(Path.of("..", "ops", "grafana", "dashboards", "tokenledger.json").toFile());
    java.util.Set<String> metrics = new java.util.TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertEquals(uid, panel.path("datasource").path("uid").asText(), panel.path("title").asText());
      for (JsonNode target : panel.path("targets")) {
        assertEquals(uid, target.path("datasource").path("uid").asText(), panel.path("title").asText());
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b(?:tokenledger|kafka|jvm)_[a-z0-9_]+")
            .matcher(target.path("expr").asText());
        names.results().map(java.util.regex.MatchResult::group).forEach(metrics::add);
      }
    }
    metrics.removeIf(name -> name.startsWith("tokenledger_slack_") || name.startsWith("tokenledger_recorder_"));
    assertTrue(metrics.size() >= 6, metrics.toString());
    for (String metric : metrics) {
      Await.until(BOUND, () -> value("count(" + metric + ")") > 0, () -> "a series of " + metric
          + ", which a Grafana panel queries");
    }
  }

  /** Prometheus with ops/prometheus/prometheus.yml's jobs, pointed at this run's ports, scraping every second. */
  private Process startPrometheus(Path dir, Map<String, String> targets) throws Exception {
    String config = Files.readString(Path.of("..", "ops", "prometheus", "prometheus.yml")).replace("scrape_interval: 15s",
        "scrape_interval: 1s");
    for (Map.Entry<String, String> target : targets.entrySet()) {
      config = config.replaceAll("'" + target.getKey() + ":\\d+'", "'" + target.getValue() + "'");
    }
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    prometheusPort = Ports.free();
    return new ProcessBuilder(PROMETHEUS.getPath(), "--config.file=" + file, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + prometheusPort).redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
  }

  private void awaitValue(String query, long expected) {
    Await.until(BOUND, () -> value(query) == expected, () -> query + " = " + expected + "; it is " + value(query));
  }

  /** The instant value of a PromQL query (summed if several series), 0 when it has none; -1 when Prometheus is not up. */
  private long value(String query) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort
          + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return -1;
      }
      long sum = 0;
      for (JsonNode series : JSON.readTree(response.body()).path("data").path("result")) {
        sum += (long) Double.parseDouble(series.path("value").get(1).asText());
      }
      return sum;
    } catch (Exception e) {
      return -1;
    }
  }

  private static JsonNode api(String endpoint, String path, String key) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + endpoint + path))
          .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }
}
