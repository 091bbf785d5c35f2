package io.tokenledger.ops.cli;

import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.platform.service.StreamsService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenledger economics}: the service on its own, answering its queries. */
@Command(name = "economics", mixinStandardHelpOptions = true, description = "Runs the economics (agent or person, Token ROI, model advice) until Ctrl-C/SIGTERM.")
public final class EconomicsCommand extends ServiceCommand {
  @Option(names = "--query-endpoint", defaultValue = "127.0.0.1:8091",
      description = "host:port this instance answers /v1/economics and /v1/advice on and advertises to the other "
          + "instances (application.server; default: ${DEFAULT-VALUE}). Give each instance its own.")
  String queryEndpoint;

  @Override
  StreamsService service() {
    return EconomicsApp.SERVICE;
  }

  @Override
  String queryEndpoint() {
    return queryEndpoint;
  }
}
