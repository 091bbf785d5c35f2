package io.tokenledger.aggregation.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Window reads are capped per window size, so that one read key cannot make an instance scan years of minutes. */
class QueryRangeTest {
  private static final String TO = "2026-12-05T00:00:00Z";

  private static UsageQueries.WindowsAsked ask(String window, String from) {
    return UsageQueries.WindowsAsked.of(Map.of("window", window, "from", from, "to", TO));
  }

  @Test
  void eachWindowSizeIsAnsweredUpToItsLimit() {
    assertEquals(Instant.parse("2026-12-03T00:00:00Z"), ask("1m", "2026-12-03T00:00:00Z").from());
    assertEquals(Instant.parse("2026-10-04T00:00:00Z"), ask("1h", "2026-10-04T00:00:00Z").from());
    assertEquals(Instant.parse("2025-10-31T00:00:00Z"), ask("1d", "2025-10-31T00:00:00Z").from());
  }

  @Test
  void aLongerRangeIsRefusedNamingTheLimit() {
    assertEquals("from 2026-12-02T23:59:59Z to 2026-12-05T00:00:00Z is longer than the 2 days that windows of 1m are "
        + "answered for at a time; ask in parts or use a larger window",
        assertThrows(IllegalArgumentException.class, () -> ask("1m", "2026-12-02T23:59:59Z")).getMessage());
    assertEquals("from 2026-10-03T00:00:00Z to 2026-12-05T00:00:00Z is longer than the 62 days that windows of 1h are "
        + "answered for at a time; ask in parts or use a larger window",
        assertThrows(IllegalArgumentException.class, () -> ask("1h", "2026-10-03T00:00:00Z")).getMessage());
    assertEquals("from 0000-01-01T00:00:00Z to 2026-12-05T00:00:00Z is longer than the 400 days that windows of 1d are "
        + "answered for at a time; ask in parts",
        assertThrows(IllegalArgumentException.class, () -> ask("1d", "0000-01-01T00:00:00Z")).getMessage());
  }
}
