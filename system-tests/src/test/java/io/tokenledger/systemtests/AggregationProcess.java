package io.tokenledger.systemtests;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.schemas.topics.Topics;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** The aggregation in a JVM of its own, as every launcher runs it: for the tests that kill it. */
final class AggregationProcess {
  private AggregationProcess() {}

  /**
   * A configuration file with production settings (grace, static membership from the state
   * directory) and a quick live emit; {@code extra} on top.
   */
  static Path writeConfig(String bootstrap, String prefix, String applicationId, Map<String, String> extra)
      throws Exception {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(Topics.PREFIX_CONFIG, prefix);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.STATE_DIR_CONFIG,
        Files.createTempDirectory(Path.of("target"), applicationId + "-state").toAbsolutePath().toString());
    p.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    p.putAll(extra);
    Path file = Files.createTempFile(Path.of("target"), applicationId, ".properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, applicationId);
    }
    return file;
  }

  /** Starts the aggregation's main with the file, its output in a log file under target/. */
  static Process start(Path config) throws Exception {
    return start(config, Files.createTempFile(Path.of("target"), "topology-process", ".log"));
  }

  /** The same, its output in {@code log}. */
  static Process start(Path config, Path log) throws Exception {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger", "-cp", System.getProperty("java.class.path"),
        AggregationApp.class.getName(), config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
