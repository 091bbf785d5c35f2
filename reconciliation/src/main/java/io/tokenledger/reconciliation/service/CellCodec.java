package io.tokenledger.reconciliation.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.reconciliation.Cell;
import io.tokenledger.reconciliation.LedgerCells;
import io.tokenledger.schemas.topics.JsonArrayKeys;
import java.nio.ByteBuffer;

/**
 * How a cell and team is keyed, and its sums kept, on the reconciliation's topic and store: the
 * key a JSON array {@code [day, provider, model, tier, type, team]} (day first, so a month is a
 * prefix), the value three longs (tokens, nano-USD, events).
 */
final class CellCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CellCodec() {}

  static String key(Cell cell, String team) {
    return JsonArrayKeys.of(cell.day(), cell.provider(), cell.model(), cell.tier(), cell.type(), team);
  }

  /** A provider's day, as the announced alerts are kept: {@code [day, provider]}. */
  static String dayKey(String day, String provider) {
    return JsonArrayKeys.of(day, provider);
  }

  /** What a month's keys start with. */
  static String monthPrefix(java.time.YearMonth month) {
    return "[\"" + month + "-";
  }

  static byte[] value(long tokens, long nanoUsd, long events) {
    return ByteBuffer.allocate(24).putLong(tokens).putLong(nanoUsd).putLong(events).array();
  }

  static long[] sums(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    return new long[] {b.getLong(), b.getLong(), b.getLong()};
  }

  static LedgerCells.Contribution contribution(String key, byte[] value) {
    try {
      JsonNode a = JSON.readTree(key);
      Cell cell = new Cell(a.get(0).asText(), a.get(1).asText(), a.get(2).asText(),
          a.get(3).isNull() ? null : a.get(3).asText(), a.get(4).asText());
      long[] s = sums(value);
      return new LedgerCells.Contribution(cell, a.get(5).asText(), s[0], s[1], s[2]);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reconciliation cell key that is not JSON: " + key, e);
    }
  }
}
