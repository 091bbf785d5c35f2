package io.tokenledger.connectors;

import io.tokenledger.platform.process.ParentWatch;
import io.tokenledger.schemas.topics.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenledger connect}: a standalone Connect worker delivering alerts to Slack. */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = {"Runs a standalone Kafka Connect worker with the Slack sink: budget, forecast and anomaly",
        "alerts are posted to each team's Slack incoming webhook, once per alert_id.",
        "Webhook URLs are secrets: give them in a file (--webhooks) or TOKENLEDGER_SLACK_WEBHOOKS, never as arguments."})
public final class ConnectCommand implements Callable<Integer> {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--webhooks", description = "Properties file of team=webhook URL lines; the key * is the default "
      + "webhook for teams without their own. Without it: TOKENLEDGER_SLACK_WEBHOOKS (team=url,team=url).")
  Path webhooksFile;

  @Option(names = "--runbook-base-url", description = "Base URL of the runbooks (default: the repository's ops/runbooks/).")
  String runbookBaseUrl;

  @Option(names = "--rest-port", defaultValue = "8083", description = "Connect REST port (default: ${DEFAULT-VALUE}).")
  int restPort;

  @Option(names = "--metrics-port", defaultValue = "8093",
      description = "Port of the worker's Prometheus /metrics (default: ${DEFAULT-VALUE}; 0 for none).")
  int metricsPort;

  @Option(names = "--state-dir", defaultValue = ".tokenledger/connect", description = "Worker state (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--topic-prefix", description = "Topic name prefix, as for the other services (default: tokenledger.).")
  String topicPrefix;

  @Option(names = "--dlq-replication-factor", defaultValue = "3",
      description = "Replication factor of the connector's dead-letter topic (default: ${DEFAULT-VALUE}; 1 on a dev broker).")
  int dlqReplicationFactor;

  @Override
  public Integer call() throws Exception {
    Map<String, String> webhooks = webhooks();
    if (webhooks.isEmpty()) {
      System.err.println("No webhooks: give --webhooks FILE (team=url lines, * for the default) or set "
          + "TOKENLEDGER_SLACK_WEBHOOKS.");
      return 2;
    }
    Map<String, String> topicConfig = new HashMap<>();
    if (topicPrefix != null) {
      topicConfig.put(Topics.PREFIX_CONFIG, topicPrefix);
    }
    Files.createDirectories(stateDir);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "connect-stop"));
    com.sun.net.httpserver.HttpServer metrics = metricsPort == 0 ? null
        : io.tokenledger.platform.metrics.ServiceMeters.serve("0.0.0.0", metricsPort);
    try (SlackWorker worker = SlackWorker.start(SlackWorker.workerConfig(bootstrapServers, restPort, stateDir),
        SlackWorker.connectorConfig(bootstrapServers, topicConfig, webhooks, runbookBaseUrl, dlqReplicationFactor))) {
      System.out.printf("Slack sink running in a Connect worker (REST %s) for %d team webhook(s)%s.%n",
          worker.restUrl(), webhooks.keySet().stream().filter(k -> !k.equals("*")).count(),
          webhooks.containsKey("*") ? " and a default" : "");
      stop.await();
    } finally {
      if (metrics != null) {
        metrics.stop(0);
      }
    }
    return 0;
  }

  private Map<String, String> webhooks() throws IOException {
    Map<String, String> webhooks = new LinkedHashMap<>();
    if (webhooksFile != null) {
      Properties p = new Properties();
      try (Reader reader = Files.newBufferedReader(webhooksFile)) {
        p.load(reader);
      }
      p.stringPropertyNames().forEach(team -> webhooks.put(team, p.getProperty(team).strip()));
      return webhooks;
    }
    String env = System.getenv("TOKENLEDGER_SLACK_WEBHOOKS");
    if (env != null) {
      for (String entry : env.split(",")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          webhooks.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
      }
    }
    return webhooks;
  }

  public static void main(String[] args) {
    System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES",
        System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.tokenledger"));
    ParentWatch.exitWithParent(); // the demo's worker ends with the demo, even on kill -9
    System.exit(new CommandLine(new ConnectCommand()).execute(args));
  }
}
