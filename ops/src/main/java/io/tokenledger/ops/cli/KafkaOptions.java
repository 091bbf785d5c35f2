package io.tokenledger.ops.cli;

import io.tokenledger.schemas.streams.StreamsApps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

/** Options every command that talks to Kafka shares. */
public final class KafkaOptions {
  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the dev broker).")
  String bootstrapServers;

  @Option(names = "--config", description = "A properties file: Kafka client/Streams settings and tokenledger.* keys.")
  Path config;

  /** The properties file, if any, with --bootstrap-servers on top. */
  public Map<String, Object> settings() throws IOException {
    Map<String, Object> settings = StreamsApps.overridesFrom(config == null ? new String[0] : new String[] {config.toString()});
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return settings;
  }
}
