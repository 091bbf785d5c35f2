package io.tokenledger.ops.cli;

import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.reconciliation.service.ReconciliationApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenledger reconciliation}: the service on its own, answering its queries. */
@Command(name = "reconciliation", mixinStandardHelpOptions = true,
    description = "Runs the reconciliation with the providers' bills (/v1/reconciliation, alerts on closed days) until "
        + "Ctrl-C/SIGTERM.")
public final class ReconciliationCommand extends ServiceCommand {
  @Option(names = "--query-endpoint", defaultValue = "127.0.0.1:8094",
      description = "host:port this instance answers /v1/reconciliation on and advertises to the other instances "
          + "(application.server; default: ${DEFAULT-VALUE}). Give each instance its own.")
  String queryEndpoint;

  @Override
  StreamsService service() {
    return ReconciliationApp.SERVICE;
  }

  @Override
  String queryEndpoint() {
    return queryEndpoint;
  }
}
