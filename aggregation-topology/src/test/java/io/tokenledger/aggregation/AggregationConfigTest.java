package io.tokenledger.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class AggregationConfigTest {
  @Test
  void aStreamThreadPerCoreUnlessTheOperatorSaysOtherwise() {
    assertEquals(Runtime.getRuntime().availableProcessors(),
        AggregationApp.config(Map.of()).get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
    assertEquals("3", AggregationApp.config(Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "3"))
        .get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
  }

  @Test
  void exactlyOnceAndTheFallbackCommitStay() {
    assertEquals(StreamsConfig.EXACTLY_ONCE_V2,
        AggregationApp.config(Map.of()).get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    assertEquals(AggregationApp.FALLBACK_COMMIT_INTERVAL_MS,
        AggregationApp.config(Map.of()).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
  }
}
