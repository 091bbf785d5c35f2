package io.tokenledger.ops.cli;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.platform.service.StreamsService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenledger aggregation}: the service on its own, answering its queries. */
@Command(name = "aggregation", mixinStandardHelpOptions = true, description = "Runs the aggregation topology until Ctrl-C/SIGTERM.")
public final class AggregationCommand extends ServiceCommand {
  @Option(names = "--query-endpoint", defaultValue = "127.0.0.1:8089",
      description = "host:port this instance answers usage queries on and advertises to the other instances "
          + "(application.server; default: ${DEFAULT-VALUE}). Give each instance its own.")
  String queryEndpoint;

  @Override
  StreamsService service() {
    return AggregationApp.SERVICE;
  }

  @Override
  String queryEndpoint() {
    return queryEndpoint;
  }
}
