package io.tokenledger.ops.cli;

import io.tokenledger.platform.process.ParentWatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code tokenledger connect}: the Slack sink in a standalone Kafka Connect worker. Connect brings
 * Jetty 12 and the ingest gateway Jetty 11, so the worker runs in a JVM of its own, on the
 * connectors' classpath (the launcher names it in {@value #CLASSPATH_PROPERTY}); this command
 * starts it with the arguments given, passes SIGTERM on, and ends with it.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = {"Runs the Slack sink in a Kafka Connect worker (a JVM of its own: Connect's Jetty cannot share",
        "a classpath with the gateway's). Every option but --worker-help is the worker's: --bootstrap-servers,",
        "--webhooks FILE (team=url lines; webhook URLs are secrets, never arguments), --rest-port, --metrics-port,",
        "--state-dir, --topic-prefix, --dlq-replication-factor, --runbook-base-url. See them with --worker-help."})
public final class ConnectCommand implements Callable<Integer> {
  /** The system property that names the connectors' classpath. */
  public static final String CLASSPATH_PROPERTY = "tokenledger.connect.classpath";
  private static final String WORKER_MAIN = "io.tokenledger.connectors.ConnectCommand";

  @Option(names = "--worker-help", description = "Print the worker's own options.")
  boolean workerHelp;

  @Unmatched
  List<String> workerArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String classpath = System.getProperty(CLASSPATH_PROPERTY);
    if (classpath == null) {
      System.err.println("The connectors' classpath is not known (" + CLASSPATH_PROPERTY + " is not set): run "
          + "'./tokenledger connect', which sets it.");
      return 2;
    }
    Process worker = new ProcessBuilder(workerCommand(classpath, logFile(), workerHelp ? List.of("--help") : workerArgs))
        .inheritIO().start();
    Thread stop = new Thread(() -> {
      worker.destroy(); // SIGTERM: the worker stops its connector and commits offsets
      try {
        worker.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "connect-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    int code = worker.waitFor();
    Runtime.getRuntime().removeShutdownHook(stop);
    return code;
  }

  /** The worker's log: connect.log beside this process's own log file. */
  private static Path logFile() {
    String own = System.getProperty("tokenledger.log.file", ".tokenledger/tokenledger.log");
    return Path.of(own).toAbsolutePath().resolveSibling("connect.log");
  }

  /**
   * The command line of a Connect worker JVM: the connectors' classpath, the worker's log file,
   * and the parent's pid, so that it ends when this process ends, however it ends.
   */
  public static List<String> workerCommand(String classpath, Path logFile, List<String> args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger", ParentWatch.childJvmOption(),
        "-Dtokenledger.log.file=" + logFile, "-cp", classpath, WORKER_MAIN));
    command.addAll(args);
    return command;
  }
}
