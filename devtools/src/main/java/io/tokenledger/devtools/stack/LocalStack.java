package io.tokenledger.devtools.stack;

import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.platform.service.StreamsServices;
import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.dashboard.DashboardServer;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.reconciliation.service.ReconciliationApp;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.schemas.topics.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The four Streams services, their query APIs and the dashboard in one process, as the demo and
 * the browser test run them: each service on its own loopback port, reading the same key topic,
 * the dashboard passing through to all four. Closed in the reverse order of start.
 */
public final class LocalStack implements AutoCloseable {
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private final KafkaStreams aggregation;
  private final KafkaStreams alerting;
  private final KafkaStreams economics;
  private final KafkaStreams reconciliation;
  private final String aggregationEndpoint;
  private final String alertingEndpoint;
  private final String economicsEndpoint;
  private final String reconciliationEndpoint;
  private final DashboardServer dashboard;

  /**
   * @param config Kafka and service settings shared by the four (bootstrap servers, topic prefix, ...)
   * @param dashboardPort the dashboard's port; 0 for any free one
   */
  public LocalStack(Map<String, Object> config, Topics topics, Path stateDir, int dashboardPort) throws Exception {
    try {
      ApiKeyDirectory keys = closing(new ApiKeyDirectory(config, topics.apiKeys));
      aggregationEndpoint = "127.0.0.1:" + Ports.free();
      aggregation = start(AggregationApp.SERVICE, config, stateDir, aggregationEndpoint, keys);
      alertingEndpoint = "127.0.0.1:" + Ports.free();
      alerting = start(AlertingApp.SERVICE, config, stateDir, alertingEndpoint, keys);
      economicsEndpoint = "127.0.0.1:" + Ports.free();
      economics = start(EconomicsApp.SERVICE, config, stateDir, economicsEndpoint, keys);
      reconciliationEndpoint = "127.0.0.1:" + Ports.free();
      reconciliation = start(ReconciliationApp.SERVICE, config, stateDir, reconciliationEndpoint, keys);
      dashboard = closing(new DashboardServer(Map.of("aggregation", URI.create("http://" + aggregationEndpoint),
          "alerting", URI.create("http://" + alertingEndpoint), "economics", URI.create("http://" + economicsEndpoint),
          "reconciliation", URI.create("http://" + reconciliationEndpoint))).start("127.0.0.1", dashboardPort));
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** One service as production runs it (its topology, config and queries), on its own endpoint. */
  private KafkaStreams start(StreamsService service, Map<String, Object> base, Path stateDir, String endpoint,
      ApiKeyDirectory keys) throws Exception {
    Map<String, Object> config = new HashMap<>(base);
    config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, endpoint);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    return closing(StreamsServices.start(service, config, HostInfo.buildFromEndpoint(endpoint), keys)).streams();
  }

  private <T extends AutoCloseable> T closing(T resource) {
    toClose.push(resource);
    return resource;
  }

  public String aggregationEndpoint() {
    return aggregationEndpoint;
  }

  public String alertingEndpoint() {
    return alertingEndpoint;
  }

  public String economicsEndpoint() {
    return economicsEndpoint;
  }

  public String reconciliationEndpoint() {
    return reconciliationEndpoint;
  }

  public String dashboardUrl() {
    return "http://127.0.0.1:" + dashboard.port() + "/";
  }

  public KafkaStreams aggregation() {
    return aggregation;
  }

  @Override
  public void close() {
    while (!toClose.isEmpty()) {
      try {
        toClose.pop().close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(LocalStack.class).warn("Closing {} failed", "a local service", e);
      }
    }
  }
}
