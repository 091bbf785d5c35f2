package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code tokenledger baselines set|list|delete} against a real broker, reading the baselines topic back. */
@ExtendWith(EmbeddedKafkaExtension.class)
class BaselinesCommandIT {
  @Test
  void keepsEveryVersionExactAndRefusesWhatWouldBeAMistake(EmbeddedKafka kafka) throws Exception {
    String bootstrap = "--bootstrap-servers=" + kafka.bootstrapServers();
    assertEquals(0, Cli.run("baselines", "set", bootstrap, "--workflow", "ticket-triage", "--unit", "ticket",
        "--minutes-per-unit", "12", "--hourly-cost-usd", "50", "--success-rate", "95", "--effective-from",
        "2026-11-01", "--source", "time study Q3", "--set-by", "finance@acme"));
    assertEquals(0, Cli.run("baselines", "set", bootstrap, "--workflow", "ticket-triage", "--unit", "ticket",
        "--minutes-per-unit", "10.5", "--hourly-cost-usd", "$52.25", "--success-rate", "97.5", "--effective-from",
        "2026-11-15", "--source", "time study Q4", "--set-by", "finance@acme", "--turnaround", "4h", "--quality", "80",
        "--quality-loss-allowed", "5", "--time-loss-allowed", "20"));

    Map<String, HumanBaseline> stored = CompactedTopics.readLatest(kafka.bootstrapServers(),
        Topics.defaults().humanBaselines);
    assertEquals(2, stored.size(), "a new version never overwrites the one before: " + stored.keySet());
    HumanBaseline november = stored.get("ticket-triage|*|ticket@2026-11-15T00:00:00Z");
    assertEquals(630, november.getSecondsPerUnit(), "10.5 minutes, exactly");
    assertEquals(52_250_000_000L, november.getLoadedCostNanoUsdPerHour());
    assertEquals(9_750, november.getSuccessRateBasisPoints());
    assertEquals(Instant.parse("2026-11-15T00:00:00Z"), november.getEffectiveFrom());
    assertEquals(14_400L, november.getTurnaroundSecondsPerUnit(), "4 hours from start to done");
    assertEquals(80, november.getQualityScorePercent());
    assertEquals(5, november.getQualityLossAllowedPoints());
    assertEquals(20, november.getTimeLossAllowedPercent());

    String listed = Cli.output("baselines", "list", bootstrap);
    assertTrue(listed.contains("ticket-triage|*|ticket@2026-11-01T00:00:00Z: 12 min per ticket at $50.00/h, a person "
        + "succeeds 95.00%: $10.53 per successful ticket (set by finance@acme; time study Q3)"), listed);
    assertTrue(listed.contains("(set by finance@acme; time study Q4); done in 4h (20% slower allowed); quality 80 (5 "
        + "points lower allowed)"), listed);
    assertEquals(2, Cli.run("baselines", "set", bootstrap, "--workflow", "w", "--unit", "ticket", "--minutes-per-unit",
        "12", "--hourly-cost-usd", "50", "--quality", "120", "--effective-from", "2026-11-01", "--source", "s"),
        "a quality score above 100 is refused");

    assertEquals(2, Cli.run("baselines", "set", bootstrap, "--workflow", "w", "--unit", "ticket", "--minutes-per-unit",
        "12", "--hourly-cost-usd", "104000", "--effective-from", "2026-11-01", "--source", "s"),
        "a yearly salary entered as an hourly cost is refused");
    assertEquals(2, Cli.run("baselines", "set", bootstrap, "--workflow", "w", "--unit", "ticket", "--minutes-per-unit",
        "0.01", "--hourly-cost-usd", "50", "--effective-from", "2026-11-01", "--source", "s"),
        "0.6 s is not a whole number of seconds: refused, not rounded");
    assertEquals(2, Cli.run("baselines", "set", bootstrap, "--workflow", "w", "--unit", "ticket", "--minutes-per-unit",
        "12", "--hourly-cost-usd", "50", "--success-rate", "120", "--effective-from", "2026-11-01", "--source", "s"));

    assertEquals(0, Cli.run("baselines", "delete", bootstrap, "ticket-triage|*|ticket@2026-11-01T00:00:00Z"));
    assertEquals(1, Cli.run("baselines", "delete", bootstrap, "ticket-triage|*|ticket@2026-11-01T00:00:00Z"));
    Map<String, HumanBaseline> after = CompactedTopics.readLatest(kafka.bootstrapServers(),
        Topics.defaults().humanBaselines);
    assertFalse(after.containsKey("ticket-triage|*|ticket@2026-11-01T00:00:00Z"));
    assertEquals(1, after.size());
  }
}
