package io.tokenledger.connectors.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Delivers tokenledger alerts (budget thresholds, forecasts, anomalies) to Slack incoming
 * webhooks as Block Kit messages, once per {@code alert_id}. Configure the alert topics with
 * {@code topics} and a {@code ByteArrayConverter}: values are decoded with tokenledger's own
 * Avro serde, the same seam every other service uses.
 */
public final class SlackSinkConnector extends SinkConnector {
  public static final String VERSION = "0.1.0";
  private Map<String, String> config;

  @Override
  public void start(Map<String, String> props) {
    new SlackSinkConfig(props).webhooks(); // fail fast on a malformed map
    this.config = props;
  }

  @Override
  public Class<? extends Task> taskClass() {
    return SlackSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>();
    for (int i = 0; i < maxTasks; i++) {
      configs.add(config);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return SlackSinkConfig.CONFIG_DEF;
  }

  @Override
  public String version() {
    return VERSION;
  }
}
