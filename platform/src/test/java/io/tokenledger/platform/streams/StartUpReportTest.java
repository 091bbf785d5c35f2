package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartUpReportTest {
  @Test
  void theLoggedLineReadsBackFromALogWithItsParts() {
    StartUpReport report = new StartUpReport("tokenledger-aggregation", 4_912, 1_830, 3_082, 1_207,
        Map.of("dedup-store", 1_400L, "team-1m-store", 23L, "progress", 0L));
    assertEquals("tokenledger-aggregation running 4912 ms after its JVM started: 1830 ms to main's start of Kafka "
        + "Streams (JVM, topic checks, topology), 3082 ms to RUNNING, of which restoring 1423 records of 3 stores "
        + "took 1207 ms {dedup-store=1400, progress=0, team-1m-store=23}", report.message());
    String log = "2026-12-06 14:02:11,402 INFO  [main] StreamsApps - " + report.message() + "\n"
        + "2026-12-06 14:02:11,403 INFO  [main] later line\n";
    assertEquals(Optional.of(report), StartUpReport.find(log));
    StartUpReport nothingRestored = new StartUpReport("tokenledger-alerting", 3_001, 1_500, 1_501, 0, Map.of());
    assertEquals(Optional.of(nothingRestored), StartUpReport.find(nothingRestored.message()));
  }

  @Test
  void aLogWithoutTheLineHasNoReport() {
    assertEquals(Optional.empty(), StartUpReport.find("INFO state RUNNING\n"));
  }
}
