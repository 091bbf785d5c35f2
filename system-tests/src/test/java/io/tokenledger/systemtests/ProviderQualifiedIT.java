package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.aggregation.query.QueryServer;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicScan;
import io.tokenledger.pricing.Cost;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;
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
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One model from two providers at two prices, used by one team and workflow, on a real broker with
 * the aggregation running: two series on the ledger topic, period-to-date per provider, FOCUS rows
 * each at its provider's unit price, and a correction of one provider's price that re-rates its
 * buckets and leaves the other's untouched.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ProviderQualifiedIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String OPENAI = "support|triage|openai/gpt-4o";
  private static final String AZURE = "support|triage|azure.ai.openai/gpt-4o";

  @Test
  void keepsOneModelFromTwoProvidersApartEverywhere(EmbeddedKafka kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    IsolatedRun run = IsolatedRun.create(kafka, "prov");
    Map<String, Object> config = run.config();
    Topics topics = run.topics();
    // openai's price entered x10 (to be corrected); azure's at its own, right price.
    assertEquals(0, Cli.run(run.cli("prices", "set", "--provider", "openai", "--model", "gpt-4o",
        "--input", "25", "--output", "100", "--effective-from", "2026-01-01", "--set-by", "someone")));
    assertEquals(0, Cli.run(run.cli("prices", "set", "--provider", "azure.ai.openai", "--model", "gpt-4o",
        "--input", "2.75", "--output", "11", "--effective-from", "2026-01-01", "--set-by", "someone")));
    PriceVersion openaiWrong = price("openai", 25_000_000, 100_000_000);
    PriceVersion openaiRight = price("openai", 2_500_000, 10_000_000);
    PriceVersion azure = price("azure.ai.openai", 2_750_000, 11_000_000);

    int port = Ports.free();
    KafkaStreams aggregation = run.aggregation(port);
    try (ReadKeys keys = ReadKeys.create(bootstrap, topics);
         AutoCloseable stop = () -> StreamsApps.close(aggregation, Duration.ofSeconds(30));
         QueryHttpServer queries = QueryServer.start(aggregation, new HostInfo("127.0.0.1", port), keys.directory())) {
      String finance = keys.financeHeader();
      aggregation.start();
      // Yesterday, so that a run just after midnight still finds the month it reads.
      Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
      List<UsageEvent> events = new ArrayList<>();
      try (UsageRecorder recorder = run.recorder()) {
        for (int i = 0; i < 4; i++) {
          for (String provider : List.of("openai", "azure.ai.openai")) {
            UsageEvent e = UsageEvent.newBuilder().setEventId(provider + "-" + i)
                .setEventTime(day.plus(Duration.ofMinutes(10 + 40L * i))).setTeam("support").setWorkflow("triage")
                .setService("s").setProvider(provider).setModel("gpt-4o").setUncachedInputTokens(1_000L * (i + 1))
                .setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(300).setReasoningTokens(0)
                .setRequestCount(1).build();
            recorder.record(e).get(30, TimeUnit.SECONDS);
            events.add(e);
          }
        }
      }
      long openaiBefore = cost(events, "openai", openaiWrong);
      long azureCost = cost(events, "azure.ai.openai", azure);
      // Period-to-date per provider, from the team's series in the ledger.
      String ptd = "/v1/period-to-date?team=support&period=day&zone=UTC&by=provider&at="
          + day.plus(Duration.ofDays(1)).minusMillis(1);
      // The team's total (its own ledger) and the per-provider figures (the series ledger) in one answer.
      Await.until(BOUND, () -> {
        JsonNode answer = get(port, ptd, finance);
        return byProvider(answer).equals(Map.of("openai", openaiBefore, "azure.ai.openai", azureCost))
            && answer.path("total").path("cost_nano_usd").asLong() == openaiBefore + azureCost;
      }, () -> "both providers' spend, apart, in period-to-date, and together in the team's total: "
          + get(port, ptd, finance));
      assertEquals(azureCost, get(port, "/v1/period-to-date?team=support&period=day&zone=UTC&provider=azure.ai.openai"
          + "&at=" + day.plus(Duration.ofDays(1)).minusMillis(1), finance).path("total").path("cost_nano_usd").asLong());
      // Two series on the ledger topic.
      Await.until(BOUND, () -> ledgerTopic(config, topics).equals(Map.of(OPENAI, openaiBefore, AZURE, azureCost)),
          () -> "two series on the ledger topic: " + ledgerTopic(config, topics));

      // FOCUS: each provider's rows at its own unit price.
      YearMonth month = YearMonth.from(day.atZone(ZoneOffset.UTC));
      Path focus = Files.createTempFile(Path.of("target"), "focus", ".csv");
      Cli.output(run.cli("export", "focus", "--period", month.toString(), "--out", focus.toString()));
      Map<String, String> inputPrices = new HashMap<>();
      List<String> lines = Files.readAllLines(focus);
      List<String> header = List.of(lines.get(0).split(","));
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.replaceAll("\"\\{[^}]*\\}\"", "json").split(",", -1);
        if (cells[header.indexOf("x_TokenType")].equals("uncached_input")) {
          inputPrices.put(cells[header.indexOf("ProviderName")], cells[header.indexOf("ListUnitPrice")]);
        }
      }
      assertEquals(Map.of("openai", "25", "azure.ai.openai", "2.75"), inputPrices, "USD per 1M tokens, per provider");

      // Correcting openai's price re-rates openai's buckets only.
      String output = Cli.output(run.cli("prices", "correct", "--provider", "openai", "--model", "gpt-4o",
          "--input", "2.50", "--output", "10", "--effective-from", day.toString(), "--to",
          day.plus(Duration.ofDays(1)).toString(), "--reason", "entered x10", "--set-by", "finops@acme"));
      assertTrue(output.contains("Published 4 corrections"), output);
      long openaiAfter = cost(events, "openai", openaiRight);
      Await.until(BOUND, () -> ledgerTopic(config, topics).equals(Map.of(OPENAI, openaiAfter, AZURE, azureCost)),
          () -> "openai's buckets corrected, azure's untouched: " + ledgerTopic(config, topics));
      Await.until(BOUND, () -> byProvider(port, ptd, finance).equals(Map.of("openai", openaiAfter,
          "azure.ai.openai", azureCost)), () -> "period-to-date per provider after the correction");
    }
  }

  private static Map<String, Long> byProvider(int port, String path, String auth) {
    return byProvider(get(port, path, auth));
  }

  private static Map<String, Long> byProvider(JsonNode answer) {
    Map<String, Long> costs = new HashMap<>();
    answer.path("by_provider").forEach(r -> costs.put(r.path("provider").asText(), r.path("cost_nano_usd").asLong()));
    return costs;
  }

  private static JsonNode get(int port, String path, String auth) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  /** Each series' cost over its latest bucket records on the ledger topic. */
  private static Map<String, Long> ledgerTopic(Map<String, Object> config, Topics topics) {
    Map<String, Long> latest = new HashMap<>();
    TopicScan.forEach(config, topics.seriesLedger15m, r -> latest.put(r.key() + "@" + r.value().getWindowStart(),
        r.value().getCostNanoUsd()));
    Map<String, Long> bySeries = new HashMap<>();
    latest.forEach((key, cost) -> bySeries.merge(key.substring(0, key.lastIndexOf('@')), cost, Long::sum));
    return bySeries;
  }

  private static long cost(List<UsageEvent> events, String provider, PriceVersion price) {
    return events.stream().filter(e -> e.getProvider().equals(provider)).mapToLong(e -> Cost.nanoUsd(e, price)).sum();
  }

  private static PriceVersion price(String provider, long input, long output) {
    return PriceVersion.newBuilder().setProvider(provider).setModel("gpt-4o")
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(input)
        .setCacheReadMicroUsdPerMtok(input).setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(output).build();
  }

}
