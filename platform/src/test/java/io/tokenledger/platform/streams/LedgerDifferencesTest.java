package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenledger.schemas.ledger.LedgerBuckets;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;

/** A ledger bucket published again is taken by its change only; its first sight in full; a repeat not at all. */
class LedgerDifferencesTest {
  @Test
  void runningTotalsBecomeDifferences() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ledger-differences-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props);
    WindowStore<String, Long> store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore("seen",
        LedgerBuckets.RETENTION, LedgerBuckets.SIZE, false), Serdes.String(), Serdes.Long()).withLoggingDisabled()
        .build();
    store.init(context.getStateStoreContext(), store);
    LedgerDifferences<Long> differences = new LedgerDifferences<>(store, LedgerDifferences.COST);
    long bucket = Instant.parse("2026-12-01T09:15:00Z").toEpochMilli();
    long next = bucket + LedgerBuckets.SIZE.toMillis();

    assertEquals(1_000L, differences.difference("support|triage|gpt-4o", bucket, 1_000L, bucket));
    assertEquals(250L, differences.difference("support|triage|gpt-4o", bucket, 1_250L, bucket));
    assertNull(differences.difference("support|triage|gpt-4o", bucket, 1_250L, bucket), "a repeat changes nothing");
    assertEquals(-50L, differences.difference("support|triage|gpt-4o", bucket, 1_200L, bucket), "a correction down");
    assertEquals(7L, differences.difference("support|triage|gpt-4o", next, 7L, next), "the next bucket is its own");
    assertEquals(3L, differences.difference("finance|triage|gpt-4o", bucket, 3L, bucket), "so is another series");
  }
}
