package io.tokenledger.ops.cli;

import io.tokenledger.ops.config.ConfigReference;
import io.tokenledger.platform.streams.StreamsApps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

/** Options every command that talks to Kafka shares. */
public final class KafkaOptions {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KafkaOptions.class);
  /** The dev broker's address: used when neither the flag nor the --config file names one. */
  static final String DEV_BROKER = "127.0.0.1:9092";

  @Option(names = "--bootstrap-servers",
      description = "Kafka bootstrap servers (default: bootstrap.servers from --config, else " + DEV_BROKER
          + ", the dev broker).")
  private String bootstrapServers;

  @Option(names = "--config", description = "A properties file: Kafka client/Streams settings and tokenledger.* keys.")
  Path config;

  /** The topic registry from the settings, with the missing topics created (what the table commands need). */
  public Topics appliedTopics() throws Exception {
    Topics topics = Topics.from(settings());
    applyTopics(topics);
    return topics;
  }

  /** Creates the declared topics that are missing, as every service does at start-up. */
  public List<String> applyTopics(Topics topics) throws Exception {
    try (Admin admin = admin()) {
      return TopicApplier.apply(admin, topics.all());
    }
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
    if (!warned) {
      warned = true;
      ConfigReference.unknownKeys(settings).forEach(warning -> log.warn("{} ({})", warning, config));
    }
    return settings;
  }

  private boolean warned;

  /** The bootstrap servers in effect: the flag, else the --config file's, else the dev broker. */
  public String servers() throws IOException {
    return settings().get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG).toString();
  }

  /** An admin client with the file's client settings too (security, timeouts), not only the address. */
  private Admin admin() throws IOException {
    return TopicApplier.admin(settings());
  }
}
