package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.dashboard.DashboardServer;
import io.tokenledger.pricing.Cost;
import io.tokenledger.aggregation.query.QueryServer;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicScan;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.ReadKeys;
import io.tokenledger.schemas.money.MoneyFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * {@code tokenledger prices correct} on a real broker with the aggregation running: usage over
 * three days at a price entered x10, the middle day corrected. Correction records for exactly
 * that day's buckets, the day's period-to-date figure moves to what the right price charges,
 * the other days do not move, a late event of that day is priced right, and running the
 * correction again changes nothing.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PriceCorrectionIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static String finance;

  @Test
  void correctsTheMiddleDayOnceAndForEveryFigureThatReadsTheLedger(EmbeddedKafka kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    IsolatedRun run = IsolatedRun.create(kafka, "corr");
    Map<String, Object> config = run.config();
    Topics topics = run.topics();
    assertEquals(0, Cli.run(run.cli("prices", "set", "--provider", "openai", "--model", "gpt-4o",
        "--input", "25", "--output", "100", "--effective-from", "2026-01-01", "--set-by", "someone")));

    int port = Ports.free();
    KafkaStreams aggregation = run.aggregation(port);
    try (ReadKeys keys = ReadKeys.create(bootstrap, topics);
         AutoCloseable stop = () -> StreamsApps.close(aggregation, Duration.ofSeconds(30));
         QueryHttpServer queries = QueryServer.start(aggregation, new HostInfo("127.0.0.1", port), keys.directory());
         // The FOCUS file over HTTP is the dashboard's, rendered from the aggregation's ledger answer.
         DashboardServer dashboard = new DashboardServer(Map.of("aggregation", URI.create("http://127.0.0.1:" + port)))
             .start("127.0.0.1", 0)) {
      finance = keys.financeHeader();
      aggregation.start();
      Instant day1 = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(3));
      Instant day2 = day1.plus(Duration.ofDays(1));
      Instant day3 = day2.plus(Duration.ofDays(1));
      PriceVersion wrong = price(25_000_000, 100_000_000);
      PriceVersion right = price(2_500_000, 10_000_000);
      List<UsageEvent> events = new ArrayList<>();
      try (UsageRecorder recorder = run.recorder()) {
        int n = 0;
        for (Instant day : List.of(day1, day2, day3)) {
          for (int i = 0; i < 6; i++) {
            for (String team : List.of("support", "finance")) {
              UsageEvent e = event("c" + (++n), team, day.plus(Duration.ofMinutes(10 + 40L * i)), 1_000L * (i + 1));
              recorder.record(e).get(30, TimeUnit.SECONDS);
              events.add(e);
            }
          }
        }
      }
      for (Instant day : List.of(day1, day2, day3)) {
        for (String team : List.of("support", "finance")) {
          long expected = cost(events, team, day, wrong);
          Await.until(BOUND, () -> daySpend(port, team, day) == expected, () -> team + " on " + day + " at the wrong price");
        }
      }

      String output = Cli.output(run.cli("prices", "correct", "--provider", "openai", "--model", "gpt-4o",
          "--input", "2.50", "--output", "10", "--effective-from", day2.toString(), "--to", day3.toString(),
          "--reason", "input and output entered x10", "--set-by", "finops@acme"));
      assertTrue(output.contains("Published 12 corrections"), output);
      List<PriceCorrection> published = new ArrayList<>();
      TopicScan.forEach(config, topics.priceCorrections, r -> published.add(r.value()));
      assertEquals(12, published.size(), "2 teams x 6 buckets of the middle day");
      assertTrue(published.stream().allMatch(c -> c.getBucketStart().isBefore(day3) && !c.getBucketStart().isBefore(day2)));
      long difference = published.stream().mapToLong(PriceCorrection::getDifferenceNanoUsd).sum();
      assertEquals(cost(events, "support", day2, right) + cost(events, "finance", day2, right)
          - cost(events, "support", day2, wrong) - cost(events, "finance", day2, wrong), difference);

      for (String team : List.of("support", "finance")) {
        long fromScratch = cost(events, team, day2, right);
        Await.until(BOUND, () -> daySpend(port, team, day2) == fromScratch, () -> team + "'s corrected day");
        assertEquals(cost(events, team, day1, wrong), daySpend(port, team, day1), "day 1 untouched");
        assertEquals(cost(events, team, day3, wrong), daySpend(port, team, day3), "day 3 untouched");
      }
      String history = Cli.output(run.cli("prices", "history", "--provider", "openai", "--model", "gpt-4o"));
      assertTrue(history.contains("openai/gpt-4o@" + day2 + "  from " + day2 + ": input 2.50"), history);
      assertTrue(history.contains("openai/gpt-4o@" + day3 + "  from " + day3 + ": input 25.00"), history);

      // Once the ledger topic shows the corrected day, running the correction again changes nothing.
      Await.until(BOUND, () -> ledgerTopicDay(config, topics, day2) == cost(events, "support", day2, right)
          + cost(events, "finance", day2, right), () -> "the corrected buckets on the ledger topic");
      String again = Cli.output(run.cli("prices", "correct", "--provider", "openai", "--model", "gpt-4o",
          "--input", "2.50", "--output", "10", "--effective-from", day2.toString(), "--to", day3.toString(),
          "--reason", "input and output entered x10", "--set-by", "finops@acme"));
      assertTrue(again.contains("Nothing to re-rate"), again);
      List<PriceCorrection> afterRerun = new ArrayList<>();
      TopicScan.forEach(config, topics.priceCorrections, r -> afterRerun.add(r.value()));
      assertEquals(12, afterRerun.size());
      assertEquals(cost(events, "support", day2, right), daySpend(port, "support", day2));

      // A late event of the corrected day, after the correction: the catalog prices it right.
      UsageEvent late = event("late-1", "support", day2.plus(Duration.ofHours(20)), 4_000);
      try (UsageRecorder recorder = run.recorder()) {
        recorder.record(late).get(30, TimeUnit.SECONDS);
      }
      events.add(late);
      long withLate = cost(events, "support", day2, right);
      Await.until(BOUND, () -> daySpend(port, "support", day2) == withLate, () -> "the late event at the right price");

      // What if gpt-4o had cost half, in the month of the corrected day: the ledger's figures, halved per bucket.
      java.time.YearMonth month = java.time.YearMonth.from(day2.atZone(java.time.ZoneOffset.UTC));
      long actual = 0;
      for (Instant day : List.of(day1, day2, day3)) {
        if (java.time.YearMonth.from(day.atZone(java.time.ZoneOffset.UTC)).equals(month)) {
          for (String team : List.of("support", "finance")) {
            actual += daySpend(port, team, day);
          }
        }
      }
      long fullMonth = actual;
      Await.until(BOUND, () -> ledgerTopicMonth(config, topics, month) == fullMonth, () -> "the ledger topic's month");
      String whatIf = Cli.output(run.cli("whatif", "--period", month.toString(), "--change", "openai/gpt-4o:-50%"));
      assertTrue(whatIf.contains(String.format("%-14s %-24s %-34s %16s %16s %16s", "COMPANY", "", "",
          MoneyFormat.usd(actual),
          MoneyFormat.usd(actual / 2),
          MoneyFormat.usd(-actual / 2))), whatIf);

      // The same over HTTP, from the aggregation's stores.
      HttpResponse<String> http = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/v1/whatif?period=" + month + "&change=openai/gpt-4o:-50%25")).header("Authorization", finance).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, http.statusCode(), http.body());
      var body = JSON.readTree(http.body());
      assertEquals(actual, body.get("actual_nano_usd").asLong(), http.body());
      assertEquals(actual / 2, body.get("scenario_nano_usd").asLong(), http.body());
      assertEquals(-actual / 2, body.get("difference_nano_usd").asLong());

      // FOCUS for the month: its total is the ledger's; the correction is a row of its own.
      Path focus = Files.createTempFile(Path.of("target"), "focus", ".csv");
      // Checked against the FinOps validator's own rules before it is written.
      String exportedWith = Cli.output(run.cli("export", "focus", "--period", month.toString(), "--out",
          focus.toString(), "--rules", io.tokenledger.testing.SharedData.path("focus/model-1.2.json").toString()));
      assertTrue(exportedWith.contains("MUST rules of model-1.2.json checked under 6 claimed criteria, none broken"),
          exportedWith);
      List<String> lines = Files.readAllLines(focus);
      List<String> header = List.of(lines.get(0).split(","));
      int costColumn = header.indexOf("x_CostNanoUsd");
      int classColumn = header.indexOf("ChargeClass");
      long exported = 0;
      long correctionRows = 0;
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.replaceAll("\"\\{[^}]*\\}\"", "tags").split(",", -1);
        exported += Long.parseLong(cells[costColumn]);
        correctionRows += cells[classColumn].equals("Correction") ? 1 : 0;
      }
      // Made within the month, the correction is in its usage rows (the month is not invoiced yet); made
      // after it (a run in a month's first days), the month's file shows it as invoiced, before the correction,
      // and the next month's file carries it as a Correction row.
      boolean madeWithinTheMonth = java.time.YearMonth.now(java.time.ZoneOffset.UTC).equals(month);
      assertEquals(ledgerTopicMonth(config, topics, month) - (madeWithinTheMonth ? 0 : difference), exported,
          "the FOCUS file's total is the ledger's, as invoiced");
      assertEquals(0, correctionRows, "no Correction row for a month's own corrections");

      // The same rows over HTTP, and as Parquet from the CLI and over HTTP: the same total to the nano-USD.
      HttpResponse<String> httpCsv = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port()
          + "/api/export/focus?period=" + month + "&format=csv")).header("Authorization", finance).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, httpCsv.statusCode(), httpCsv.body());
      assertEquals("attachment; filename=\"focus-" + month + ".csv\"",
          httpCsv.headers().firstValue("Content-Disposition").orElse(""));
      assertEquals(lines.stream().sorted().toList(), httpCsv.body().lines().sorted().toList(),
          "HTTP and the CLI export the same rows");
      Path parquet = Files.createTempFile(Path.of("target"), "focus", ".parquet");
      Cli.output(run.cli("export", "focus", "--period", month.toString(), "--format", "parquet", "--out",
          parquet.toString()));
      assertParquetTotal(parquet, lines.size() - 1, exported);
      HttpResponse<byte[]> httpParquet = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port()
          + "/api/export/focus?period=" + month + "&format=parquet")).header("Authorization", finance).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, httpParquet.statusCode());
      Path fromHttp = Files.createTempFile(Path.of("target"), "focus-http", ".parquet");
      Files.write(fromHttp, httpParquet.body());
      assertParquetTotal(fromHttp, lines.size() - 1, exported);
      // A team's key exports its own team's rows only: its chargeback.
      String supportReader = "Bearer " + keys.key("support", io.tokenledger.schemas.ApiKeyScope.READ_TEAM);
      String supportCsv = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port()
          + "/api/export/focus?period=" + month)).header("Authorization", supportReader).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      List<String> supportRows = supportCsv.lines().skip(1).toList();
      assertEquals(lines.stream().skip(1).filter(l -> l.contains(",support,support,")).sorted().toList(),
          supportRows.stream().sorted().toList(), supportCsv);
      assertTrue(!supportRows.isEmpty() && supportRows.stream().allMatch(l -> l.contains(",support,support,")));

      // The forecast command reads the same ledger and catalog: three months for each team and the company.
      String forecast = Cli.output(run.cli("forecast", "--months", "3", "--as-of",
          day3.plus(Duration.ofDays(1)).atZone(java.time.ZoneOffset.UTC).toLocalDate().toString(), "--assume", "openai:-10%"));
      assertEquals(9, forecast.lines().filter(l -> l.startsWith("support ") || l.startsWith("finance ")
          || l.startsWith("COMPANY ")).count(), forecast);
    }
  }

  /** Reads a FOCUS Parquet file: its rows, typed columns and exact total. */
  private static void assertParquetTotal(Path file, int expectedRows, long expectedNanoUsd) throws Exception {
    org.apache.avro.generic.GenericData model = new org.apache.avro.generic.GenericData();
    model.addLogicalTypeConversion(new org.apache.avro.Conversions.DecimalConversion());
    long nano = 0;
    java.math.BigDecimal billed = java.math.BigDecimal.ZERO;
    int rows = 0;
    try (var reader = org.apache.parquet.avro.AvroParquetReader.<org.apache.avro.generic.GenericRecord>builder(
        new org.apache.parquet.io.LocalInputFile(file)).withDataModel(model)
        .withConf(new org.apache.parquet.conf.PlainParquetConfiguration()).build()) {
      for (var r = reader.read(); r != null; r = reader.read()) {
        rows++;
        nano += (Long) r.get("x_CostNanoUsd");
        billed = billed.add((java.math.BigDecimal) r.get("BilledCost"));
        assertEquals("USD", r.get("BillingCurrency").toString());
        assertEquals("AI and Machine Learning", r.get("ServiceCategory").toString());
        assertTrue(r.get("ChargePeriodStart") instanceof Long, "a timestamp, not text");
      }
    }
    assertEquals(expectedRows, rows);
    assertEquals(expectedNanoUsd, nano);
    assertEquals(java.math.BigDecimal.valueOf(expectedNanoUsd, 9), billed, "BilledCost sums exactly to the ledger");
  }

  private static long ledgerTopicMonth(Map<String, Object> config, Topics topics, java.time.YearMonth month) {
    Map<String, Long> latest = new HashMap<>();
    TopicScan.forEach(config, topics.seriesLedger15m, r -> {
      if (java.time.YearMonth.from(r.value().getWindowStart().atZone(java.time.ZoneOffset.UTC)).equals(month)) {
        latest.put(r.key() + "@" + r.value().getWindowStart(), r.value().getCostNanoUsd());
      }
    });
    return latest.values().stream().mapToLong(Long::longValue).sum();
  }


  private static long cost(List<UsageEvent> events, String team, Instant day, PriceVersion price) {
    return events.stream().filter(e -> e.getTeam().equals(team) && !e.getEventTime().isBefore(day)
        && e.getEventTime().isBefore(day.plus(Duration.ofDays(1)))).mapToLong(e -> Cost.nanoUsd(e, price)).sum();
  }

  /** The team's spend on that UTC day, from the period-to-date query (the team ledger). */
  private static long daySpend(int port, String team, Instant day) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/v1/period-to-date?team=" + team + "&period=day&zone=UTC&at=" + day.plus(Duration.ofDays(1)).minusMillis(1)))
          .header("Authorization", finance).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()).get("total").get("cost_nano_usd").asLong() : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  private static long ledgerTopicDay(Map<String, Object> config, Topics topics, Instant day) {
    Map<String, Long> latest = new HashMap<>();
    TopicScan.forEach(config, topics.seriesLedger15m, r -> {
      if (!r.value().getWindowStart().isBefore(day) && r.value().getWindowStart().isBefore(day.plus(Duration.ofDays(1)))) {
        latest.put(r.key() + "@" + r.value().getWindowStart(), r.value().getCostNanoUsd());
      }
    });
    return latest.values().stream().mapToLong(Long::longValue).sum();
  }

  private static PriceVersion price(long input, long output) {
    return PriceVersion.newBuilder().setProvider("openai").setModel("gpt-4o")
        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(input)
        .setCacheReadMicroUsdPerMtok(input).setCacheWriteMicroUsdPerMtok(input).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(output).build();
  }

  private static UsageEvent event(String id, String team, Instant at, long input) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam(team).setWorkflow("triage").setService("s")
        .setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(input).setCacheReadTokens(0)
        .setCacheWriteTokens(0).setOutputTokens(300).setReasoningTokens(0).setRequestCount(1).build();
  }
}
