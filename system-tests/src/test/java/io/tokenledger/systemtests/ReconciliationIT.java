package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.ops.cli.ReconcileCommand;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.platform.topics.TopicScan;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.reconciliation.DifferenceClass;
import io.tokenledger.reconciliation.Finding;
import io.tokenledger.reconciliation.Reconciliation;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.ServiceTierPrice;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A month of usage recorded through the recorder (support on Claude, finance on gpt-4o) and the
 * gateway (research's batch job on Claude), priced by the aggregation; the providers' exports
 * built from the same calls in their own formats, with a difference of each kind planted:
 * <ul>
 *   <li>a service that never recorded (Anthropic key apikey_shadow, team data) on three days;
 *   <li>gpt-4o input billed at $2.75 per 1M where the catalog says $2.50;
 *   <li>research's calls billed at batch prices (half) where they were recorded as standard;
 *   <li>4,000 of support's 10,000 daily cache writes billed as 1-hour writes;
 *   <li>support's cache reads billed in cents rounded to two decimals.
 * </ul>
 * {@code bills import}, {@code bills map} and {@code reconcile} find and classify each exactly,
 * with nothing unexplained; {@code reconcile --propose-corrections --apply} re-rates the month at
 * the bill's price, and a second reconcile has no price drift left.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ReconciliationIT {
  private static final Duration BOUND = Duration.ofSeconds(120);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String CLAUDE = "claude-sonnet-4-5";
  private static final int[] SHADOW_DAYS = {3, 11, 19};

  @Test
  void everyPlantedDifferenceIsClassifiedAndTheDriftIsCorrected(EmbeddedKafka kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    IsolatedRun run = IsolatedRun.create(kafka, "recon");
    Topics topics = run.topics();
    Map<String, Object> config = run.config();
    YearMonth month = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
    CompactedTopics.write(bootstrap, topics.prices, "anthropic/" + CLAUDE + "@2026-01-01T00:00:00Z", claude());
    assertEquals(0, Cli.run(run.cli("prices", "set", "--provider", "openai", "--model", "gpt-4o", "--input", "2.50",
        "--cache-read", "1.25", "--output", "10", "--effective-from", "2026-01-01", "--set-by", "finops")));
    for (String[] map : new String[][] {{"anthropic", "--api-key", "apikey_support", "support"},
        {"anthropic", "--api-key", "apikey_research", "research"}, {"anthropic", "--api-key", "apikey_shadow", "data"},
        {"openai", "--project", "proj_finance", "finance"}}) {
      assertEquals(0, Cli.run(run.cli("bills", "map", "--provider", map[0], map[1], map[2], "--team", map[3])));
    }

    int port = Ports.free();
    KafkaStreams aggregation = run.aggregation(port);
    String ingestKey = new ApiKeyAdmin(bootstrap, topics.apiKeys).create("research", "reconciliation-it").token();
    try (ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
         AutoCloseable stop = () -> StreamsApps.close(aggregation, Duration.ofSeconds(30))) {
      aggregation.start();
      assertTrue(keys.awaitLoaded(BOUND));
      long expectedLedger = 0;
      try (IngestGateway gateway = IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
          topics, keys, GatewaySettings.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
          .start("127.0.0.1", 0);
           UsageRecorder recorder = run.recorder()) {
        for (int d = 1; d <= month.lengthOfMonth(); d++) {
          Instant day = month.atDay(d).atStartOfDay(ZoneOffset.UTC).toInstant();
          for (int call = 0; call < 2; call++) {
            recorder.record(claudeCall("s-" + d + "-" + call, day.plus(Duration.ofHours(9 + call)), d)).get(30,
                TimeUnit.SECONDS);
            expectedLedger += supportCost(d);
          }
          recorder.record(gptCall("f-" + d, day.plus(Duration.ofHours(14)))).get(30, TimeUnit.SECONDS);
          expectedLedger += 8_000 * 2_500L + 1_000 * 1_250L + 1_500 * 10_000L;
          HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
              + "/v1/usage")).header("Authorization", "Bearer " + ingestKey).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("""
                  {"event_id": "r-%d", "event_time": %d, "workflow": "batch-eval", "service": "eval-runner",
                   "provider": "anthropic", "model": "%s", "uncached_input_tokens": 20000, "output_tokens": 4000}"""
                  .formatted(d, day.plus(Duration.ofHours(16)).toEpochMilli(), CLAUDE))).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(202, posted.statusCode(), posted.body());
          expectedLedger += 20_000 * 3_000L + 4_000 * 15_000L;
        }
      }
      long ledger = expectedLedger;
      Await.until(BOUND, () -> ledgerMonth(config, topics, month, null) == ledger, () -> "the month in the ledger");

      String mappings = Cli.output(run.cli("bills", "mappings"));
      assertTrue(mappings.contains("openai project proj_finance is team finance from 1970-01-01T00:00:00Z"), mappings);
      assertEquals(4, mappings.lines().count(), mappings);
      Path dir = Files.createTempDirectory(Path.of("target"), "bills");
      Files.writeString(dir.resolve("anthropic-usage.json"), anthropicUsage(month));
      Files.writeString(dir.resolve("anthropic-cost.json"), anthropicCost(month));
      Files.writeString(dir.resolve("openai-usage.json"), openAiUsage(month));
      Files.writeString(dir.resolve("openai-costs.json"), openAiCosts(month));
      String dryImport = Cli.output(run.cli("bills", "import", "--provider", "anthropic", "--dry-run",
          dir.resolve("anthropic-usage.json").toString()));
      assertTrue(dryImport.contains("anthropic anthropic-usage: ") && dryImport.contains("Dry run: nothing written."),
          dryImport);
      String imported = Cli.output(run.cli("bills", "import", "--provider", "anthropic",
          dir.resolve("anthropic-usage.json").toString(), dir.resolve("anthropic-cost.json").toString()));
      assertTrue(imported.contains("Wrote "), imported);
      Cli.output(run.cli("bills", "import", "--provider", "openai", dir.resolve("openai-usage.json").toString(),
          dir.resolve("openai-costs.json").toString()));
      // Importing again replaces the lines: the compacted topic keeps one per line id.
      Cli.output(run.cli("bills", "import", "--provider", "openai", dir.resolve("openai-usage.json").toString(),
          dir.resolve("openai-costs.json").toString()));

      int days = month.lengthOfMonth();
      Reconciliation.Report report = ReconcileCommand.report(config, topics, month, null,
          Reconciliation.Settings.DEFAULT);
      Reconciliation.Summary s = report.summary();
      same(BigDecimal.valueOf(SHADOW_DAYS.length * (100_000 * 3_000L + 10_000 * 15_000L), 9),
          s.amount(DifferenceClass.MISSING_ON_OUR_SIDE), "the service that never recorded");
      assertEquals(SHADOW_DAYS.length * 2, of(report, DifferenceClass.MISSING_ON_OUR_SIDE).size());
      assertTrue(of(report, DifferenceClass.MISSING_ON_OUR_SIDE).stream()
          .allMatch(f -> f.identities().equals(List.of("key apikey_shadow (team data)"))), report.findings().toString());
      same(BigDecimal.valueOf(-days * (20_000 * 1_500L + 4_000 * 7_500L), 9),
          s.amount(DifferenceClass.TIER_CLASSIFICATION), "research's batch calls");
      same(BigDecimal.valueOf(days * 4_000 * 2_250L, 9), s.amount(DifferenceClass.CACHE_CLASSIFICATION),
          "support's 1-hour cache writes");
      same(BigDecimal.valueOf(days * 8_000 * 250L, 9), s.amount(DifferenceClass.PRICE_DRIFT), "gpt-4o's input price");
      List<Finding> drift = of(report, DifferenceClass.PRICE_DRIFT);
      assertEquals(days, drift.size(), drift.toString());
      assertTrue(drift.stream().allMatch(f -> f.cell().type().equals("uncached_input")
          && f.impliedUsdPerMillion().compareTo(new BigDecimal("2.75")) == 0
          && f.oursUsdPerMillion().compareTo(new BigDecimal("2.5")) == 0), drift.toString());
      BigDecimal rounding = BigDecimal.ZERO;
      for (int d = 1; d <= days; d++) {
        BigDecimal exactCents = BigDecimal.valueOf(2 * 12_300 * 300L).movePointLeft(7);
        rounding = rounding.add(exactCents.setScale(2, RoundingMode.HALF_UP).subtract(exactCents).movePointLeft(2));
      }
      same(rounding, s.amount(DifferenceClass.ROUNDING), "cache reads in cents to two decimals");
      same(BigDecimal.ZERO, s.amount(DifferenceClass.UNEXPLAINED), "unexplained");
      same(BigDecimal.ZERO, s.amount(DifferenceClass.EXTRA_ON_OUR_SIDE), "extra on our side");
      same(BigDecimal.ZERO, s.amount(DifferenceClass.NOT_METERED), "not metered");
      same(s.differenceUsd(), s.byClass().values().stream().reduce(BigDecimal.ZERO, BigDecimal::add),
          "every difference is in a class");
      same(BigDecimal.valueOf(ledger, 9), s.ourCostUsd(), "ours is the ledger's month");
      assertEquals(List.of(), report.unmapped());

      String printed = Cli.output(run.cli("reconcile", "--period", month.toString()));
      assertTrue(printed.contains("unexplained: $0.00, 0% of the bill"), printed);
      assertTrue(printed.contains("key apikey_shadow (team data)"), printed);

      // The drift's correction, proposed and applied; the re-rating moves the ledger to the bill's price.
      String dry = Cli.output(run.cli("reconcile", "--period", month.toString(), "--provider", "openai",
          "--propose-corrections"));
      assertTrue(dry.contains("openai/gpt-4o uncached_input from " + month.atDay(1) + " to " + month.atEndOfMonth()
          + ": the bill's 2.75 USD per 1M (the catalog's 2.5)"), dry);
      assertTrue(dry.contains("Dry run: nothing written."), dry);
      String applied = Cli.output(run.cli("reconcile", "--period", month.toString(), "--provider", "openai",
          "--propose-corrections", "--apply"));
      assertTrue(applied.contains("Published " + days + " corrections"), applied);
      long correctedGpt = days * (8_000 * 2_750L + 1_000 * 1_250L + 1_500 * 10_000L);
      Await.until(BOUND, () -> ledgerMonth(config, topics, month, "gpt-4o") == correctedGpt,
          () -> "gpt-4o's month re-rated at the bill's price");
      Reconciliation.Report again = ReconcileCommand.report(config, topics, month, null, Reconciliation.Settings.DEFAULT);
      assertEquals(List.of(), of(again, DifferenceClass.PRICE_DRIFT));
      same(BigDecimal.ZERO, again.summary().amount(DifferenceClass.UNEXPLAINED), "unexplained after the correction");
      same(s.amount(DifferenceClass.MISSING_ON_OUR_SIDE), again.summary().amount(DifferenceClass.MISSING_ON_OUR_SIDE),
          "the unrecorded service is still missing");
      PriceBook catalog = io.tokenledger.ops.cli.LedgerReads.catalog(config, topics);
      assertEquals(2_750_000, catalog.priceOf(new io.tokenledger.schemas.models.ProviderModel("openai", "gpt-4o"),
          month.atDay(15).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli()).orElseThrow()
          .getUncachedInputMicroUsdPerMtok(), "the catalog fixed for the month");
    }
  }

  private static List<Finding> of(Reconciliation.Report report, DifferenceClass kind) {
    return report.findings().stream().filter(f -> f.kind() == kind).toList();
  }

  private static void same(BigDecimal expected, BigDecimal actual, String what) {
    assertEquals(0, expected.compareTo(actual), what + ": expected " + expected.toPlainString() + ", was "
        + actual.toPlainString());
  }

  private static PriceVersion claude() {
    return PriceVersion.newBuilder().setProvider("anthropic").setModel(CLAUDE)
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(3_000_000)
        .setCacheReadMicroUsdPerMtok(300_000).setCacheWriteMicroUsdPerMtok(3_750_000)
        .setCacheWrite1hMicroUsdPerMtok(6_000_000L).setOutputMicroUsdPerMtok(15_000_000)
        .setReasoningMicroUsdPerMtok(15_000_000).setSetBy("finops")
        .setServiceTiers(List.of(ServiceTierPrice.newBuilder().setTier("batch").setUncachedInputMicroUsdPerMtok(1_500_000)
            .setCacheReadMicroUsdPerMtok(150_000).setCacheWriteMicroUsdPerMtok(1_875_000)
            .setOutputMicroUsdPerMtok(7_500_000).setReasoningMicroUsdPerMtok(7_500_000).build()))
        .build();
  }

  private static long supportInput(int day) {
    return 10_000 + day * 100L;
  }

  /** One of support's calls, nano-USD: input, 12,300 cache reads, 5,000 cache writes, 2,000 output. */
  private static long supportCost(int day) {
    return supportInput(day) * 3_000 + 12_300 * 300L + 5_000 * 3_750L + 2_000 * 15_000L;
  }

  private static UsageEvent claudeCall(String id, Instant at, int day) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam("support").setWorkflow("triage")
        .setService("helpdesk").setProvider("anthropic").setModel(CLAUDE).setUncachedInputTokens(supportInput(day))
        .setCacheReadTokens(12_300).setCacheWriteTokens(5_000).setOutputTokens(2_000).setReasoningTokens(0)
        .setRequestCount(1).build();
  }

  private static UsageEvent gptCall(String id, Instant at) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam("finance").setWorkflow("invoices")
        .setService("ap-bot").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(8_000)
        .setCacheReadTokens(1_000).setCacheWriteTokens(0).setOutputTokens(1_500).setReasoningTokens(0)
        .setRequestCount(1).build();
  }

  private static boolean shadowDay(int d) {
    return java.util.Arrays.stream(SHADOW_DAYS).anyMatch(x -> x == d);
  }

  private static String anthropicUsage(YearMonth month) {
    List<String> buckets = new ArrayList<>();
    for (int d = 1; d <= month.lengthOfMonth(); d++) {
      List<String> results = new ArrayList<>();
      results.add(usage("apikey_support", "standard", 2 * supportInput(d), 2 * 12_300, 2 * 5_000 - 4_000, 4_000,
          2 * 2_000));
      results.add(usage("apikey_research", "batch", 20_000, 0, 0, 0, 4_000));
      if (shadowDay(d)) {
        results.add(usage("apikey_shadow", "standard", 100_000, 0, 0, 0, 10_000));
      }
      buckets.add(bucket(month.atDay(d), results));
    }
    return "{\"data\":[" + String.join(",", buckets) + "],\"has_more\":false,\"next_page\":null}";
  }

  private static String anthropicCost(YearMonth month) {
    List<String> buckets = new ArrayList<>();
    for (int d = 1; d <= month.lengthOfMonth(); d++) {
      long shadowInput = shadowDay(d) ? 100_000 : 0;
      long shadowOutput = shadowDay(d) ? 10_000 : 0;
      List<String> results = List.of(
          cost("standard", "uncached_input_tokens", cents((2 * supportInput(d) + shadowInput) * 3_000)),
          // Cache reads in cents to two decimals: the rounding difference.
          cost("standard", "cache_read_input_tokens", BigDecimal.valueOf(2 * 12_300 * 300L).movePointLeft(7)
              .setScale(2, RoundingMode.HALF_UP).toPlainString()),
          cost("standard", "cache_creation.ephemeral_5m_input_tokens", cents(6_000 * 3_750L)),
          cost("standard", "cache_creation.ephemeral_1h_input_tokens", cents(4_000 * 6_000L)),
          cost("standard", "output_tokens", cents((2 * 2_000 + shadowOutput) * 15_000)),
          cost("batch", "uncached_input_tokens", cents(20_000 * 1_500L)),
          cost("batch", "output_tokens", cents(4_000 * 7_500L)));
      buckets.add(bucket(month.atDay(d), results));
    }
    return "{\"data\":[" + String.join(",", buckets) + "],\"has_more\":false,\"next_page\":null}";
  }

  /** Cents as a decimal string, exactly (Anthropic's smallest unit). */
  private static String cents(long nanoUsd) {
    return BigDecimal.valueOf(nanoUsd).movePointLeft(7).toPlainString();
  }

  private static String bucket(LocalDate day, List<String> results) {
    return "{\"starting_at\":\"" + day + "T00:00:00Z\",\"ending_at\":\"" + day.plusDays(1) + "T00:00:00Z\",\"results\":["
        + String.join(",", results) + "]}";
  }

  private static String usage(String key, String tier, long input, long read, long write5m, long write1h, long out) {
    return "{\"api_key_id\":\"" + key + "\",\"workspace_id\":\"wrkspc_prod\",\"model\":\"claude-sonnet-4-5-20250929\","
        + "\"service_tier\":\"" + tier + "\",\"context_window\":\"0-200k\",\"uncached_input_tokens\":" + input
        + ",\"cache_read_input_tokens\":" + read + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":" + write5m
        + ",\"ephemeral_1h_input_tokens\":" + write1h + "},\"output_tokens\":" + out + ",\"server_tool_use\":null}";
  }

  private static String cost(String tier, String tokenType, String cents) {
    return "{\"currency\":\"USD\",\"amount\":\"" + cents + "\",\"workspace_id\":\"wrkspc_prod\",\"description\":"
        + "\"Claude Sonnet 4.5 Usage\",\"cost_type\":\"tokens\",\"model\":\"claude-sonnet-4-5-20250929\","
        + "\"token_type\":\"" + tokenType + "\",\"service_tier\":\"" + tier + "\",\"context_window\":\"0-200k\"}";
  }

  private static String openAiUsage(YearMonth month) {
    List<String> buckets = new ArrayList<>();
    for (int d = 1; d <= month.lengthOfMonth(); d++) {
      long start = month.atDay(d).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
      buckets.add("{\"object\":\"bucket\",\"start_time\":" + start + ",\"end_time\":" + (start + 86_400)
          + ",\"results\":[{\"object\":\"organization.usage.completions.result\",\"input_tokens\":9000,"
          + "\"output_tokens\":1500,\"input_cached_tokens\":1000,\"input_uncached_tokens\":8000,"
          + "\"input_text_tokens\":8000,\"output_text_tokens\":1500,\"input_cached_text_tokens\":1000,"
          + "\"input_audio_tokens\":0,\"input_cached_audio_tokens\":0,\"output_audio_tokens\":0,"
          + "\"num_model_requests\":1,\"project_id\":\"proj_finance\",\"user_id\":null,\"api_key_id\":\"key_ap_bot\","
          + "\"model\":\"gpt-4o-2024-08-06\",\"batch\":false,\"service_tier\":\"default\"}]}");
    }
    return "{\"object\":\"page\",\"data\":[" + String.join(",", buckets) + "],\"has_more\":false,\"next_page\":null}";
  }

  private static String openAiCosts(YearMonth month) {
    List<String> buckets = new ArrayList<>();
    for (int d = 1; d <= month.lengthOfMonth(); d++) {
      long start = month.atDay(d).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
      buckets.add("{\"object\":\"bucket\",\"start_time\":" + start + ",\"end_time\":" + (start + 86_400)
          + ",\"results\":[" + openAiCost("gpt-4o-2024-08-06, input", 8_000 * 2_750L) + ","
          + openAiCost("gpt-4o-2024-08-06, cached input", 1_000 * 1_250L) + ","
          + openAiCost("gpt-4o-2024-08-06, output", 1_500 * 10_000L) + "]}");
    }
    return "{\"object\":\"page\",\"data\":[" + String.join(",", buckets) + "],\"has_more\":false,\"next_page\":null}";
  }

  private static String openAiCost(String lineItem, long nanoUsd) {
    return "{\"object\":\"organization.costs.result\",\"amount\":{\"value\":"
        + BigDecimal.valueOf(nanoUsd, 9).stripTrailingZeros().toPlainString() + ",\"currency\":\"usd\"},"
        + "\"line_item\":\"" + lineItem + "\",\"project_id\":\"proj_finance\"}";
  }

  /** The month's total on the (team, workflow, model) ledger topic, of one model or all. */
  private static long ledgerMonth(Map<String, Object> config, Topics topics, YearMonth month, String model) {
    Map<String, Long> latest = new HashMap<>();
    TopicScan.forEach(config, topics.seriesLedger15m, r -> {
      if (YearMonth.from(r.value().getWindowStart().atZone(ZoneOffset.UTC)).equals(month)
          && (model == null || model.equals(r.value().getModel()))) {
        latest.put(r.key() + "@" + r.value().getWindowStart(), r.value().getCostNanoUsd());
      }
    });
    return latest.values().stream().mapToLong(Long::longValue).sum();
  }
}
