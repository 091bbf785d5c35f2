package io.tokenledger.connectors.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.connectors.SlackWorker;
import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.AnomalyContributor;
import io.tokenledger.schemas.AnomalyKind;
import io.tokenledger.schemas.AnomalySeverity;
import io.tokenledger.schemas.AnomalyStatus;
import io.tokenledger.schemas.BudgetAlert;
import io.tokenledger.schemas.BudgetMeasure;
import io.tokenledger.schemas.ForecastAlert;
import io.tokenledger.schemas.ForecastState;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slack sink in a real standalone Connect worker, on a real broker, posting to a local
 * server standing in for Slack that answers 429 and 503 before it accepts. Every alert is
 * posted exactly once, also after the worker restarts and Kafka redelivers everything.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SlackSinkIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOV = Instant.parse("2026-11-10T09:00:00Z");
  private static final long USD = 1_000_000_000L;
  private static final Duration BOUND = Duration.ofSeconds(90);

  @Test
  void postsEveryAlertExactlyOnceThroughRateLimitsServerErrorsAndARestart(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    Map<String, String> topicConfig = Map.of(Topics.PREFIX_CONFIG, "it-slack.");
    Topics topics = Topics.from(topicConfig);
    TopicApplier.apply(kafka.admin(), List.of(topics.budgetAlerts, topics.forecastAlerts, topics.anomalyAlerts));

    BudgetAlert threshold = budgetAlert();
    ForecastAlert forecast = forecast();
    AnomalyAlert burn = anomaly("support|triage|openai/gpt-4o", AnomalyKind.BURN_RATE_SPIKE, AnomalyStatus.RAISED, NOV);
    AnomalyAlert requests = anomaly("support|triage|openai/gpt-4o", AnomalyKind.REQUEST_RATE_SPIKE, AnomalyStatus.RAISED, NOV);
    AnomalyAlert research = anomaly("research|explore|anthropic/claude-opus-4", AnomalyKind.REQUEST_RATE_SPIKE,
        AnomalyStatus.RAISED, NOV);
    // A flapping series: raised, resolved, raised again a few minutes later, resolved again.
    String nightly = "support|nightly|openai/gpt-4o-mini";
    AnomalyAlert flap1 = anomaly(nightly, AnomalyKind.REQUEST_RATE_SPIKE, AnomalyStatus.RAISED, NOV);
    AnomalyAlert flap1End = anomaly(nightly, AnomalyKind.REQUEST_RATE_SPIKE, AnomalyStatus.RESOLVED, NOV);
    AnomalyAlert flap2 = anomaly(nightly, AnomalyKind.REQUEST_RATE_SPIKE, AnomalyStatus.RAISED, NOV.plusSeconds(240));
    AnomalyAlert flap2End = anomaly(nightly, AnomalyKind.REQUEST_RATE_SPIKE, AnomalyStatus.RESOLVED, NOV.plusSeconds(240));

    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      send(producer, topics.budgetAlerts, threshold.getBudgetId(), threshold);
      send(producer, topics.budgetAlerts, threshold.getBudgetId(), threshold);     // a duplicate: same alert_id
      send(producer, topics.forecastAlerts, forecast.getBudgetId(), forecast);
      for (AnomalyAlert a : List.of(burn, requests, research, flap1, flap1End, flap2, flap2End)) {
        send(producer, topics.anomalyAlerts, a.getScope(), a);
      }
      producer.send(new ProducerRecord<>(topics.anomalyAlerts.name(), "x".getBytes(StandardCharsets.UTF_8),
          "not an alert".getBytes(StandardCharsets.UTF_8))).get();
    }

    try (ScriptedSlack slack = new ScriptedSlack()) {
      slack.then(new ScriptedSlack.Answer(429, "1", "rate_limited"));
      slack.then(new ScriptedSlack.Answer(503, null, "service_unavailable"));
      Map<String, String> webhooks = new LinkedHashMap<>();
      webhooks.put("support", slack.webhook("T0/B0/secret-support-token"));
      webhooks.put("*", slack.webhook("T0/B1/secret-default-token"));
      Map<String, String> connector = SlackWorker.connectorConfig(kafka.bootstrapServers(), topicConfig, webhooks,
          "https://runbooks.example/", 1);
      connector.put(SlackSinkConfig.BACKOFF_INITIAL_MS, "200");

      Set<String> expected = new TreeSet<>(List.of(threshold.getAlertId(), forecast.getAlertId(), burn.getAlertId(),
          requests.getAlertId(), research.getAlertId(), flap1.getAlertId(), flap1End.getAlertId()));
      try (SlackWorker worker = SlackWorker.start(SlackWorker.workerConfig(kafka.bootstrapServers(), 0,
          dir.resolve("worker-1")), connector)) {
        Await.until(BOUND, () -> postedIds(slack).keySet().containsAll(expected),
            () -> "every alert posted; so far " + postedIds(slack));
        // The marker: the connector has committed every record it was given, so no redelivery of them
        // (and no second post) can still be on its way when the counts are checked below.
        awaitAllCommitted(kafka, topics);
      }

      List<ScriptedSlack.Post> posts = slack.posts();
      assertEquals(429, posts.get(0).status());
      assertEquals(503, posts.get(1).status());
      assertTrue(posts.get(1).receivedAtNanos() - posts.get(0).receivedAtNanos() >= Duration.ofMillis(950).toNanos(),
          "the retry after a 429 waited for Retry-After (1 s)");
      assertEquals(posts.get(0).body(), posts.get(1).body(), "the same message is retried");
      Map<String, Integer> posted = postedIds(slack);
      assertEquals(expected, posted.keySet(), "the held-back flap and nothing else is missing");
      posted.forEach((id, times) -> assertEquals(1, times, id + " posted once"));

      // Grouping: the two anomalies of one series arriving together make one message.
      JsonNode series = message(slack, burn.getAlertId());
      assertTrue(series.toString().contains(requests.getAlertId()));
      assertTrue(series.toString().contains("Top contributors in support"), series::toString);
      // Cooldown: the flap's second raise and its resolution were held back and the next message of the
      // series says so; the first raise and its resolution were posted together.
      assertFalse(posts.stream().anyMatch(p -> p.body().contains(flap2.getAlertId())));
      assertTrue(message(slack, flap1.getAlertId()).toString().contains(flap1End.getAlertId()));

      JsonNode budget = message(slack, threshold.getAlertId());
      assertBlockKitLimits(budget);
      assertEquals("Budget at 80%: support-monthly", headers(budget).get(0));
      assertTrue(fields(budget).contains("*Spent vs limit*\n$81.00 of $100.00 spent (81%)"), budget::toString);
      assertTrue(budget.toString().contains("<https://runbooks.example/budget-threshold.md|Runbook: budget-threshold>"));
      JsonNode projection = message(slack, forecast.getAlertId());
      assertTrue(headers(projection).contains("Budget support-monthly projected to run out on Nov 24 (7 days early)"),
          projection::toString);
      // One budget's threshold and forecast arriving together are grouped too.
      assertEquals(budget, projection);
      assertTrue(fields(projection).contains("*Burn rate*\n$1.50/h over the last 7 days"), projection::toString);
      assertTrue(fields(series).contains("*Observed*\nspend 5.3x normal: $43.85/h against $8.20/h (threshold $24.60/h, "
          + "60 min of history)"), series::toString);
      int[] amounts = {0};
      posts.forEach(p -> {
        if (p.status() == 200) {
          assertBlockKitLimits(read(p.body()));
          amounts[0] += assertMoneyForPeople(read(p.body()));
        }
      });
      // The budget's spent and limit, the forecast's figures, the spend anomaly's rates: all were read.
      assertTrue(amounts[0] >= 8, "money amounts checked in the posted texts: " + amounts[0]);
      // Routing: the research team has no webhook of its own and goes to the default one.
      String researchPath = slack.posts().stream().filter(p -> p.body().contains(research.getAlertId()))
          .findFirst().orElseThrow().path();
      assertEquals("/services/T0/B1/secret-default-token", researchPath);
      assertTrue(slack.posts().stream().filter(p -> p.body().contains(threshold.getAlertId()))
          .allMatch(p -> p.path().endsWith("secret-support-token")));
      // The record that was not an alert went to the dead-letter topic, the rest flowed on.
      assertEquals(1, readAll(kafka, "it-slack.connect.slack.dlq", 1).size());

      // Restart with every offset forgotten: Kafka redelivers all alerts, none is posted again.
      kafka.admin().deleteConsumerGroups(List.of("connect-" + SlackWorker.CONNECTOR_NAME)).all().get();
      AnomalyAlert later = anomaly("support|triage|openai/gpt-4o", AnomalyKind.REQUEST_RATE_SPIKE, AnomalyStatus.RESOLVED, NOV);
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArraySerializer(),
          new ByteArraySerializer())) {
        send(producer, topics.anomalyAlerts, later.getScope(), later);
      }
      try (SlackWorker worker = SlackWorker.start(SlackWorker.workerConfig(kafka.bootstrapServers(), 0,
          dir.resolve("worker-2")), connector)) {
        Await.until(BOUND, () -> postedIds(slack).containsKey(later.getAlertId()), () -> "the new alert posted");
        awaitAllCommitted(kafka, topics);
      }
      Map<String, Integer> afterRestart = postedIds(slack);
      afterRestart.forEach((id, times) -> assertEquals(1, times, id + " posted once, across the restart"));
      assertEquals(expected.size() + 1, afterRestart.size());
    }

    String log = Files.readString(Path.of("target/connect-it.log"));
    assertTrue(log.contains("Posted"), "the log file is written");
    assertTrue(log.contains("slack.webhooks = [hidden]"), "configuration values are logged, webhooks masked");
    assertFalse(log.contains("secret-"), "a webhook URL appeared in the log");
  }

  /** Waits until the connector's group has committed the end offset of every partition it reads. */
  private static void awaitAllCommitted(EmbeddedKafka kafka, Topics topics) {
    Await.until(BOUND, () -> {
      try (var admin = kafka.admin()) {
        var committed = admin.listConsumerGroupOffsets("connect-" + SlackWorker.CONNECTOR_NAME)
            .partitionsToOffsetAndMetadata().get();
        var partitions = admin.describeTopics(List.of(topics.budgetAlerts.name(), topics.forecastAlerts.name(),
            topics.anomalyAlerts.name())).allTopicNames().get().values().stream()
            .flatMap(d -> d.partitions().stream().map(p -> new org.apache.kafka.common.TopicPartition(d.name(),
                p.partition())))
            .collect(java.util.stream.Collectors.toMap(tp -> tp,
                tp -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
        var ends = admin.listOffsets(partitions).all().get();
        return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0 || (committed.get(e.getKey()) != null
            && committed.get(e.getKey()).offset() >= e.getValue().offset()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        return false; // the group is not there yet
      }
    }, () -> "the connector to commit every alert it read");
  }

  /**
   * Every amount in every text a person reads is money as people read it: symbol, separators,
   * cents (or two significant digits below a cent), or a compact $12.3k; never nano-USD.
   */
  private static int assertMoneyForPeople(JsonNode message) {
    java.util.regex.Pattern amount = java.util.regex.Pattern.compile("\\$[0-9][0-9.,]*[0-9kMB]?");
    java.util.regex.Pattern forPeople = java.util.regex.Pattern.compile(
        "\\$(\\d{1,3}(,\\d{3})*\\.\\d{2}|0\\.0\\d*[1-9]\\d?|\\d{1,3}(\\.\\d)?[kMB])");
    List<String> texts = new ArrayList<>();
    message.findValues("text").forEach(t -> texts.add(t.isTextual() ? t.asText() : t.path("text").asText()));
    int amounts = 0;
    for (String text : texts) {
      assertFalse(text.contains("nano"), text);
      java.util.regex.Matcher m = amount.matcher(text);
      while (m.find()) {
        amounts++;
        assertTrue(forPeople.matcher(m.group()).matches(), "not money for people: " + m.group() + " in " + text);
      }
    }
    return amounts;
  }

  private static void assertBlockKitLimits(JsonNode message) {
    JsonNode blocks = message.get("blocks");
    assertTrue(blocks.size() <= BlockKit.MAX_BLOCKS);
    for (JsonNode block : blocks) {
      if (block.path("type").asText().equals("header")) {
        assertTrue(block.at("/text/text").asText().length() <= BlockKit.HEADER_MAX);
      }
      assertTrue(block.path("fields").size() <= BlockKit.FIELDS_MAX);
      block.path("fields").forEach(f -> assertTrue(f.path("text").asText().length() <= BlockKit.FIELD_TEXT_MAX));
      assertTrue(block.at("/text/text").asText().length() <= BlockKit.SECTION_TEXT_MAX);
    }
  }

  /** alert_id to the number of 200-answered posts that carried it. */
  private static Map<String, Integer> postedIds(ScriptedSlack slack) {
    Map<String, Integer> ids = new HashMap<>();
    for (ScriptedSlack.Post post : slack.posts()) {
      if (post.status() != 200) {
        continue;
      }
      for (JsonNode block : read(post.body()).get("blocks")) {
        String text = block.path("elements").path(0).path("text").asText();
        if (text.startsWith("alert_id: `")) {
          ids.merge(text.substring("alert_id: `".length(), text.length() - 1), 1, Integer::sum);
        }
      }
    }
    return ids;
  }

  private static JsonNode message(ScriptedSlack slack, String alertId) {
    return read(slack.posts().stream().filter(p -> p.status() == 200 && p.body().contains(alertId))
        .findFirst().orElseThrow().body());
  }

  private static List<String> headers(JsonNode message) {
    List<String> headers = new ArrayList<>();
    message.get("blocks").forEach(b -> {
      if (b.path("type").asText().equals("header")) {
        headers.add(b.at("/text/text").asText());
      }
    });
    return headers;
  }

  private static List<String> fields(JsonNode message) {
    List<String> fields = new ArrayList<>();
    message.get("blocks").forEach(b -> b.path("fields").forEach(f -> fields.add(f.path("text").asText())));
    return fields;
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value)
      throws Exception {
    producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
        topic.valueSerde().serializer().serialize(topic.name(), value))).get();
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedKafka kafka, String topic, int atLeast) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-reader", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      Await.until(BOUND, () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records.size() >= atLeast;
      }, () -> atLeast + " record(s) on " + topic);
      return records;
    }
  }

  private static BudgetAlert budgetAlert() {
    return BudgetAlert.newBuilder().setAlertId("support-monthly/2026-11-01/80%").setBudgetId("support-monthly")
        .setTeam("support").setPeriodStart(Instant.parse("2026-11-01T00:00:00Z"))
        .setPeriodEnd(Instant.parse("2026-12-01T00:00:00Z")).setTimezone("UTC").setThresholdPercent(80)
        .setSpendNanoUsd(81 * USD).setLimitNanoUsd(100 * USD).setMeasure(BudgetMeasure.USD).setSpendTokens(0)
        .setCrossedAt(NOV).setRaisedAt(NOV).build();
  }

  private static ForecastAlert forecast() {
    return ForecastAlert.newBuilder().setAlertId("support-monthly/2026-11-01/forecast/1").setBudgetId("support-monthly")
        .setTeam("support").setState(ForecastState.PROJECTED_TO_EXCEED).setMeasure(BudgetMeasure.USD)
        .setPeriodStart(Instant.parse("2026-11-01T00:00:00Z")).setPeriodEnd(Instant.parse("2026-12-01T00:00:00Z"))
        .setTimezone("UTC").setSpend(30 * USD).setLimit(100 * USD).setBurnRatePerHour(1_500_000_000L)
        .setTrailingWindowMinutes(7 * 24 * 60).setProjectedEndOfPeriod(390 * USD)
        .setProjectedBreachAt(Instant.parse("2026-11-24T15:40:00Z")).setAsOf(NOV).setRaisedAt(NOV).build();
  }

  private static AnomalyAlert anomaly(String scope, AnomalyKind kind, AnomalyStatus status, Instant started) {
    io.tokenledger.schemas.topics.SeriesKey series = io.tokenledger.schemas.topics.SeriesKey.parse(scope);
    String anomalyId = scope + "/" + kind + "/" + started;
    boolean spend = kind == AnomalyKind.BURN_RATE_SPIKE;
    return AnomalyAlert.newBuilder().setAlertId(anomalyId + "/" + status.toString().toLowerCase())
        .setAnomalyId(anomalyId).setScope(scope).setTeam(series.team()).setWorkflow(series.workflow())
        .setProvider(series.provider()).setModel(series.model())
        .setKind(kind).setStatus(status).setSeverity(AnomalySeverity.CRITICAL)
        .setUnit(spend ? "nano_usd_per_minute" : "requests_per_minute")
        // Spend: $43.85/h against $8.20/h (threshold 3x); requests: 400 a minute against 10.
        .setObserved(spend ? 730_833_333L : 400).setExpected(spend ? 136_666_667L : 10)
        .setThreshold(spend ? 410_000_000L : 30).setBaselineMinutes(60).setStartedAt(started)
        .setDetectedAt(started.plusSeconds(20))
        .setResolvedAt(status == AnomalyStatus.RESOLVED ? started.plusSeconds(120) : null)
        .setTopContributors(status == AnomalyStatus.RAISED
            ? List.of(new AnomalyContributor(series.workflow(), series.model(), 400L, 10L,
                series.provider())) : List.of())
        .setRaisedAt(started).build();
  }
}
