package io.tokenledger.ops.cli;

import io.tokenledger.dashboard.DashboardServer;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Serves the web dashboard in front of the services' query APIs. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = {"Serves the web dashboard (overview, team, economics, alerts, prices, bills) until Ctrl-C/SIGTERM.",
        "It holds no key and reads no topic: each reader signs in with a read key, which the pages send to the",
        "services' query APIs through this server."})
public final class DashboardCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8090", description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--aggregation", defaultValue = "http://127.0.0.1:8089",
      description = "Query API of any aggregation instance (default: ${DEFAULT-VALUE}).")
  URI aggregation;

  @Option(names = "--alerting", defaultValue = "http://127.0.0.1:8092",
      description = "Query API of any alerting instance (default: ${DEFAULT-VALUE}).")
  URI alerting;

  @Option(names = "--economics", defaultValue = "http://127.0.0.1:8091",
      description = "Query API of any economics instance (default: ${DEFAULT-VALUE}).")
  URI economics;

  @Option(names = "--reconciliation", defaultValue = "http://127.0.0.1:8094",
      description = "Query API of any reconciliation instance (default: ${DEFAULT-VALUE}).")
  URI reconciliation;

  @Override
  public Integer call() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    try (DashboardServer server = new DashboardServer(Map.of("aggregation", aggregation, "alerting", alerting,
        "economics", economics, "reconciliation", reconciliation)).start(host, port)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "dashboard-stop"));
      System.out.println("Dashboard on http://" + host + ":" + server.port() + "/ (Ctrl-C to stop)");
      stop.await();
    }
    return 0;
  }
}
