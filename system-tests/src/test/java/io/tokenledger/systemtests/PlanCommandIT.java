package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.query.EconomicsQueries;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.ReadKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.EconomicsVerdict;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.LedgerFixtures;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code tokenledger plan set|show} against a real broker, the ledger written as the aggregation
 * writes it. support's ticket-triage uses 1,000,000 gpt-4o input tokens a day ($2.50; $2.00 from
 * March 1, a known cut) and its reply-drafting 500,000 gpt-4o-mini tokens ($0.075), every day from
 * January 1 2026. As of February 3: 33 days spent, 26 + 31 days forecast (PlanOutlookTest has the
 * same figures without a broker).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PlanCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void setsPlansAndShowsThemAgainstActualsAndTheForecast(EmbeddedKafka kafka) throws Exception {
    IsolatedRun run = IsolatedRun.create(kafka, "plan");
    Topics topics = run.topics();
    for (PriceVersion price : new PriceVersion[] {LedgerFixtures.openAiPrice("gpt-4o", "2025-01-01T00:00:00Z", 2_500_000),
        LedgerFixtures.openAiPrice("gpt-4o", "2026-03-01T00:00:00Z", 2_000_000),
        LedgerFixtures.openAiPrice("gpt-4o-mini", "2025-01-01T00:00:00Z", 150_000)}) {
      CompactedTopics.write(run.config(), topics.prices, PriceBook.catalogKey(price), price);
    }
    try (KafkaProducer<String, UsageAggregate> ledger = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        topics.seriesLedger15m.keySerde().serializer(), topics.seriesLedger15m.valueSerde().serializer())) {
      for (LocalDate day = LocalDate.parse("2026-01-01"); day.isBefore(LocalDate.parse("2026-02-03"));
           day = day.plusDays(1)) {
        Instant at = day.atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(9));
        for (UsageAggregate b : new UsageAggregate[] {
            LedgerFixtures.bucket("support", "ticket-triage", new ProviderModel("openai", "gpt-4o"), at, 1_000_000,
                2_500_000_000L),
            LedgerFixtures.bucket("support", "reply-drafting", new ProviderModel("openai", "gpt-4o-mini"), at, 500_000,
                75_000_000L)}) {
          // In the team's partition, as the aggregation writes its ledger.
          ledger.send(new ProducerRecord<>(topics.seriesLedger15m.name(), io.tokenledger.schemas.topics.TeamPartitions
              .partitionOf(b.getScope(), topics.seriesLedger15m.spec().partitions()), b.getScope(), b)).get();
        }
      }
    }

    assertEquals(0, Cli.run(run.cli("plan", "set", "--team", "support", "--workflow", "ticket-triage", "--quarter",
        "2026-Q1", "--usd", "150", "--effective-from", "2025-12-15", "--set-by", "finance")));
    String revised = Cli.output(run.cli("plan", "set", "--team", "support", "--workflow", "ticket-triage",
        "--quarter", "2026-q1", "--usd", "200", "--effective-from", "2026-01-20", "--set-by", "finance",
        "--note", "agents took over tier 1"));
    assertTrue(revised.contains("Set the 2026-Q1 plan of support / ticket-triage: $200.00, from 2026-01-20T00:00:00Z"),
        revised);
    assertEquals(0, Cli.run(run.cli("plan", "set", "--team", "support", "--quarter", "2026-Q1", "--usd", "250",
        "--effective-from", "2025-12-15", "--set-by", "finance")));
    assertTrue(Cli.refusal(2, run.cli("plan", "set", "--team", "support", "--quarter", "2026-Q5", "--usd", "1",
        "--set-by", "finance")).contains("a quarter is written YYYY-Qn, e.g. 2027-Q1, not '2026-Q5'"));
    assertTrue(Cli.refusal(2, run.cli("plan", "set", "--team", "support", "--quarter", "2026-Q1", "--set-by",
        "finance")).contains("give an amount in USD, tokens or both"));
    assertEquals(3, CompactedTopics.readLatest(run.config(), topics.plans).size(), "every version kept");

    String shown = Cli.output(run.cli("plan", "show", "--quarter", "2026-Q1", "--as-of", "2026-02-03"));
    // 33 x $2.575 = $84.975 spent; forecast + 26 x $2.575 + 31 x $2.075 = $216.25, 13.5% under $250.
    assertTrue(shown.contains("support: 2026-Q1 plan $250.00, spent $84.98 by Feb 3, forecast $216.25 (-14%)"), shown);
    // 33 x $2.50 = $82.50; + 26 x $2.50 + 31 x $2.00 = $209.50, 4.75% over $200 (the version in force on Feb 3).
    assertTrue(shown.contains("support / ticket-triage: 2026-Q1 plan $200.00, spent $82.50 by Feb 3, forecast "
        + "$209.50 (+5%)"), shown);
    assertTrue(Cli.output(run.cli("plan", "show", "--quarter", "2026-Q2", "--as-of", "2026-02-03"))
        .contains("No plan for 2026-Q2."));

    // The economics of February so far: ticket-triage's agent $0.80 per successful ticket, a person $10.53.
    WorkflowEconomics triage = WorkflowEconomics.newBuilder().setWorkflow("ticket-triage").setTeam("support")
        .setPeriod(EconomicsPeriod.MONTH).setZone("UTC").setFirstDay("2026-02-01")
        .setPeriodStart(Instant.parse("2026-02-01T00:00:00Z")).setPeriodEnd(Instant.parse("2026-03-01T00:00:00Z"))
        .setOutcomeUnit("ticket").setItemsStarted(100).setItemsSucceeded(90).setItemsFailed(10).setItemsEscalated(0)
        .setItemsAbandoned(0).setItemsOpen(0).setUnitsSucceeded(90).setHumanSeconds(0).setAiSpendNanoUsd(72 * 1_000_000_000L)
        .setHumanInLoopCostNanoUsd(0).setAiPathCostNanoUsd(72 * 1_000_000_000L).setCostPerSuccessNanoUsd(800_000_000L)
        .setHumanCostPerOutcomeNanoUsd(10_530_000_000L).setHumanCostAvoidedNanoUsd(0).setUnvaluedOutcomes(0)
        .setVerdict(EconomicsVerdict.AGENT_CHEAPER).setVerdictReason("cheaper").build();
    CompactedTopics.write(run.config(), topics.economics, "MONTH|UTC|2026-02-01|ticket-triage|support", triage);
    String advice = Cli.output(run.cli("plan", "advise", "--quarter", "2026-Q1", "--as-of", "2026-02-03"));
    // $9.50 over plan; $0.80 at March's cut prices (127 x 33 / (57 x 82.5)) is $0.712982456: 13 tickets.
    assertTrue(advice.contains("[FUND] support / ticket-triage: its agent is cheaper than a person ($0.71 per "
        + "successful ticket at the forecast's prices, against $10.53) and its forecast passes its plan by $9.50: that "
        + "is 13 tickets by the agent, which people would do for $136.89."), advice);

    // The economics answers GET /v1/plan from its own copy of the ledger: the same lines, to the nano-USD.
    int port = Ports.free();
    Map<String, Object> economicsConfig = new HashMap<>(run.config());
    economicsConfig.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "plan-economics")
        .toString());
    economicsConfig.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
    EconomicsSettings settings = EconomicsSettings.from(economicsConfig);
    KafkaStreams economics = new KafkaStreams(EconomicsApp.buildTopology(topics, settings),
        EconomicsApp.config(economicsConfig));
    try (ReadKeys keys = ReadKeys.create(kafka.bootstrapServers(), topics);
         QueryHttpServer queries = EconomicsQueries.start(economics, new HostInfo("127.0.0.1", port), settings,
             keys.directory())) {
      economics.start();
      String query = "/v1/plan?quarter=2026-Q1&at=2026-02-03";
      AtomicReference<JsonNode> answer = new AtomicReference<>();
      // Waits for the last day's buckets (Feb 2: 33 days of each line), then asserts every figure exactly.
      Await.until(Duration.ofSeconds(60), () -> {
        answer.set(get(port, query, keys.financeHeader()));
        JsonNode lines = answer.get() == null ? null : answer.get().path("lines");
        return lines != null && lines.size() == 2 && lines.get(0).path("actual_tokens").asLong() == 49_500_000L
            && lines.get(1).path("actual_tokens").asLong() == 33_000_000L;
      }, () -> "the plan's ledger to hold Feb 2, last answer: " + answer.get());
      JsonNode team = answer.get().get("lines").get(0);
      assertEquals("support", team.get("team").asText());
      assertTrue(team.get("workflow").isNull());
      assertEquals("2026-02-03", team.get("as_of").asText());
      assertEquals(250_000_000_000L, team.get("plan_nano_usd").asLong());
      assertEquals(84_975_000_000L, team.get("actual_nano_usd").asLong());
      assertEquals(216_250_000_000L, team.get("forecast_nano_usd").asLong());
      assertEquals("216.250000000", team.get("forecast_usd").asText());
      assertEquals(-14, team.get("deviation_percent").asInt());
      JsonNode triageLine = answer.get().get("lines").get(1);
      assertEquals("ticket-triage", triageLine.get("workflow").asText());
      assertEquals(200_000_000_000L, triageLine.get("plan_nano_usd").asLong());
      assertEquals(82_500_000_000L, triageLine.get("actual_nano_usd").asLong());
      assertEquals(209_500_000_000L, triageLine.get("forecast_nano_usd").asLong());
      assertEquals(5, triageLine.get("deviation_percent").asInt());
      // No economics figures for these teams here (the published row above is the CLI's input): no advice.
      assertEquals(0, answer.get().get("advice").size());
      // A team key reads its own team's plan, never another's, nor the whole company's.
      String supportKey = "Bearer " + keys.key("support", io.tokenledger.schemas.ApiKeyScope.READ_TEAM);
      assertEquals(2, get(port, query + "&team=support", supportKey).get("lines").size());
      assertEquals(403, status(port, query + "&team=finance-ops", supportKey));
      assertEquals(403, status(port, query, supportKey));
      assertEquals(0, get(port, query + "&team=finance-ops", keys.financeHeader()).get("lines").size());
    } finally {
      StreamsApps.close(economics, Duration.ofSeconds(30));
    }
  }

  private static JsonNode get(int port, String pathAndQuery, String authorization) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + pathAndQuery)).header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static int status(int port, String pathAndQuery, String authorization) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
