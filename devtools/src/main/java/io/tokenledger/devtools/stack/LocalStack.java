package io.tokenledger.devtools.stack;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.aggregation.query.QueryServer;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.alerting.query.AlertFeed;
import io.tokenledger.alerting.query.AlertQueries;
import io.tokenledger.dashboard.DashboardServer;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The three Streams services, their query APIs and the dashboard in one process, as the demo and
 * the browser test run them: each service on its own loopback port, reading the same key topic,
 * the dashboard passing through to all three. Closed in the reverse order of start.
 */
public final class LocalStack implements AutoCloseable {
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private final KafkaStreams aggregation;
  private final KafkaStreams alerting;
  private final KafkaStreams economics;
  private final String aggregationEndpoint;
  private final String alertingEndpoint;
  private final String economicsEndpoint;
  private final DashboardServer dashboard;

  /**
   * @param config Kafka and service settings shared by the three (bootstrap servers, topic prefix, ...)
   * @param dashboardPort the dashboard's port; 0 for any free one
   */
  public LocalStack(Map<String, Object> config, Topics topics, Path stateDir, int dashboardPort) throws IOException {
    try {
      ApiKeyDirectory keys = closing(new ApiKeyDirectory(config, topics.apiKeys));
      aggregationEndpoint = "127.0.0.1:" + Ports.free();
      Map<String, Object> aggregationConfig = settings(config, stateDir, aggregationEndpoint);
      aggregation = start(AggregationApp.buildTopology(topics, AggregationSettings.from(aggregationConfig)),
          AggregationApp.config(aggregationConfig), AggregationApp.APPLICATION_ID);
      closing(QueryServer.start(aggregation, HostInfo.buildFromEndpoint(aggregationEndpoint), keys, config));

      alertingEndpoint = "127.0.0.1:" + Ports.free();
      Map<String, Object> alertingConfig = settings(config, stateDir, alertingEndpoint);
      alerting = start(AlertingApp.buildTopology(topics, AlertingSettings.from(alertingConfig)),
          AlertingApp.config(alertingConfig), AlertingApp.APPLICATION_ID);
      AlertFeed feed = closing(new AlertFeed(config, topics, AlertingApp.FEED_LOOKBACK));
      closing(AlertQueries.start(alerting, HostInfo.buildFromEndpoint(alertingEndpoint), feed, keys));

      economicsEndpoint = "127.0.0.1:" + Ports.free();
      Map<String, Object> economicsConfig = settings(config, stateDir, economicsEndpoint);
      EconomicsSettings economicsSettings = EconomicsSettings.from(economicsConfig);
      economics = start(EconomicsApp.buildTopology(topics, economicsSettings), EconomicsApp.config(economicsConfig),
          EconomicsApp.APPLICATION_ID);
      closing(EconomicsApp.startQueries(economics, HostInfo.buildFromEndpoint(economicsEndpoint), economicsSettings,
          keys));

      dashboard = closing(new DashboardServer(Map.of("aggregation", URI.create("http://" + aggregationEndpoint),
          "alerting", URI.create("http://" + alertingEndpoint), "economics", URI.create("http://" + economicsEndpoint)))
          .start("127.0.0.1", dashboardPort));
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private static Map<String, Object> settings(Map<String, Object> base, Path stateDir, String endpoint) {
    Map<String, Object> config = new HashMap<>(base);
    config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, endpoint);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    return config;
  }

  private KafkaStreams start(Topology topology, Properties config, String applicationId) {
    KafkaStreams streams = new KafkaStreams(topology, config);
    StreamsApps.replaceFailedThreads(streams, applicationId);
    toClose.push(() -> StreamsApps.close(streams, Duration.ofSeconds(30)));
    streams.start();
    return streams;
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
