package io.tokenledger.connectors;

import io.tokenledger.connectors.slack.SlackSinkConfig;
import io.tokenledger.connectors.slack.SlackSinkConnector;
import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * A standalone Connect worker running the Slack sink. {@link #workerConfig} and
 * {@link #connectorConfig} build the configuration; {@link #start} wires them. Tests and
 * {@code tokenledger connect} use the same three.
 */
public final class SlackWorker implements AutoCloseable {
  public static final String CONNECTOR_NAME = "tokenledger-slack";

  private final Connect<StandaloneHerder> connect;

  private SlackWorker(Connect<StandaloneHerder> connect) {
    this.connect = connect;
  }

  /**
   * @param restPort Connect's REST port (0: any free port)
   * @param stateDir where the standalone worker keeps its source-offset file
   */
  public static Map<String, String> workerConfig(String bootstrap, int restPort, Path stateDir) {
    Map<String, String> worker = new HashMap<>();
    worker.put("bootstrap.servers", bootstrap);
    worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    // Values stay bytes: the task decodes them with tokenledger's own Avro serde.
    worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    worker.put("offset.storage.file.filename", stateDir.resolve("connect.offsets").toString());
    worker.put("offset.flush.interval.ms", "1000");
    worker.put("listeners", "http://127.0.0.1:" + restPort);
    // Connectors on the classpath are found through their ServiceLoader manifests: no slow scan.
    worker.put("plugin.discovery", "service_load");
    // Alerts are written by exactly-once Streams apps: never deliver an aborted one.
    worker.put("consumer.isolation.level", "read_committed");
    return worker;
  }

  /**
   * @param topicConfig tokenledger topic settings (prefix or names), as every service reads them
   * @param webhooks team to webhook URL; the key {@code *} is the default webhook
   */
  public static Map<String, String> connectorConfig(String bootstrap, Map<String, String> topicConfig,
      Map<String, String> webhooks, String runbookBaseUrl, int dlqReplicationFactor) {
    Topics topics = Topics.from(topicConfig);
    Map<String, String> config = new HashMap<>(topicConfig);
    config.put("name", CONNECTOR_NAME);
    config.put("connector.class", SlackSinkConnector.class.getName());
    config.put("tasks.max", "1");
    config.put("topics", String.join(",", List.of(topics.budgetAlerts.name(), topics.forecastAlerts.name(),
        topics.anomalyAlerts.name(), topics.reconciliationAlerts.name(), topics.commitmentAlerts.name())));
    StringBuilder routes = new StringBuilder();
    webhooks.forEach((team, url) -> {
      if (team.equals("*")) {
        config.put(SlackSinkConfig.DEFAULT_WEBHOOK, url);
      } else {
        routes.append(routes.isEmpty() ? "" : ",").append(team).append('=').append(url);
      }
    });
    config.put(SlackSinkConfig.WEBHOOKS, routes.toString());
    if (runbookBaseUrl != null) {
      config.put(SlackSinkConfig.RUNBOOK_BASE_URL, runbookBaseUrl);
    }
    config.put(SlackSinkConfig.DELIVERED_BOOTSTRAP, bootstrap);
    config.put(SlackSinkConfig.DELIVERED_TOPIC, topicConfig.getOrDefault(Topics.PREFIX_CONFIG, Topics.DEFAULT_PREFIX)
        + "connect.slack.delivered");
    // An alert Slack refuses for good (revoked webhook) goes to a dead-letter topic; the rest flow on.
    config.put("errors.tolerance", "all");
    config.put("errors.log.enable", "true");
    config.put("errors.deadletterqueue.topic.name",
        topicConfig.getOrDefault(Topics.PREFIX_CONFIG, Topics.DEFAULT_PREFIX) + "connect.slack.dlq");
    config.put("errors.deadletterqueue.topic.replication.factor", Integer.toString(dlqReplicationFactor));
    config.put("errors.deadletterqueue.context.headers.enable", "true");
    return config;
  }

  /** Starts the worker and the connector; returns once the connector is created. */
  public static SlackWorker start(Map<String, String> workerConfig, Map<String, String> connectorConfig)
      throws InterruptedException, ExecutionException, TimeoutException {
    Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(workerConfig);
    FutureCallback<org.apache.kafka.connect.runtime.Herder.Created<
        org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo>> created = new FutureCallback<>();
    connect.herder().putConnectorConfig(CONNECTOR_NAME, connectorConfig, true, created);
    try {
      created.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      connect.stop();
      throw e;
    }
    return new SlackWorker(connect);
  }

  public String restUrl() {
    return connect.rest().serverUrl().toString();
  }

  @Override
  public void close() {
    connect.stop();
    connect.awaitStop();
  }
}
