package io.tokenledger.ops.cli;

import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.platform.service.StreamsService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenledger alerting}: the service on its own, answering its queries. */
@Command(name = "alerting", mixinStandardHelpOptions = true, description = "Runs the alerting service until Ctrl-C/SIGTERM.")
public final class AlertingCommand extends ServiceCommand {
  @Option(names = "--query-endpoint", defaultValue = "127.0.0.1:8092",
      description = "host:port this instance answers /v1/budgets and /v1/alerts on (application.server; "
          + "default: ${DEFAULT-VALUE}). Give each instance its own.")
  String queryEndpoint;

  @Override
  StreamsService service() {
    return AlertingApp.SERVICE;
  }

  @Override
  String queryEndpoint() {
    return queryEndpoint;
  }
}
