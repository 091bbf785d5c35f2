package io.tokenledger.devtools.demo;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.alerts.AlertTexts;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.money.MoneyFormat;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a person watching the demo sees: spend per team from the aggregate topic and every
 * alert as it is published. It reads the output topics read_committed, exactly as any
 * downstream consumer would.
 */
final class Dashboard implements AutoCloseable {
  private final Topics topics;
  private final PrintStream out;
  private final Map<String, Budget> budgetsByTeam = new TreeMap<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread poller;
  private final Map<String, Map<Long, UsageAggregate>> windowsByTeam = new TreeMap<>();
  private final List<BudgetAlert> alerts = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private volatile boolean running = true;
  private int forecasts;
  private int anomalies;
  /** The team of the injected runaway agent. */
  private final String runawayTeam;
  /** Its team's anomalies of a request rate far above the baseline: what the runaway should raise. */
  private int runawaySpikes;

  Dashboard(String bootstrapServers, Topics topics, List<Budget> budgets, String runawayTeam, PrintStream out) {
    this.topics = topics;
    this.runawayTeam = runawayTeam;
    this.out = out;
    // The table shows each team's own budget, not a person's or an agent's allowance in it.
    budgets.stream().filter(b -> b.getUserId() == null && b.getAgentId() == null)
        .forEach(b -> budgetsByTeam.put(b.getTeam(), b));
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "tokenledger-demo-dashboard-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topics.teamAggregates1m.name(), topics.budgetAlerts.name(), topics.deadLetters.name(),
        topics.forecastAlerts.name(), topics.anomalyAlerts.name()));
    this.poller = new Thread(this::poll, "demo-dashboard");
    this.poller.setDaemon(true);
  }

  void start() {
    poller.start();
  }

  private void poll() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(250))) {
          accept(record);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  private synchronized void accept(ConsumerRecord<byte[], byte[]> record) {
    String topic = record.topic();
    if (topic.equals(topics.teamAggregates1m.name())) {
      UsageAggregate window = topics.teamAggregates1m.valueSerde().deserializer().deserialize(topic, record.value());
      windowsByTeam.computeIfAbsent(window.getScope(), t -> new TreeMap<>())
          .put(window.getWindowStart().toEpochMilli(), window);
    } else if (topic.equals(topics.budgetAlerts.name())) {
      BudgetAlert alert = topics.budgetAlerts.valueSerde().deserializer().deserialize(topic, record.value());
      alerts.add(alert);
      out.printf("%n  >>> BUDGET ALERT  %s (team %s): %s%n%n", AlertTexts.title(alert), alert.getTeam(),
          AlertTexts.detail(alert));
    } else if (topic.equals(topics.forecastAlerts.name())) {
      ForecastAlert f = topics.forecastAlerts.valueSerde().deserializer().deserialize(topic, record.value());
      forecasts++;
      out.printf("%n  >>> FORECAST      %s: %s. %s%n%n", f.getAlertId(), AlertTexts.title(f), AlertTexts.detail(f));
    } else if (topic.equals(topics.anomalyAlerts.name())) {
      AnomalyAlert a = topics.anomalyAlerts.valueSerde().deserializer().deserialize(topic, record.value());
      anomalies++;
      if (a.getKind() == io.tokenledger.schemas.AnomalyKind.REQUEST_RATE_SPIKE && runawayTeam.equals(a.getTeam())) {
        runawaySpikes++;
      }
      out.printf("%n  >>> ANOMALY       %s (%s): %s%n%n", AlertTexts.title(a), a.getSeverity(), AlertTexts.detail(a));
    } else {
      DeadLetter letter = topics.deadLetters.valueSerde().deserializer().deserialize(topic, record.value());
      deadLetters.add(letter);
      out.printf("  --- dead letter (%s) from %s-%d@%d: %s%n", letter.getReasonCode(), letter.getSourceTopic(),
          letter.getSourcePartition(), letter.getSourceOffset(), letter.getReason());
    }
  }

  synchronized long countedEvents() {
    return windowsByTeam.values().stream().flatMap(w -> w.values().stream())
        .mapToLong(UsageAggregate::getEventCount).sum();
  }

  synchronized int alertCount() {
    return alerts.size();
  }

  synchronized int forecastCount() {
    return forecasts;
  }

  synchronized int runawaySpikeCount() {
    return runawaySpikes;
  }

  synchronized int anomalyCount() {
    return anomalies;
  }

  synchronized int deadLetterCount() {
    return deadLetters.size();
  }

  synchronized void printTable(String heading) {
    out.println();
    out.println(heading);
    // The month so far (UTC), as the budgets count it; the month of history began in the one before.
    java.time.YearMonth month = java.time.YearMonth.now(java.time.ZoneOffset.UTC);
    long monthStart = month.atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
    out.printf("  %-12s %8s %14s %14s %14s %14s %16s %12s %6s%n", "TEAM", "RECORDS", "UNCACHED IN", "CACHE READ",
        "OUTPUT", "REASONING", "SPEND " + month.getMonth().getDisplayName(java.time.format.TextStyle.SHORT,
            java.util.Locale.ENGLISH).toUpperCase(java.util.Locale.ROOT), "BUDGET", "USED");
    long totalCost = 0;
    for (var entry : windowsByTeam.entrySet()) {
      long events = 0, uncached = 0, cacheRead = 0, output = 0, reasoning = 0, cost = 0;
      for (UsageAggregate w : entry.getValue().values()) {
        events += w.getEventCount();
        if (w.getWindowStart().toEpochMilli() < monthStart) {
          continue;
        }
        uncached += w.getUncachedInputTokens();
        cacheRead += w.getCacheReadTokens();
        output += w.getOutputTokens();
        reasoning += w.getReasoningTokens();
        cost += w.getCostNanoUsd();
      }
      totalCost += cost;
      Budget budget = budgetsByTeam.get(entry.getKey());
      boolean usd = budget != null && budget.getLimitNanoUsd() != null && budget.getLimitNanoUsd() > 0;
      String limit = usd ? MoneyFormat.usd(budget.getLimitNanoUsd()) : "-";
      String used = usd ? (cost * 100 / budget.getLimitNanoUsd()) + "%" : "-";
      out.printf("  %-12s %,8d %,14d %,14d %,14d %,14d %16s %12s %6s%n", entry.getKey(), events, uncached, cacheRead,
          output, reasoning, MoneyFormat.usd(cost), limit, used);
    }
    out.printf("  %-12s %68s %16s%n", "ALL TEAMS", "", MoneyFormat.usd(totalCost));
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    poller.join(5_000);
  }
}
