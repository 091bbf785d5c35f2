package io.tokenledger.devtools.broker;

import io.tokenledger.devtools.broker.DevBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Runs a dev Kafka broker (KRaft, single node) until Ctrl-C/SIGTERM. Its data survives restarts.")
public final class BrokerCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--controller-port", defaultValue = "9093", description = "Controller port (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(names = "--data-dir", defaultValue = ".tokenledger/broker", description = "Data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    DevBroker broker = DevBroker.start(dataDir, "127.0.0.1", port, controllerPort);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stop.countDown();
    }, "broker-stop"));
    System.out.println("Dev Kafka broker ready at " + broker.bootstrapServers() + " (data in " + dataDir.toAbsolutePath()
        + "). Ctrl-C to stop.");
    stop.await();
    return 0;
  }
}
