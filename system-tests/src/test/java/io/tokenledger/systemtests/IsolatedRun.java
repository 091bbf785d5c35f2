package io.tokenledger.systemtests;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One test's run on the shared broker: topics of its own (a unique prefix, created), the
 * aggregation's settings with a fast live emit and a state directory of its own, and the CLI's
 * arguments pointed at the same topics.
 */
record IsolatedRun(Map<String, Object> config, Topics topics, String[] kafkaArgs) {
  static IsolatedRun create(EmbeddedKafka kafka, String name) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(Topics.PREFIX_CONFIG, name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "state").toString());
    config.put(AggregationSettings.PREFIX + "live-emit-interval", "200ms");
    Topics topics = Topics.from(config);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicApplier.apply(admin, topics.all());
    }
    Path cli = Files.createTempFile(Path.of("target"), name, ".properties");
    Files.writeString(cli, Topics.PREFIX_CONFIG + "=" + config.get(Topics.PREFIX_CONFIG) + "\n");
    return new IsolatedRun(config, topics, new String[] {"--bootstrap-servers", bootstrap, "--config", cli.toString()});
  }

  /** The aggregation on this run's topics, its queries answered on {@code port} (not started). */
  KafkaStreams aggregation(int port) {
    config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
    return new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(config)),
        AggregationApp.config(config));
  }

  /** A recorder writing this run's usage topic, spooling to a directory of its own. */
  UsageRecorder recorder() throws java.io.IOException {
    return UsageRecorder.builder(topics.usage)
        .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)))
        .spoolDirectory(Files.createTempDirectory(Path.of("target"), "spool")).closeOnShutdown(false).build();
  }

  /** A {@code tokenledger} command line against this run's topics. */
  String[] cli(String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(kafkaArgs));
    return all.toArray(String[]::new);
  }
}
