package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.BudgetStatus;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path on a real broker: UsageRecorder -> usage topic -> aggregation topology ->
 * aggregate topic -> alerting -> alert topic, with garbage on the way. Subclasses say where
 * the broker is.
 */
abstract class PipelineContract {
  private static final Duration BOUND = Duration.ofSeconds(90);

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private KafkaStreams alerting;

  abstract String bootstrapServers();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void recordedUsageIsCountedOncePricedExactlyAlertsOncePerThresholdAcrossARestartAndDeadLettersGarbage() throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(Topics.PREFIX_CONFIG, "it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "state").toAbsolutePath().toString());
    config.put(AggregationSettings.PREFIX + "grace", "2s");
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    Topics topics = Topics.from(config);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      TopicApplier.apply(admin, topics.all());
    }
    seedCatalogAndBudget(topics);
    startServices(config, topics);

    writeGarbage(topics);

    // 10 distinct events of 1,000 uncached input tokens on gpt-4o at $2.50 per 1M: 2,500,000 nano-USD each.
    Path spool = Files.createTempDirectory(Path.of("target"), "spool");
    UsageRecorder recorder = recorder(topics, spool);
    List<CompletableFuture<?>> acks = new ArrayList<>();
    UsageEvent first = null;
    Instant last = Instant.EPOCH;
    for (int i = 0; i < 10; i++) {
      UsageEvent event = event(Instant.now(), 1_000);
      first = first == null ? event : first;
      last = event.getEventTime();
      acks.add(recorder.record(event));
    }
    acks.add(recorder.record(first)); // the same record again, as a client retry would send it
    // The marker: a later event of the same team (same task) closes every window before it.
    Instant markerTime = last.plus(Duration.ofSeconds(65));
    acks.add(recorder.record(event(markerTime, 0)));
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    recorder.close();

    Instant lastMinute = last.truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    try (TopicReader<String, UsageAggregate> aggregates = new TopicReader<>(bootstrapServers(), topics.teamAggregates1m);
        TopicReader<byte[], DeadLetter> deadLetters = new TopicReader<>(bootstrapServers(), topics.deadLetters)) {
      aggregates.readUntil(BOUND, records -> records.stream().anyMatch(r -> r.key().equals("support")
          && r.value().getIsFinal() && r.value().getWindowStart().equals(lastMinute)), "the last minute's final");
      List<UsageAggregate> finals = aggregates.readToEnd(BOUND).stream().map(ConsumerRecord::value)
          .filter(a -> a.getTeam().equals("support") && a.getIsFinal()).toList();
      assertEquals(finals.size(), finals.stream().map(UsageAggregate::getWindowStart).distinct().count(),
          "one final per window: " + finals);
      assertEquals(10, finals.stream().mapToLong(UsageAggregate::getEventCount).sum());
      assertEquals(10_000, finals.stream().mapToLong(UsageAggregate::getUncachedInputTokens).sum());
      assertEquals(25_000_000L, finals.stream().mapToLong(UsageAggregate::getCostNanoUsd).sum());
      assertEquals(0, finals.stream().mapToLong(UsageAggregate::getUnpricedEventCount).sum());

      // The garbage came before the events in the same partition: its dead letters are committed by now.
      List<DeadLetter> letters = deadLetters.readToEnd(BOUND).stream().map(ConsumerRecord::value).toList();
      assertEquals(List.of("NOT_AVRO", "UNKNOWN_SCHEMA"), letters.stream().map(DeadLetter::getReasonCode).toList());
      assertEquals("garbage", StandardCharsets.UTF_8.decode(letters.get(0).getOriginalValue()).toString());
      assertEquals(topics.usage.name(), letters.get(0).getSourceTopic());
    }

    try (TopicReader<String, BudgetAlert> alerts = new TopicReader<>(bootstrapServers(), topics.budgetAlerts);
        TopicReader<String, BudgetStatus> statuses = new TopicReader<>(bootstrapServers(), topics.budgetStatus)) {
      awaitSpend(statuses, 25_000_000L); // alerting has taken all the spend in; its alerts came before
      List<BudgetAlert> raised = alerts.readToEnd(BOUND).stream().map(ConsumerRecord::value).toList();
      assertEquals(List.of(50), raised.stream().map(BudgetAlert::getThresholdPercent).toList(),
          "25,000,000 of 40,000,000 reaches 50% only");
      BudgetAlert alert = raised.get(0);
      assertEquals("support-budget", alert.getBudgetId());
      assertEquals(40_000_000L, alert.getLimitNanoUsd());
      assertTrue(alert.getSpendNanoUsd() >= 20_000_000L && alert.getSpendNanoUsd() <= 25_000_000L,
          "spend when 50% was reached: " + alert.getSpendNanoUsd());
    }

    // Restart alerting on an empty state directory: its state must come back from the changelog.
    StreamsApps.close(alerting, Duration.ofSeconds(30));
    Map<String, Object> fresh = new HashMap<>(config);
    fresh.put(StreamsConfig.STATE_DIR_CONFIG,
        Files.createTempDirectory(Path.of("target"), "state-after-restart").toAbsolutePath().toString());
    alerting = startAlerting(fresh, topics);
    try (UsageRecorder more = recorder(topics, spool)) {
      List<CompletableFuture<?>> moreAcks = new ArrayList<>();
      for (int i = 0; i < 3; i++) { // 25,000,000 + 3 x 2,500,000 = 32,500,000: past 80% (32,000,000)
        moreAcks.add(more.record(event(Instant.now(), 1_000)));
      }
      CompletableFuture.allOf(moreAcks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }
    try (TopicReader<String, BudgetAlert> alerts = new TopicReader<>(bootstrapServers(), topics.budgetAlerts);
        TopicReader<String, BudgetStatus> statuses = new TopicReader<>(bootstrapServers(), topics.budgetStatus)) {
      awaitSpend(statuses, 32_500_000L);
      List<Integer> thresholds = alerts.readToEnd(BOUND).stream().map(r -> r.value().getThresholdPercent()).toList();
      assertEquals(List.of(50, 80), thresholds, "50% must not fire again after the restart");
    }
  }

  /** Waits until the budget's status shows exactly this period-to-date spend. */
  private static void awaitSpend(TopicReader<String, BudgetStatus> statuses, long nanoUsd) {
    statuses.readUntil(BOUND, records -> {
      BudgetStatus latest = null;
      for (ConsumerRecord<String, BudgetStatus> r : records) {
        latest = r.key().equals("support-budget") ? r.value() : latest;
      }
      return latest != null && latest.getSpendNanoUsd() == nanoUsd;
    }, "support-budget's status at " + nanoUsd + " nano-USD");
  }

  private UsageRecorder recorder(Topics topics, Path spool) {
    return UsageRecorder.builder(topics.usage)
        .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))
        .spoolDirectory(spool).closeOnShutdown(false).build();
  }

  private void startServices(Map<String, Object> config, Topics topics) {
    KafkaStreams aggregation = new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(config)),
        AggregationApp.config(config));
    toClose.add(() -> StreamsApps.close(aggregation, Duration.ofSeconds(30)));
    aggregation.start();
    alerting = startAlerting(config, topics);
  }

  private KafkaStreams startAlerting(Map<String, Object> config, Topics topics) {
    KafkaStreams streams = new KafkaStreams(AlertingApp.buildTopology(topics, AlertingSettings.from(config)),
        AlertingApp.config(config));
    toClose.add(() -> StreamsApps.close(streams, Duration.ofSeconds(30)));
    streams.start();
    return streams;
  }

  private void seedCatalogAndBudget(Topics topics) throws Exception {
    Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    PriceVersion price = Ledger.gpt4o();
    Budget budget = Budget.newBuilder().setBudgetId("support-budget").setTeam("support")
        .setLimitNanoUsd(40_000_000L).setPeriod(BudgetPeriod.MONTH).setTimezone("UTC")
        .setUpdatedAt(Instant.now()).build();
    try (var prices = new KafkaProducer<>(producerConfig, topics.prices.keySerde().serializer(),
        topics.prices.valueSerde().serializer());
         var budgets = new KafkaProducer<>(producerConfig, topics.budgets.keySerde().serializer(),
             topics.budgets.valueSerde().serializer())) {
      prices.send(new ProducerRecord<>(topics.prices.name(), PriceBook.catalogKey(price), price)).get();
      budgets.send(new ProducerRecord<>(topics.budgets.name(), budget.getBudgetId(), budget)).get();
    }
  }

  private void writeGarbage(Topics topics) throws Exception {
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] key = "support".getBytes(StandardCharsets.UTF_8);
      producer.send(new ProducerRecord<>(topics.usage.name(), key, "garbage".getBytes(StandardCharsets.UTF_8))).get();
      producer.send(new ProducerRecord<>(topics.usage.name(), key,
          new byte[] {(byte) 0xC3, 0x01, 9, 9, 9, 9, 9, 9, 9, 9, 1})).get();
    }
  }

  private static UsageEvent event(Instant at, long inputTokens) {
    return UsageEvent.newBuilder().setEventId(EventIds.newId()).setEventTime(at).setTeam("support")
        .setWorkflow("ticket-triage").setService("support-bot").setProvider("openai").setModel("gpt-4o-2024-08-06")
        .setUncachedInputTokens(inputTokens).build();
  }
}
