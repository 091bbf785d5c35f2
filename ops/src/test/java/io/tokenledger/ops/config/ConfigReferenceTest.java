package io.tokenledger.ops.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The configuration reference is the declarations' own; an undeclared key warns; a value out of range stops. */
class ConfigReferenceTest {
  private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

  @TempDir Path dir;

  @Test
  void theReferencePageIsGeneratedFromTheDeclarations() throws Exception {
    String generated = ConfigReference.markdown();
    if (Boolean.getBoolean("tokenledger.snapshots.update")) {
      Files.writeString(REFERENCE, generated);
    }
    assertEquals(generated, Files.readString(REFERENCE), "docs/configuration.md differs from the declarations: run "
        + "mvn -pl ops test -Dtest=ConfigReferenceTest -Dtokenledger.snapshots.update=true and commit it");
  }

  @Test
  void anUndeclaredKeyIsNamedWithTheNearestDeclaredOne() {
    Map<String, Object> settings = Map.of("bootstrap.servers", "kafka:9092", "tokenledger.aggregation.grase", "2m",
        "tokenledger.aggregation.grace", "1m", "tokenledger.topic.usage.partitions", "12",
        "tokenledger.topic.usgae.partitions", "12", "tokenledger.economics.zone", "Europe/Berlin");
    assertEquals(List.of(
        "Unknown setting tokenledger.aggregation.grase is ignored; did you mean tokenledger.aggregation.grace? (the "
            + "keys are in docs/configuration.md)",
        "Unknown setting tokenledger.topic.usgae.partitions is ignored; did you mean "
            + "tokenledger.topic.<logical name>.partitions? (the keys are in docs/configuration.md)"),
        ConfigReference.unknownKeys(settings));
  }

  @Command(name = "probe")
  static final class Probe {
    @Mixin io.tokenledger.ops.cli.KafkaOptions kafka;
  }

  @Test
  void everyCommandWarnsOnceAboutTheUndeclaredKeysOfItsConfigFile() throws Exception {
    Path file = dir.resolve("prod.properties");
    Files.writeString(file, "bootstrap.servers=kafka:9092\ntokenledger.alerting.forcast-refire-interval=2h\n");
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs("--config", file.toString());
    try (LogCapture log = new LogCapture()) {
      probe.kafka.settings();
      probe.kafka.settings();
      assertEquals(1, log.find(Level.WARN, "Unknown setting tokenledger.alerting.forcast-refire-interval is ignored; did you "
          + "mean tokenledger.alerting.forecast-refire-interval?").size(), log.lines().toString());
    }
  }

  @Test
  void aValueOutOfItsRangeStopsWithTheKeyAndTheRange() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AggregationSettings.from(Map.of("tokenledger.aggregation.dedup-horizon", "10s")));
    assertTrue(e.getMessage().startsWith("tokenledger.aggregation.dedup-horizon=10s is out of range: it must be at "
        + "least 1m"), e.getMessage());
    assertEquals(Duration.ofHours(24), AggregationSettings.defaults().dedupHorizon());
  }
}
