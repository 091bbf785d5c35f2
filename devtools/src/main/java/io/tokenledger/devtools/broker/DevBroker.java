package io.tokenledger.devtools.broker;

import io.tokenledger.platform.process.DirectoryLock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) in this JVM, with its
 * data in a directory that survives restarts. For development and the demo; production
 * runs a real cluster.
 */
public final class DevBroker implements AutoCloseable {
  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final DirectoryLock lock;

  private DevBroker(KafkaRaftServer server, String bootstrapServers, DirectoryLock lock) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.lock = lock;
  }

  /**
   * Formats the data directory on first use (keeping an existing one) and starts the broker.
   * Refuses a directory that another broker holds: two brokers on one log directory fail each
   * other's disks.
   */
  public static DevBroker start(Path dataDir, String host, int port, int controllerPort) throws IOException {
    DirectoryLock lock;
    try {
      lock = DirectoryLock.acquire(dataDir, "broker.lock");
    } catch (DirectoryLock.HeldException e) {
      throw new IllegalStateException("The broker data directory " + dataDir.toAbsolutePath() + " is in use by "
          + (e.holder().isEmpty() ? "another process" : "pid " + e.holder())
          + ": another broker runs on it. Stop that one, or give this one another --data-dir.");
    }
    try {
      return start(dataDir, host, port, controllerPort, lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static DevBroker start(Path dataDir, String host, int port, int controllerPort, DirectoryLock lock)
      throws IOException {
    Properties props = serverProperties(dataDir, host, port, controllerPort);
    Path config = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "Written by tokenledger broker; edit and restart to change");
    }
    ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
    int formatted = StorageTool.execute(new String[] {"format", "-t", clusterId(dataDir), "-c", config.toString(),
        "--ignore-formatted"}, new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
    if (formatted != 0) {
      throw new IllegalStateException("Formatting the broker's storage in " + dataDir + " failed: "
          + formatOutput.toString(StandardCharsets.UTF_8) + " Delete the directory to start afresh.");
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    return new DevBroker(server, host + ":" + port, lock);
  }

  static Properties serverProperties(Path dataDir, String host, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toAbsolutePath().toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    return p;
  }

  /** The cluster id is chosen once per data directory and kept beside it. */
  private static String clusterId(Path dataDir) throws IOException {
    Path file = dataDir.resolve("cluster.id");
    if (Files.exists(file)) {
      return Files.readString(file).strip();
    }
    String id = Uuid.randomUuid().toString();
    Files.writeString(file, id);
    return id;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    try {
      lock.close();
    } catch (IOException e) {
      // The OS releases it when the process ends.
    }
  }
}
