package io.tokenledger.devtools.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.devtools.broker.DevBroker;
import io.tokenledger.ops.cli.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class DevBrokerIT {
  @Test
  void keepsItsTopicsAcrossARestart() throws Exception {
    Path dataDir = Files.createTempDirectory(Path.of("target"), "dev-broker");
    int port = Ports.free();
    int controllerPort = Ports.free();
    try (DevBroker broker = DevBroker.start(dataDir, "127.0.0.1", port, controllerPort);
         Admin admin = admin(broker)) {
      admin.createTopics(List.of(new NewTopic("survives-restart", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    try (DevBroker broker = DevBroker.start(dataDir, "127.0.0.1", port, controllerPort);
         Admin admin = admin(broker)) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertTrue(names.contains("survives-restart"), "topics after restart: " + names);
    }
  }

  @Test
  void refusesADataDirectoryThatAnotherBrokerHolds() throws Exception {
    Path dataDir = Files.createTempDirectory(Path.of("target"), "dev-broker");
    try (DevBroker broker = DevBroker.start(dataDir, "127.0.0.1", Ports.free(), Ports.free());
         Admin admin = admin(broker)) {
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> DevBroker.start(dataDir, "127.0.0.1", Ports.free(), Ports.free()));
      assertEquals("The broker data directory " + dataDir.toAbsolutePath() + " is in use by pid "
          + ProcessHandle.current().pid() + ": another broker runs on it. Stop that one, or give this one another "
          + "--data-dir.", refused.getMessage());
      // The first one was not disturbed.
      admin.createTopics(List.of(new NewTopic("still-served", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static Admin admin(DevBroker broker) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
  }
}
