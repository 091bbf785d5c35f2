package io.tokenledger.ops.cli;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.schemas.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topics;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs one service on its own, as it runs in production. */
public final class RunCommands {
  private RunCommands() {}

  @Command(name = "aggregation", mixinStandardHelpOptions = true,
      description = "Runs the aggregation topology until Ctrl-C/SIGTERM.")
  public static final class Aggregation implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Properties config = AggregationApp.config(kafka.settings());
      Map<String, Object> settings = StreamsApps.asMap(config);
      kafka.applyTopics(Topics.from(settings));
      StreamsApps.runUntilShutdown(new KafkaStreams(AggregationApp.buildTopology(Topics.from(settings),
          AggregationSettings.from(settings)), config), AggregationApp.APPLICATION_ID);
      return 0;
    }
  }

  @Command(name = "alerting", mixinStandardHelpOptions = true, description = "Runs the alerting service until Ctrl-C/SIGTERM.")
  public static final class Alerting implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Properties config = AlertingApp.config(kafka.settings());
      kafka.applyTopics(Topics.from(StreamsApps.asMap(config)));
      StreamsApps.runUntilShutdown(new KafkaStreams(AlertingApp.buildTopology(Topics.from(StreamsApps.asMap(config))),
          config), AlertingApp.APPLICATION_ID);
      return 0;
    }
  }
}
