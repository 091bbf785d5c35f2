package io.tokenledger.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.UsageAggregate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Records through Avro's JSON encoding come back equal, longs at their extremes included. */
class AvroJsonTest {
  @Test
  void aRecordReadsBackEqual() {
    UsageAggregate bucket = UsageAggregate.newBuilder().setScope("support|triage|gpt-4o").setTeam("support")
        .setWorkflow("triage").setModel("gpt-4o").setWindowStart(Instant.parse("2026-11-30T23:45:00Z"))
        .setWindowEnd(Instant.parse("2026-12-01T00:00:00Z")).setEventCount(3).setRequestCount(3)
        .setUncachedInputTokens(Long.MAX_VALUE).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(1)
        .setReasoningTokens(0).setCostNanoUsd(-9_223_372_036_854_775_807L).setUnpricedEventCount(0).setOutcomeUnits(0)
        .setIsFinal(false).build();
    assertEquals(bucket, AvroJson.decode(AvroJson.encode(bucket), UsageAggregate.class));
  }

  @Test
  void somethingElseIsRefusedNamingTheRecord() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AvroJson.decode("{\"team\": 1}", PriceCorrection.class));
    assertEquals(true, e.getMessage().startsWith("not a PriceCorrection in Avro JSON"), e.getMessage());
  }
}
