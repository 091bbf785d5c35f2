package io.tokenledger.ops.cli;

import io.tokenledger.platform.service.StreamsServices;
import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.otelbridge.OtelBridgeApp;
import java.util.Map;
import java.util.concurrent.Callable;
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
      return StreamsServices.run(AggregationApp.SERVICE, overrides);
    }
  }

  @Command(name = "alerting", mixinStandardHelpOptions = true, description = "Runs the alerting service until Ctrl-C/SIGTERM.")
  public static final class Alerting implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--query-endpoint", defaultValue = "127.0.0.1:8092",
        description = "host:port this instance answers /v1/budgets and /v1/alerts on (application.server; "
            + "default: ${DEFAULT-VALUE}). Give each instance its own.")
    String queryEndpoint;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = kafka.settings();
      overrides.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, queryEndpoint);
      return StreamsServices.run(AlertingApp.SERVICE, overrides);
    }
  }

  @Command(name = "economics", mixinStandardHelpOptions = true,
      description = "Runs the economics (agent or person, Token ROI, model advice) until Ctrl-C/SIGTERM.")
  public static final class Economics implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--query-endpoint", defaultValue = "127.0.0.1:8091",
        description = "host:port this instance answers /v1/economics and /v1/advice on and advertises to the other "
            + "instances (application.server; default: ${DEFAULT-VALUE}). Give each instance its own.")
    String queryEndpoint;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = kafka.settings();
      overrides.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, queryEndpoint);
      return StreamsServices.run(EconomicsApp.SERVICE, overrides);
    }
  }

  @Command(name = "otel-bridge", mixinStandardHelpOptions = true,
      description = {"Runs the OpenTelemetry bridge until Ctrl-C/SIGTERM: OTLP trace exports from the Collector's",
          "Kafka topic (tokenledger.otel.bridge.topic, default otlp_spans) to usage events, exactly once."})
  public static final class OtelBridge implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      return StreamsServices.run(OtelBridgeApp.SERVICE, kafka.settings());
    }
  }
}
