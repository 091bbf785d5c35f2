package io.tokenledger.systemtests;

import io.tokenledger.aggregation.AggregationSettings;
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

  /** A {@code tokenledger} command line against this run's topics. */
  String[] cli(String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(kafkaArgs));
    return all.toArray(String[]::new);
  }
}
