package io.tokenledger.ops.cli;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.aggregation.query.QueryServer;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.schemas.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topics;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs one service on its own, as it runs in production. */
public final class RunCommands {
  private RunCommands() {}

  @Command(name = "aggregation", mixinStandardHelpOptions = true,
      description = "Runs the aggregation topology until Ctrl-C/SIGTERM.")
  public static final class Aggregation implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--query-endpoint", defaultValue = "127.0.0.1:8089",
        description = "host:port this instance answers usage queries on and advertises to the other instances "
            + "(application.server; default: ${DEFAULT-VALUE}). Give each instance its own.")
    String queryEndpoint;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = kafka.settings();
      overrides.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, queryEndpoint);
      Properties config = AggregationApp.config(overrides);
      Map<String, Object> settings = StreamsApps.asMap(config);
      Topics topics = Topics.from(settings);
      kafka.applyTopics(topics);
      if (!kafka.partitionsAsDeclared(topics.usage)) {
        return 2;
      }
      KafkaStreams streams = new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(settings)),
          config);
      try (QueryServer queries = QueryServer.start(streams, QueryServer.advertised(settings))) {
        StreamsApps.runUntilShutdown(streams, AggregationApp.APPLICATION_ID);
      }
      return 0;
    }
  }

  @Command(name = "alerting", mixinStandardHelpOptions = true, description = "Runs the alerting service until Ctrl-C/SIGTERM.")
  public static final class Alerting implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Properties config = AlertingApp.config(kafka.settings());
      Map<String, Object> settings = StreamsApps.asMap(config);
      Topics topics = Topics.from(settings);
      kafka.applyTopics(topics);
      if (!kafka.partitionsAsDeclared(topics.detailLedger15m)) {
        return 2;
      }
      StreamsApps.runUntilShutdown(new KafkaStreams(AlertingApp.buildTopology(topics, AlertingSettings.from(settings)),
          config), AlertingApp.APPLICATION_ID);
      return 0;
    }
  }
}
