package io.tokenledger.ops.cli;

import io.tokenledger.schemas.streams.StreamsApps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

/** Options every command that talks to Kafka shares. */
public final class KafkaOptions {
  /** The dev broker's address: used when neither the flag nor the --config file names one. */
  static final String DEV_BROKER = "127.0.0.1:9092";

  @Option(names = "--bootstrap-servers",
      description = "Kafka bootstrap servers (default: bootstrap.servers from --config, else " + DEV_BROKER
          + ", the dev broker).")
  private String bootstrapServers;

  @Option(names = "--config", description = "A properties file: Kafka client/Streams settings and tokenledger.* keys.")
  Path config;

  /** Creates the declared topics that are missing, as every service does at start-up. */
  public List<String> applyTopics(Topics topics) throws Exception {
    try (Admin admin = admin()) {
      return TopicApplier.apply(admin, topics.all());
    }
  }

  /**
   * Whether a topic has as many partitions on the cluster as declared. Services that work out
   * partition ownership (cross-team windows, budgets per team) need the real count; when it
   * differs, this says which setting to change.
   */
  public boolean partitionsAsDeclared(Topic<?, ?> topic) throws Exception {
    int actual;
    try (Admin admin = admin()) {
      actual = admin.describeTopics(List.of(topic.name())).allTopicNames().get().get(topic.name()).partitions().size();
    }
    if (actual != topic.spec().partitions()) {
      System.err.printf("The topic %s has %d partitions but the configuration declares %d. Set "
          + "tokenledger.topic.%s.partitions=%d in --config.%n", topic.name(), actual, topic.spec().partitions(),
          topic.logicalName(), actual);
      return false;
    }
    return true;
  }

  /**
   * The properties file, if any, with --bootstrap-servers on top when given; the dev broker when
   * neither names the servers.
   */
  public Map<String, Object> settings() throws IOException {
    Map<String, Object> settings = StreamsApps.overridesFrom(config == null ? new String[0] : new String[] {config.toString()});
    if (bootstrapServers != null) {
      settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }
    settings.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, DEV_BROKER);
    return settings;
  }

  /** The bootstrap servers in effect: the flag, else the --config file's, else the dev broker. */
  public String servers() throws IOException {
    return settings().get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG).toString();
  }

  /** An admin client with the file's client settings too (security, timeouts), not only the address. */
  private Admin admin() throws IOException {
    Map<String, Object> adminConfig = new HashMap<>();
    settings().forEach((key, value) -> {
      if (AdminClientConfig.configNames().contains(key)) {
        adminConfig.put(key, value);
      }
    });
    return Admin.create(adminConfig);
  }
}
