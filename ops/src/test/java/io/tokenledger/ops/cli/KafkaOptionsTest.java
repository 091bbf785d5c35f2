package io.tokenledger.ops.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class KafkaOptionsTest {
  @Command(name = "probe")
  static final class Probe {
    @Mixin KafkaOptions kafka;
  }

  @TempDir Path dir;

  @Test
  void theConfigFilesBootstrapServersAreKeptUnlessTheFlagIsGiven() throws Exception {
    Path file = dir.resolve("prod.properties");
    Files.writeString(file, "bootstrap.servers=kafka-1.internal:9094\nsecurity.protocol=SSL\n");

    Probe fromFile = parse("--config", file.toString());
    assertEquals("kafka-1.internal:9094", fromFile.kafka.servers());
    assertEquals("SSL", fromFile.kafka.settings().get("security.protocol"));

    assertEquals("flag:9092", parse("--config", file.toString(), "--bootstrap-servers", "flag:9092").kafka.servers());
    assertEquals("127.0.0.1:9092", parse().kafka.servers(), "the dev broker when nothing names one");
  }

  private static Probe parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe;
  }
}
