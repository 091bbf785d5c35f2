package io.tokenledger.reconciliation.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.reconciliation.Cell;
import io.tokenledger.reconciliation.LedgerCells;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

/** A cell's key is JSON however its names are spelt, reads back as it was, and a month's keys share a prefix. */
class CellCodecTest {
  @Test
  void anyNameRoundTripsAndTheMonthIsAPrefix() {
    Cell cell = new Cell("2026-11-03", "openrouter", "anthropic/claude \"3.5\" \\ sonnet\n", null, "output");
    String key = CellCodec.key(cell, "team|with,odd\tnames");
    LedgerCells.Contribution back = CellCodec.contribution(key, CellCodec.value(7, -3, 2));
    assertEquals(new LedgerCells.Contribution(cell, "team|with,odd\tnames", 7, -3, 2), back);
    assertTrue(key.startsWith(CellCodec.monthPrefix(YearMonth.of(2026, 11))), key);
    assertEquals("[\"2026-11-03\",\"openai\",\"gpt-4o\",\"batch\",\"uncached_input\",\"support\"]",
        CellCodec.key(new Cell("2026-11-03", "openai", "gpt-4o", "batch", "uncached_input"), "support"));
  }
}
