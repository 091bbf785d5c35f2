package io.tokenledger.devtools.bench;

import io.tokenledger.ops.cli.Ports;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** A throwaway dev broker in a JVM of its own, pinned to core 0, on free loopback ports; ready when returned. */
record BrokerJvm(ChildJvm jvm, String bootstrap) implements AutoCloseable {
  static BrokerJvm start(Path dir) throws Exception {
    int port = Ports.free();
    ChildJvm jvm = ChildJvm.start("broker", 0, "1g", dir.resolve("broker.out"), "broker", "--port",
        Integer.toString(port), "--controller-port", Integer.toString(Ports.free()), "--data-dir",
        dir.resolve("broker").toString());
    String bootstrap = "127.0.0.1:" + port;
    try {
      awaitReady(bootstrap);
    } catch (Exception e) {
      jvm.close();
      throw e;
    }
    return new BrokerJvm(jvm, bootstrap);
  }

  private static void awaitReady(String bootstrap) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
        admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
        return;
      } catch (Exception notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the benchmark broker did not start within 60 s", notYet);
        }
        TimeUnit.MILLISECONDS.sleep(500); // polling interval while the broker starts
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }
}
