package io.tokenledger.ops.cli;

import io.tokenledger.otelbridge.OtelBridgeApp;
import io.tokenledger.platform.service.StreamsService;
import picocli.CommandLine.Command;

/** {@code tokenledger otel-bridge}: the bridge on its own; it answers no queries. */
@Command(name = "otel-bridge", mixinStandardHelpOptions = true,
    description = {"Runs the OpenTelemetry bridge until Ctrl-C/SIGTERM: OTLP trace exports from the Collector's",
        "Kafka topic (tokenledger.otel.bridge.topic, default otlp_spans) to usage events, exactly once."})
public final class OtelBridgeCommand extends ServiceCommand {
  @Override
  StreamsService service() {
    return OtelBridgeApp.SERVICE;
  }

  @Override
  String queryEndpoint() {
    return null;
  }
}
