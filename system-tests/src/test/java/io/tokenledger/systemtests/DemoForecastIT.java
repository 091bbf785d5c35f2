package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * After 60 s of the demo (on a broker of its own, kept after it): {@code tokenledger forecast
 * --months 12} forecasts 12 months for every team from the month of history, and each budget's
 * projection, as the overview shows it, is within 2x of its team's 30-day run rate, measured
 * over the last 7 days.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class DemoForecastIT {
  static final Pattern PREFIX = Pattern.compile(Pattern.quote(Topics.PREFIX_CONFIG) + "=([^>\\s]+)");
  private static final List<String> TEAMS = List.of("finance-ops", "growth", "platform", "support");

  @Test
  void afterSixtySecondsTheForecastHasTwelveMonthsPerTeamAndProjectionsFitTheMonth(EmbeddedKafka kafka)
      throws Exception {
    String printed = DemoMonthIT.demo(kafka, "60s", false);
    Matcher prefix = PREFIX.matcher(printed);
    assertTrue(prefix.find(), "the demo names its topic prefix: " + printed);
    Map<String, Object> settings = new HashMap<>();
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    settings.put(Topics.PREFIX_CONFIG, prefix.group(1));
    Topics topics = Topics.from(settings);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "demo-config");

    // tokenledger forecast --months 12: twelve months for every team, from the month of history.
    Path config = dir.resolve("demo.properties");
    Files.writeString(config, Topics.PREFIX_CONFIG + "=" + prefix.group(1) + "\n");
    String forecast = DemoMonthIT.run("forecast", "--months", "12", "--bootstrap-servers", kafka.bootstrapServers(), "--config",
        config.toString());
    for (String team : TEAMS) {
      long months = forecast.lines().filter(l -> l.startsWith(team + " ")).count();
      assertEquals(12, months, team + "'s months in:\n" + forecast);
    }

    // Each team budget's projection (as the overview shows it) is within 2x of its team's 30-day run rate.
    Instant now = Instant.now();
    Map<String, UsageAggregate> buckets = LedgerReads.buckets(settings, topics,
        b -> !b.getWindowStart().isBefore(now.minus(Duration.ofDays(30))));
    for (BudgetStatus status : CompactedTopics.readLatest(settings, topics.budgetStatus).values()) {
      if (status.getUserId() != null || status.getAgentId() != null) {
        continue; // an allowance is drawn down call by call, not projected
      }
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
}
