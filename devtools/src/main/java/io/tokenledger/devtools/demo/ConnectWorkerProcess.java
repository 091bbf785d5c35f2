package io.tokenledger.devtools.demo;

import io.tokenledger.ops.cli.ConnectCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tokenledger connect} as a child process, exactly as it runs in production: Connect
 * has its own JVM and classpath (its Jetty 12 cannot share one with the gateway's Jetty 11).
 */
final class ConnectWorkerProcess implements AutoCloseable {
  private final Process process;

  private ConnectWorkerProcess(Process process) {
    this.process = process;
  }

  /** Null when the launcher did not say where the connectors' classpath is. */
  static ConnectWorkerProcess start(String bootstrap, String topicPrefix, Map<String, String> webhooks, Path dir,
      int restPort) throws IOException {
    String classpath = System.getProperty(ConnectCommand.CLASSPATH_PROPERTY);
    if (classpath == null) {
      return null;
    }
    Files.createDirectories(dir);
    Path webhooksFile = dir.resolve("webhooks.properties");
    StringBuilder lines = new StringBuilder("# team=webhook URL; * is the default\n");
    webhooks.forEach((team, url) -> lines.append(team).append('=').append(url).append('\n'));
    Files.writeString(webhooksFile, lines);
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--webhooks", webhooksFile.toString(),
        "--rest-port", Integer.toString(restPort), "--state-dir", dir.resolve("state").toString(),
        "--dlq-replication-factor", "1", "--metrics-port", "0"));
    if (topicPrefix != null) {
      args.add("--topic-prefix");
      args.add(topicPrefix);
    }
    Process process = new ProcessBuilder(ConnectCommand.workerCommand(classpath,
        dir.resolve("connect.log").toAbsolutePath(), args)).redirectErrorStream(true)
        .redirectOutput(dir.resolve("connect.out").toFile()).start();
    return new ConnectWorkerProcess(process);
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGTERM: the worker stops its connector and commits offsets. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
