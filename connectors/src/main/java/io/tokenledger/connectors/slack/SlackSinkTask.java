package io.tokenledger.connectors.slack;

import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each alert once. A batch is decoded, alerts already handled are skipped, the rest are
 * grouped per scope (one message for a budget's or a series' alerts arriving together) and
 * posted in order. On 429 the task waits what {@code Retry-After} says, on 5xx or no answer it
 * backs off exponentially: in both cases it throws {@link RetriableException}, Connect
 * redelivers the same batch, and what was posted meanwhile is skipped by alert_id.
 */
public final class SlackSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(SlackSinkTask.class);

  private SlackSinkConfig config;
  private Map<String, URI> webhooks;
  private URI defaultWebhook;
  private WebhookClient client;
  private DeliveryLog delivered;
  private Cooldown cooldown;
  private final Map<String, Deserializer<?>> decoders = new HashMap<>();
  private int failures;
  /**
   * Per webhook, no post before this time (epoch ms): Connect's retry timeout is only an upper
   * bound on its wait, so the task itself keeps Retry-After and the backoff.
   */
  private final Map<URI, Long> notBefore = new HashMap<>();
  /** Records reported as errant in a batch that is being retried: report each once. */
  private final Set<String> reported = new HashSet<>();

  @Override
  public String version() {
    return SlackSinkConnector.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new SlackSinkConfig(props);
    webhooks = config.webhooks();
    defaultWebhook = config.defaultWebhook();
    client = new WebhookClient(Duration.ofMillis(config.getLong(SlackSinkConfig.HTTP_TIMEOUT_MS)));
    cooldown = new Cooldown(config.getLong(SlackSinkConfig.COOLDOWN_MS));
    Topics topics = Topics.from(props);
    for (Topic<String, ?> topic : List.of(topics.budgetAlerts, topics.forecastAlerts, topics.anomalyAlerts,
        topics.reconciliationAlerts, topics.commitmentAlerts)) {
      decoders.put(topic.name(), topic.valueSerde().deserializer());
    }
    delivered = new DeliveryLog(config.getString(SlackSinkConfig.DELIVERED_BOOTSTRAP),
        config.getString(SlackSinkConfig.DELIVERED_TOPIC), "tokenledger-slack-" + props.getOrDefault("task.id", "task"));
    delivered.catchUp();
    log.info("Slack sink started: {} team webhook(s){}, alert topics {}", webhooks.size(),
        defaultWebhook == null ? ", no default webhook" : " and a default webhook", decoders.keySet());
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    // Partitions may come from another task: learn what it posted before taking over.
    delivered.catchUp();
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    Map<String, List<SlackAlert>> groups = new LinkedHashMap<>();
    Map<String, SinkRecord> sources = new HashMap<>();
    for (SinkRecord record : records) {
      SlackAlert alert = decode(record);
      if (alert == null || delivered.contains(alert.alertId()) || sources.containsKey(alert.alertId())) {
        continue;
      }
      sources.put(alert.alertId(), record);
      groups.computeIfAbsent(alert.team() + "\u0000" + alert.groupKey(), k -> new ArrayList<>()).add(alert);
    }
    long now = System.currentTimeMillis();
    cooldown.newBatch();
    for (List<SlackAlert> group : groups.values()) {
      List<SlackAlert> toPost = new ArrayList<>();
      for (SlackAlert alert : group) {
        if (cooldown.holdBack(alert, now)) {
          log.info("Held back {} for team {}: the same anomaly was posted less than the cooldown ago.",
              alert.alertId(), alert.team());
          delivered.record(List.of(alert.alertId()), "held-back");
        } else {
          toPost.add(alert);
        }
      }
      int perMessage = config.getInt(SlackSinkConfig.MAX_ALERTS_PER_MESSAGE);
      for (int i = 0; i < toPost.size(); i += perMessage) {
        deliver(toPost.subList(i, Math.min(toPost.size(), i + perMessage)), sources, now);
      }
    }
    reported.clear();
  }

  private SlackAlert decode(SinkRecord record) {
    Deserializer<?> decoder = decoders.get(record.topic());
    try {
      if (decoder == null) {
        throw new IllegalArgumentException("topic " + record.topic() + " is not a tokenledger alert topic");
      }
      if (!(record.value() instanceof byte[] bytes)) {
        throw new IllegalArgumentException("value is not bytes: set value.converter to "
            + "org.apache.kafka.connect.converters.ByteArrayConverter");
      }
      return AlertRenderer.render(decoder.deserialize(record.topic(), bytes));
    } catch (RuntimeException e) {
      if (!reported.contains(record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset())) {
        log.warn("Skipped the record at {}-{}@{}: it is not a tokenledger alert ({}).", record.topic(),
            record.kafkaPartition(), record.kafkaOffset(), e.getMessage());
      }
      report(record, e);
      return null;
    }
  }

  private void deliver(List<SlackAlert> alerts, Map<String, SinkRecord> sources, long now) {
    SlackAlert first = alerts.get(0);
    List<String> ids = alerts.stream().map(SlackAlert::alertId).toList();
    URI webhook = webhooks.getOrDefault(first.team(), defaultWebhook);
    if (webhook == null) {
      log.error("No Slack webhook for team '{}' and no {}: alerts {} were not posted. Add the team to {}.",
          first.team(), SlackSinkConfig.DEFAULT_WEBHOOK, ids, SlackSinkConfig.WEBHOOKS);
      ids.forEach(id -> report(sources.get(id), new IllegalStateException("no webhook for team " + first.team())));
      return;
    }
    long wait = notBefore.getOrDefault(webhook, 0L) - System.currentTimeMillis();
    if (wait > 0) {
      context.timeout(wait);
      throw new RetriableException("waiting " + wait + " ms before posting to team " + first.team() + "'s webhook again");
    }
    int heldBack = cooldown.heldBack(first.groupKey());
    String json = BlockKit.message(alerts, config.getString(SlackSinkConfig.RUNBOOK_BASE_URL), heldBack);
    WebhookClient.Result result;
    try {
      result = client.post(webhook, json);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted while posting to Slack", e);
    }
    switch (result.outcome()) {
      case POSTED -> {
        delivered.record(ids, "posted");
        SlackMeters.posts("posted").increment();
        SlackMeters.ALERTS_DELIVERED.increment(ids.size());
        alerts.forEach(a -> cooldown.posted(a, now));
        cooldown.mentioned(first.groupKey());
        failures = 0;
        log.info("Posted {} to Slack for team {}.", ids, first.team());
      }
      case RATE_LIMITED -> {
        notBefore.put(webhook, System.currentTimeMillis() + result.retryAfterMillis());
        SlackMeters.posts("rate_limited").increment();
        context.timeout(result.retryAfterMillis());
        log.warn("Slack rate-limited the webhook of team {} (HTTP 429); retrying in {} ms as Retry-After asks.",
            first.team(), result.retryAfterMillis());
        throw new RetriableException("Slack answered 429 for team " + first.team());
      }
      case TRANSIENT -> {
        long backoff = Math.min(config.getLong(SlackSinkConfig.BACKOFF_MAX_MS),
            config.getLong(SlackSinkConfig.BACKOFF_INITIAL_MS) << Math.min(failures, 20));
        failures++;
        SlackMeters.posts("failed_will_retry").increment();
        notBefore.put(webhook, System.currentTimeMillis() + backoff);
        context.timeout(backoff);
        log.warn("Posting {} for team {} failed ({} {}), attempt {}; retrying in {} ms.", ids, first.team(),
            result.status() == 0 ? "" : "HTTP " + result.status(), result.detail(), failures, backoff);
        throw new RetriableException("Slack post failed for team " + first.team() + ": " + result.status());
      }
      case PERMANENT -> {
        log.error("Slack refused {} for team {} with HTTP {} '{}'; not retried. A 403/404/410 means the team's "
            + "webhook was revoked or mistyped: fix it in {}. A 400 means the message itself was rejected: "
            + "report it with these alert ids.", ids, first.team(), result.status(), result.detail(),
            SlackSinkConfig.WEBHOOKS);
        ids.forEach(id -> report(sources.get(id),
            new IllegalStateException("Slack refused the alert: HTTP " + result.status() + " " + result.detail())));
        delivered.record(ids, "refused-" + result.status());
        SlackMeters.posts("refused").increment();
        failures = 0;
      }
      default -> throw new IllegalStateException(result.outcome().toString());
    }
  }

  private void report(SinkRecord record, Exception error) {
    ErrantRecordReporter reporter = context.errantRecordReporter();
    if (reporter != null && record != null
        && reported.add(record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset())) {
      reporter.report(record, error);
    }
  }

  @Override
  public void stop() {
    if (delivered != null) {
      delivered.close();
    }
  }
}
