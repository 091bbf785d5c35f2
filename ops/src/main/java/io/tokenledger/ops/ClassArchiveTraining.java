package io.tokenledger.ops;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.otelbridge.OtelBridgeApp;
import io.tokenledger.platform.process.DirectoryTrees;
import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.reconciliation.service.ReconciliationApp;
import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;

/**
 * The start of every tokenledger service up to the broker, without one: run once with
 * {@code -XX:ArchiveClassesAtExit=<file>}, it leaves a class data sharing archive of the classes
 * a start loads (the command line, logging, schemas and serdes, each service's topology and Kafka
 * Streams with its clients, an admin client, the HTTP server). A JVM started with
 * {@code -XX:SharedArchiveFile=<file>} maps them instead of reading, parsing and verifying them
 * from the jars: on a restart after a crash that is the largest part of the time before Kafka
 * Streams starts (BENCHMARKS.md, recovery). The launcher does both unless told not to
 * ({@code TOKENLEDGER_CLASS_ARCHIVE=off}); nothing here connects.
 */
public final class ClassArchiveTraining {
  private static final List<StreamsService> SERVICES = List.of(AggregationApp.SERVICE, AlertingApp.SERVICE,
      EconomicsApp.SERVICE, ReconciliationApp.SERVICE, OtelBridgeApp.SERVICE);
  /** A port nothing listens on: clients are built, never connected. */
  private static final String NO_BROKER = "127.0.0.1:9";

  private ClassArchiveTraining() {}

  public static void main(String[] args) throws Exception {
    Main.prepareProcess();
    train();
    System.exit(0); // the archive is written as the JVM exits
  }

  /** Loads what a start loads; connects to nothing and leaves nothing behind. */
  static void train() throws Exception {
    new CommandLine(new Main()).getUsageMessage(); // the command line and its commands
    Path state = Files.createTempDirectory("tokenledger-class-archive");
    try {
      for (StreamsService service : SERVICES) {
        start(service, state);
      }
      Admin admin = TopicApplier.admin(Map.of("bootstrap.servers", NO_BROKER));
      admin.describeCluster(); // builds the request; its answer is never awaited
      admin.close(Duration.ZERO);
      io.javalin.Javalin.create().start("127.0.0.1", 0).stop();
    } finally {
      DirectoryTrees.delete(state);
    }
  }

  /** What {@code StreamsServices.run} does before it talks to the broker. */
  private static void start(StreamsService service, Path state) throws Exception {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, NO_BROKER);
    overrides.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    Properties config = service.config(overrides);
    Map<String, Object> settings = StreamsApps.asMap(config);
    Topics topics = Topics.from(settings);
    topics.all().forEach(topic -> topic.valueSerde().serializer());
    new KafkaStreams(service.topology(topics, settings), config).close(Duration.ZERO);
  }
}
