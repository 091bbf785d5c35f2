package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.request.UsageRequestParser;
import io.tokenledger.ingest.recorder.InvalidUsageException;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One configuration, three places that check events: the recorder, the gateway and the
 * topology accept and refuse the same events, so nothing answered 202 is dead-lettered later.
 */
class ValidationAgreementTest {
  private static final Map<String, Object> CONFIG = Map.of("tokenledger.validation.max-tokens-per-bucket", "1000",
      "tokenledger.validation.max-future-skew", "1m");
  private static final Instant NOW = Instant.now();

  private final Topics topics = Topics.from(Map.of("tokenledger.topic.usage.partitions", "1"));
  @TempDir Path spool;

  @Test
  void recorderGatewayAndTopologyAgreeOnTheConfiguredLimits() throws Exception {
    UsageEvent fits = event("fits", 1_000, NOW);
    UsageEvent tooBig = event("too-big", 1_001, NOW);
    UsageEvent ahead = event("ahead", 10, NOW.plus(Duration.ofMinutes(3))); // within the default 5 m, not 1 m

    try (UsageRecorder recorder = UsageRecorder.builder(topics.usage).producerConfig(CONFIG)
        .producer(new MockProducer<>(true, null, topics.usage.keySerde().serializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer()))
        .spoolDirectory(spool).closeOnShutdown(false).build()) {
      recorder.record(fits);
      assertThrows(InvalidUsageException.class, () -> recorder.record(tooBig), "recorder: too many tokens");
      assertThrows(InvalidUsageException.class, () -> recorder.record(ahead), "recorder: too far ahead");
    }

    UsageRequestParser gateway = new UsageRequestParser(GatewaySettings.from(CONFIG).validation().validator(), 10);
    assertTrue(gateway.parse(json(fits), "support").errors().isEmpty(), "gateway: fits");
    assertEquals("uncached_input_tokens", gateway.parse(json(tooBig), "support").errors().get(0).field());
    assertEquals("event_time", gateway.parse(json(ahead), "support").errors().get(0).field());

    try (TopologyTestDriver driver = new TopologyTestDriver(AggregationApp.buildTopology(topics,
        AggregationSettings.from(CONFIG)), AggregationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
        "unused:9092", StreamsConfig.STATE_DIR_CONFIG, "target/validation-agreement-state")))) {
      var usage = driver.createInputTopic(topics.usage.name(), topics.usage.keySerde().serializer(),
          topics.usage.valueSerde().serializer());
      for (UsageEvent event : List.of(fits, tooBig, ahead)) {
        usage.pipeInput(new TestRecord<>("support", event, NOW)); // produced now
      }
      List<DeadLetter> letters = driver.createOutputTopic(topics.deadLetters.name(),
          topics.deadLetters.keySerde().deserializer(), topics.deadLetters.valueSerde().deserializer())
          .readValuesToList();
      assertEquals(List.of("too-big", "ahead"), letters.stream().map(DeadLetter::getEventId).toList(),
          "the topology refuses exactly what the recorder and gateway refused");
    }
  }

  private static UsageEvent event(String id, long input, Instant at) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam("support").setWorkflow("triage")
        .setService("bot").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(input).build();
  }

  private static byte[] json(UsageEvent e) {
    return ("{\"event_id\":\"" + e.getEventId() + "\",\"event_time\":\"" + e.getEventTime() + "\",\"team\":\"support\","
        + "\"workflow\":\"triage\",\"service\":\"bot\",\"provider\":\"openai\",\"model\":\"gpt-4o\","
        + "\"uncached_input_tokens\":" + e.getUncachedInputTokens() + "}").getBytes(StandardCharsets.UTF_8);
  }
}
