package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A processor that throws on one record: with tokenledger's base config the record is
 * dead-lettered as PROCESSING_FAILED with its original bytes, and the next record is processed;
 * the stream thread is never failed (so never replaced to replay the same record forever).
 */
class DeadLetterOnFailureTest {
  @Test
  void aRecordAProcessorThrowsOnIsDeadLetteredAndTheNextIsProcessed() {
    Topics topics = Topics.from(Map.of());
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(v -> Long.toString(Math.multiplyExact(Long.parseLong(v), 1_000_000_000L)), Named.as("to-nano"))
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
    Properties config = StreamsApps.baseConfig("dlq-test", Map.of());
    config.remove(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), config)) {
      TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      in.pipeInput("team-a", "9999999999999");  // overflows a long of nano-USD
      in.pipeInput("team-a", "2");

      assertEquals(List.of("2000000000"), driver.createOutputTopic("out", new StringDeserializer(),
          new StringDeserializer()).readValuesToList());
      List<TestRecord<byte[], DeadLetter>> letters = driver.createOutputTopic(topics.deadLetters.name(),
          topics.deadLetters.keySerde().deserializer(), topics.deadLetters.valueSerde().deserializer())
          .readRecordsToList();
      assertEquals(1, letters.size());
      DeadLetter letter = letters.get(0).value();
      assertEquals(DeadLetterOnFailure.REASON, letter.getReasonCode());
      assertTrue(letter.getReason().contains("processor to-nano failed: java.lang.ArithmeticException"), letter.getReason());
      assertEquals("in", letter.getSourceTopic());
      assertEquals(0, letter.getSourceOffset());
      assertEquals("dlq-test", letter.getApplication());
      assertArrayEquals("9999999999999".getBytes(StandardCharsets.UTF_8), letter.getOriginalValue().array());
      assertArrayEquals("team-a".getBytes(StandardCharsets.UTF_8), letters.get(0).key());
    }
  }
}
