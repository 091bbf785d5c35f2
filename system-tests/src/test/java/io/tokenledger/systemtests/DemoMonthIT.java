package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.devtools.DevMain;
import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo as a user runs it, its Slack sink in a Connect worker of its own, on a real broker
 * kept after it ends: 90 s of it deliver at most one forecast per budget to the stand-in Slack;
 * afterwards {@code tokenledger forecast --months 12} forecasts 12 months for every team from the
 * month of history, and each budget's projection is within 2x of its 30-day run rate.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class DemoMonthIT {
  private static final Pattern PREFIX = Pattern.compile(Pattern.quote(Topics.PREFIX_CONFIG) + "=([^>\\s]+)");
  private static final Pattern FORECAST_POST = Pattern.compile("<<< SLACK #\\S+: .*Budget (\\S+) projected to run out");
  private static final List<String> TEAMS = List.of("finance-ops", "growth", "platform", "support");

  @Test
  void aMonthOfHistoryForecastsSensiblyAndSlackHearsOfEachBudgetOnce(EmbeddedKafka kafka) throws Exception {
    Path connectors = Path.of("..", "connectors", "target").toAbsolutePath().normalize();
    Path jar = connectors.resolve("tokenledger-connectors-0.1.0-SNAPSHOT.jar");
    Assumptions.assumeTrue(Files.exists(jar) && Files.isDirectory(connectors.resolve("lib")),
        "the connectors module is not packaged (run the whole build): " + jar);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "demo-month");
    Path output = dir.resolveSibling(dir.getFileName() + ".out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo = new ProcessBuilder(List.of(java, "-Xmx1g", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger",
        "-Dtokenledger.connect.classpath=" + jar + System.getProperty("path.separator") + connectors.resolve("lib") + "/*",
        "-cp", System.getProperty("java.class.path"), DevMain.class.getName(), "demo", "--duration", "90s",
        "--bootstrap-servers", kafka.bootstrapServers(), "--data-dir", dir.toString(), "--dashboard-port", "0"))
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      assertTrue(demo.waitFor(5, TimeUnit.MINUTES), "the demo did not finish");
    } finally {
      demo.destroyForcibly();
    }
    String printed = Files.readString(output);
    assertEquals(0, demo.exitValue(), printed);

    // At most one forecast per budget reached Slack, and at least one did (platform runs out mid-month).
    Map<String, Integer> posts = new TreeMap<>();
    Matcher post = FORECAST_POST.matcher(printed);
    while (post.find()) {
      posts.merge(post.group(1), 1, Integer::sum);
    }
    assertTrue(posts.containsKey("platform-monthly"), "the forecast of the budget that runs out: " + posts);
    posts.forEach((budget, count) -> assertEquals(1, count, budget + " was posted " + count + " times: " + posts));

    Matcher prefix = PREFIX.matcher(printed);
    assertTrue(prefix.find(), "the demo names its topic prefix: " + printed);
    Map<String, Object> settings = new HashMap<>();
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    settings.put(Topics.PREFIX_CONFIG, prefix.group(1));
    Topics topics = Topics.from(settings);

    // tokenledger forecast --months 12: twelve months for every team, from the month of history.
    Path config = dir.resolve("demo.properties");
    Files.writeString(config, Topics.PREFIX_CONFIG + "=" + prefix.group(1) + "\n");
    String forecast = run("forecast", "--months", "12", "--bootstrap-servers", kafka.bootstrapServers(), "--config",
        config.toString());
    for (String team : TEAMS) {
      long months = forecast.lines().filter(l -> l.startsWith(team + " ")).count();
      assertEquals(12, months, team + "'s months in:\n" + forecast);
    }

    // Each budget's projection (as the overview shows it) is within 2x of its team's 30-day run rate.
    Instant now = Instant.now();
    Map<String, UsageAggregate> buckets = LedgerReads.buckets(settings, topics,
        b -> !b.getWindowStart().isBefore(now.minus(Duration.ofDays(30))));
    for (BudgetStatus status : CompactedTopics.readLatest(settings, topics.budgetStatus).values()) {
      long thirtyDays = buckets.values().stream().filter(b -> b.getTeam().equals(status.getTeam()))
          .mapToLong(UsageAggregate::getCostNanoUsd).sum();
      long periodDays = Duration.between(status.getPeriodStart(), status.getPeriodEnd()).toDays();
      BigDecimal runRate = BigDecimal.valueOf(thirtyDays).multiply(BigDecimal.valueOf(periodDays))
          .divide(BigDecimal.valueOf(30), 0, RoundingMode.HALF_EVEN);
      BigDecimal ratio = BigDecimal.valueOf(status.getProjectedSpendNanoUsd()).divide(runRate, 4, RoundingMode.HALF_EVEN);
      assertTrue(ratio.compareTo(new BigDecimal("0.5")) >= 0 && ratio.compareTo(BigDecimal.valueOf(2)) <= 0,
          status.getBudgetId() + ": projected " + status.getProjectedSpendNanoUsd() + " against a 30-day run rate of "
              + runRate + " for the period (" + ratio + "x)");
      assertEquals(7 * 24 * 60, status.getProjectionHistoryMinutes(), 60, "projected from the last 7 days");
    }
  }

  /** A tokenledger command in this JVM, its standard output. */
  private static String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = DevMain.commandLine().execute(args);
    } finally {
      System.setOut(original);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    return out;
  }
}
