package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.devtools.bench.AdmissionLoad;
import io.tokenledger.ingest.admission.Admission;
import io.tokenledger.ingest.admission.AdmissionQuery;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.BudgetUnreachable;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Budgets that stop spend, on a real broker with the aggregation and alerting running.
 * gpt-4o: $2.50 input, $10 output per 1M tokens; a call asks for 10,000 input and at most 2,000
 * output tokens, so it reserves $0.045, and costs $0.025 plus $0.01 per 1,000 output tokens.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AdmissionIT {
  private static final Duration BOUND = Duration.ofSeconds(120);
  private static final long USD = 1_000_000_000L;
  private static final long LIMIT = 5 * USD;
  private static final int CALLERS = 64;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * 64 callers (four recorders of 16 threads: four holders of leases) admit and record calls
   * until the $5 HARD budget denies them. growth's estimates are upper bounds of its calls: the
   * bound is 0 and the recorded spend never passes $5. labs estimates 9,000 input tokens for
   * calls of 10,000: each call may cost $0.0025 more than reserved, and the spend passes $5 by
   * at most that times the calls allowed.
   */
  @Test
  void concurrentCallersNeverPassAHardBudgetByMoreThanTheirEstimatesError(EmbeddedKafka kafka) throws Exception {
    IsolatedRun run = IsolatedRun.create(kafka, "admission");
    io.micrometer.core.instrument.Metrics.addRegistry(new SimpleMeterRegistry());
    double unheldBefore = reservations("unheld");
    Topics topics = run.topics();
    Map<String, Object> config = run.config();
    // Longer than a call takes to reach the priced usage (the aggregation commits at least every 5 s).
    config.put("tokenledger.admission.call-hold", "60s");
    config.put("tokenledger.admission.lease-ttl", "2s");
    publishPrice(config, topics);
    setBudget(config, topics, hard("growth-hard", "growth", LIMIT));
    setBudget(config, topics, hard("labs-hard", "labs", LIMIT));

    KafkaStreams aggregation = run.aggregation(Ports.free());
    KafkaStreams alerting = alerting(config, topics);
    try (AutoCloseable stopAggregation = () -> StreamsApps.close(aggregation, Duration.ofSeconds(30));
         AutoCloseable stopAlerting = () -> StreamsApps.close(alerting, Duration.ofSeconds(30))) {
      aggregation.start();
      alerting.start();
      Await.until(BOUND, () -> alerting.state() == KafkaStreams.State.RUNNING, () -> "alerting running");

      AdmissionLoad.Callers growth = new AdmissionLoad.Callers("growth", 10_000, 80);
      AdmissionLoad.Callers labs = new AdmissionLoad.Callers("labs", 9_000, 80);
      List<UsageRecorder> recorders = new ArrayList<>();
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      for (int i = 0; i < 4; i++) {
        recorders.add(recorder(run, topics, Duration.ofSeconds(10), meters));
      }
      AdmissionLoad.run(recorders, List.of(growth, labs), CALLERS);
      String growthMarker = growth.marker(recorders.get(0));
      String labsMarker = labs.marker(recorders.get(1));
      for (UsageRecorder recorder : recorders) {
        recorder.close();
      }

      Map<String, Long> priced = AdmissionLoad.pricedSpend(config, topics, List.of(growthMarker, labsMarker), BOUND);
      assertEquals(growth.recorded.get(), priced.get("growth"), "growth's recorded spend, priced");
      assertEquals(labs.recorded.get(), priced.get("labs"), "labs' recorded spend, priced");
      long growthOver = Math.max(0, priced.get("growth") - LIMIT);
      long labsOver = Math.max(0, priced.get("labs") - LIMIT);
      System.out.printf("Admission under %d concurrent callers, HARD budget %s each:%n  growth (exact estimates): "
              + "%d calls allowed, %d denied, spend %s, overshoot %s (bound %s)%n  labs (input underestimated 10%%): "
              + "%d allowed, %d denied, spend %s, overshoot %s (bound %s)%n", CALLERS, MoneyFormat.usd(LIMIT),
          growth.allowed.get(), growth.denied.get(), MoneyFormat.exact(priced.get("growth")),
          MoneyFormat.exact(growthOver), MoneyFormat.exact(growth.bound.get()), labs.allowed.get(), labs.denied.get(),
          MoneyFormat.exact(priced.get("labs")), MoneyFormat.exact(labsOver), MoneyFormat.exact(labs.bound.get()));
      System.out.println("  admission from a lease: " + AdmissionLoad.latency(meters, Admission.Source.LEASE));
      System.out.println("  admission by the team's task: " + AdmissionLoad.latency(meters, Admission.Source.TEAM_TASK));
      assertEquals(0, growth.bound.get());
      assertTrue(priced.get("growth") <= LIMIT, "growth spent " + priced.get("growth"));
      assertTrue(priced.get("labs") <= LIMIT + labs.bound.get(), "labs spent " + priced.get("labs") + ", bound "
          + labs.bound.get());
      // Not a budget that denies everything: callers retried while others' calls settled, so the
      // budget was used to within a few calls of its limit.
      assertTrue(priced.get("growth") > LIMIT - 10 * 45_000_000L, "growth spent only " + priced.get("growth"));

      // Every call's usage came while its reservation was held: the bound above is the whole bound.
      assertEquals(unheldBefore, reservations("unheld"), "usage settling a reservation no longer held");
    }
  }

  /**
   * With the team's task stopped, a HARD budget that fails closed denies and one that fails
   * open allows, each said in the answer and counted; and the gateway answers {@code POST
   * /v1/admit} with the reservation its usage settles, and denies an agent over its token cap.
   */
  @Test
  void failClosedDeniesFailOpenAllowsAndTheGatewayAdmits(EmbeddedKafka kafka) throws Exception {
    IsolatedRun run = IsolatedRun.create(kafka, "admission-gw");
    Topics topics = run.topics();
    Map<String, Object> config = run.config();
    String bootstrap = kafka.bootstrapServers();
    publishPrice(config, topics);
    setBudget(config, topics, hard("web-hard", "web", 1 * USD));
    setBudget(config, topics, Budget.newBuilder(hard("crawler-cap", "web", 1)).setLimitNanoUsd(null)
        .setLimitTokens(5_000L).setAgentId("crawler").setPeriod(BudgetPeriod.DAY).build());
    setBudget(config, topics, Budget.newBuilder(hard("closed", "vault", 1 * USD))
        .setWhenUnreachable(BudgetUnreachable.FAIL_CLOSED).build());
    setBudget(config, topics, hard("open", "kiosk", 1 * USD));

    KafkaStreams aggregation = run.aggregation(Ports.free());
    KafkaStreams alerting = alerting(config, topics);
    String ingestKey = new ApiKeyAdmin(bootstrap, topics.apiKeys).create("web", "admission-it").token();
    HttpClient http = HttpClient.newHttpClient();
    try (AutoCloseable stopAggregation = () -> StreamsApps.close(aggregation, Duration.ofSeconds(30));
         ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys)) {
      aggregation.start();
      alerting.start();
      assertTrue(keys.awaitLoaded(BOUND));
      Await.until(BOUND, () -> alerting.state() == KafkaStreams.State.RUNNING, () -> "alerting running");
      try (IngestGateway gateway = IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
          topics, keys, GatewaySettings.from(Map.of("tokenledger.gateway.admission-timeout", "10s")),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0)) {
        String base = "http://127.0.0.1:" + gateway.port();
        JsonNode allowed = post(http, base + "/v1/admit", ingestKey, """
            {"workflow": "search", "provider": "openai", "model": "gpt-4o", "estimated_input_tokens": 10000,
             "max_output_tokens": 2000}""", 200);
        assertEquals("allow", allowed.get("verdict").asText());
        assertEquals("team_task", allowed.get("source").asText());
        assertEquals(45_000_000L, allowed.get("reserved_nano_usd").asLong());
        assertEquals("0.045000000", allowed.get("reserved_usd").asText());
        assertEquals("web-hard", allowed.get("budget_id").asText());
        // $1 less the call's $0.045 less the lease of 10% of the $0.955 left after it.
        assertEquals(1 * USD - 45_000_000L - 95_500_000L, allowed.get("left_nano_usd").asLong());
        String reservation = allowed.get("reservation_id").asText();

        JsonNode denied = post(http, base + "/v1/admit", ingestKey, """
            {"workflow": "search", "provider": "openai", "model": "gpt-4o", "estimated_input_tokens": 4000,
             "max_output_tokens": 2000, "agent_id": "crawler"}""", 200);
        assertEquals("deny", denied.get("verdict").asText());
        assertEquals("crawler-cap", denied.get("budget_id").asText());
        assertEquals(5_000L, denied.get("left_tokens").asLong());
        assertEquals("Denied by budget crawler-cap (HARD, 5,000 tokens a day): the call needs up to 6,000 tokens and "
            + "5,000 tokens is left after spend and outstanding reservations; it resets "
            + denied.get("reason").asText().replaceAll(".*it resets ", ""), denied.get("reason").asText());

        JsonNode otherTeam = post(http, base + "/v1/admit", ingestKey, """
            {"team": "vault", "workflow": "search", "provider": "openai", "model": "gpt-4o",
             "estimated_input_tokens": 1, "max_output_tokens": 1}""", 403);
        assertTrue(otherTeam.get("message").asText().contains("may only ask for team 'web'"), otherTeam.toString());

        post(http, base + "/v1/usage", ingestKey, """
            {"event_id": "gw-call-1", "event_time": %d, "workflow": "search", "service": "web-search",
             "provider": "openai", "model": "gpt-4o", "uncached_input_tokens": 10000, "output_tokens": 1500,
             "reservation_id": "%s"}""".formatted(System.currentTimeMillis(), reservation), 202);
        PricedUsageEvent settled = Await.value(BOUND, () -> pricedEvent(config, topics, "gw-call-1"),
            "the gateway's call priced");
        assertEquals(reservation, settled.getReservationId());
        assertEquals(40_000_000L, settled.getCostNanoUsd());
      }

      StreamsApps.close(alerting, Duration.ofSeconds(30));
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      try (UsageRecorder recorder = recorder(run, topics, Duration.ofMillis(500), meters)) {
        Admission vault = recorder.admit("vault", "secrets", "openai", "gpt-4o", 100, 100);
        assertEquals(Admission.Verdict.DENY, vault.verdict());
        assertEquals(Admission.Source.UNREACHABLE, vault.source());
        assertEquals("closed", vault.budgetId());
        assertEquals("Denied: the team's task did not answer (no answer within 500 ms) and budget closed fails "
            + "closed.", vault.reason());
        Admission kiosk = recorder.admit("kiosk", "menu", "openai", "gpt-4o", 100, 100);
        assertEquals(Admission.Verdict.ALLOW, kiosk.verdict());
        assertEquals(Admission.Source.UNREACHABLE, kiosk.source());
        assertEquals(null, kiosk.reservationId());
        assertEquals(1.0, meters.get("tokenledger.admission.answers").tag("source", "unreachable")
            .tag("verdict", "deny").counter().count());
        assertEquals(1.0, meters.get("tokenledger.admission.answers").tag("source", "unreachable")
            .tag("verdict", "allow").counter().count());
      }
    }
  }

  /** The team tasks' count of reservations that ended so (settled, expired, unheld), in this JVM. */
  private static double reservations(String end) {
    var counter = io.micrometer.core.instrument.Metrics.globalRegistry.find("tokenledger.admission.reservations")
        .tag("end", end).counter();
    return counter == null ? 0 : counter.count();
  }

  private static UsageRecorder recorder(IsolatedRun run, Topics topics, Duration timeout, SimpleMeterRegistry meters)
      throws Exception {
    return UsageRecorder.builder(topics.usage)
        .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            run.config().get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)))
        .spoolDirectory(Files.createTempDirectory(Path.of("target"), "spool")).closeOnShutdown(false)
        .meterRegistry(meters).admission(topics).admissionTimeout(timeout).build();
  }

  private static KafkaStreams alerting(Map<String, Object> config, Topics topics) {
    Map<String, Object> own = new HashMap<>(config);
    own.remove(StreamsConfig.APPLICATION_SERVER_CONFIG);
    return new KafkaStreams(AlertingApp.buildTopology(topics, AlertingSettings.from(own)), AlertingApp.config(own));
  }

  private static Budget hard(String id, String team, long limit) {
    return Budget.newBuilder().setBudgetId(id).setTeam(team).setLimitNanoUsd(limit).setPeriod(BudgetPeriod.MONTH)
        .setEnforcement(BudgetEnforcement.HARD).setUpdatedAt(Instant.now()).build();
  }

  private static void setBudget(Map<String, Object> config, Topics topics, Budget budget) throws Exception {
    CompactedTopics.write(config, topics.budgets, budget.getBudgetId(), budget);
  }

  private static void publishPrice(Map<String, Object> config, Topics topics) throws Exception {
    PriceVersion price = PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o")
        .setEffectiveFrom(Instant.parse("2025-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(2_500_000)
        .setCacheReadMicroUsdPerMtok(1_250_000).setCacheWriteMicroUsdPerMtok(2_500_000)
        .setOutputMicroUsdPerMtok(10_000_000).setReasoningMicroUsdPerMtok(10_000_000).build();
    CompactedTopics.write(config, topics.prices, PriceBook.catalogKey(price), price);
  }

  private static PricedUsageEvent pricedEvent(Map<String, Object> config, Topics topics, String eventId) {
    try (KafkaConsumer<String, List<PricedUsageEvent>> consumer = consumer(config, topics)) {
      long deadline = System.currentTimeMillis() + 2_000;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, List<PricedUsageEvent>> r : consumer.poll(Duration.ofMillis(200))) {
          for (PricedUsageEvent event : r.value()) { // the recorder may have sent it in a batch
            if (event.getEventId().equals(eventId)) {
              return event;
            }
          }
        }
      }
    }
    return null;
  }

  private static KafkaConsumer<String, List<PricedUsageEvent>> consumer(Map<String, Object> config, Topics topics) {
    KafkaConsumer<String, List<PricedUsageEvent>> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.GROUP_ID_CONFIG, "admission-it-" + UUID.randomUUID()),
        topics.pricedUsage.keySerde().deserializer(), topics.pricedUsageBatches.deserializer());
    consumer.subscribe(List.of(topics.pricedUsage.name()));
    return consumer;
  }

  private static JsonNode post(HttpClient http, String url, String key, String body, int status) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }
}
