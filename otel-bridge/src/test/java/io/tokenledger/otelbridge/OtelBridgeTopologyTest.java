package io.tokenledger.otelbridge;

import static io.tokenledger.testing.OtlpPayloads.bytes;
import static io.tokenledger.testing.OtlpPayloads.export;
import static io.tokenledger.testing.OtlpPayloads.integer;
import static io.tokenledger.testing.OtlpPayloads.resource;
import static io.tokenledger.testing.OtlpPayloads.span;
import static io.tokenledger.testing.OtlpPayloads.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.ingest.otel.OtlpRequests;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtelBridgeTopologyTest {
  private static final Instant NOW = Instant.parse("2026-11-20T10:00:03Z");
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private final Topics topics = Topics.defaults();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> spans;
  private TestOutputTopic<String, UsageEvent> usage;
  private TestOutputTopic<byte[], DeadLetter> deadLetters;

  @BeforeEach
  void start() {
    OtelBridgeSettings settings = OtelBridgeSettings.from(Map.of());
    driver = new TopologyTestDriver(OtelBridgeApp.buildTopology(topics, settings), OtelBridgeApp.config(Map.of(
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092", StreamsConfig.STATE_DIR_CONFIG,
        "target/otel-bridge-test-state")), NOW);
    spans = driver.createInputTopic("otlp_spans", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    usage = driver.createOutputTopic(topics.usage.name(), topics.usage.keySerde().deserializer(),
        topics.usage.valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters.name(), topics.deadLetters.keySerde().deserializer(),
        topics.deadLetters.valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void usageSpansOfAProtobufOrJsonMessageBecomeEventsKeyedByTeamAtTheirEventTime() throws Exception {
    String export = export(resource("helpdesk", "support"),
        span(TRACE, "0000000000000001", "chat", str("gen_ai.provider.name", "openai"), str("gen_ai.request.model", "gpt-4o"),
            integer("gen_ai.usage.input_tokens", 2006), integer("gen_ai.usage.cache_read.input_tokens", 1920),
            integer("gen_ai.usage.output_tokens", 300)),
        span(TRACE, "0000000000000002", "GET /tickets", str("http.request.method", "GET")),
        span(TRACE, "0000000000000003", "ChatCompletion", str("tokenledger.team", "growth"), str("llm.provider", "openai"),
            str("llm.model_name", "gpt-4o-mini"), integer("llm.token_count.prompt", 1500),
            integer("llm.token_count.completion", 200), integer("llm.token_count.prompt_details.cache_read", 1000)));
    spans.pipeInput(new byte[0], OtlpRequests.json(bytes(export)).toByteArray(), NOW);
    spans.pipeInput(null, bytes(export), NOW);

    List<TestRecord<String, UsageEvent>> out = usage.readRecordsToList();
    assertEquals(4, out.size(), "two usage spans, protobuf then JSON; the HTTP span skipped");
    assertEquals(List.of("support", "growth", "support", "growth"), out.stream().map(TestRecord::key).toList());
    assertEquals(out.get(0).value(), out.get(2).value(), "the same span in either encoding is the same event");
    UsageEvent support = out.get(0).value();
    assertEquals("otel-" + TRACE + "-0000000000000001", support.getEventId());
    assertEquals(List.of(86L, 1920L, 0L, 300L, 0L), List.of(support.getUncachedInputTokens(),
        support.getCacheReadTokens(), support.getCacheWriteTokens(), support.getOutputTokens(),
        support.getReasoningTokens()));
    assertEquals(Instant.parse("2026-11-20T10:00:00Z"), out.get(0).getRecordTime());
    UsageEvent growth = out.get(1).value();
    assertEquals(List.of(500L, 1000L, 0L, 200L, 0L), List.of(growth.getUncachedInputTokens(),
        growth.getCacheReadTokens(), growth.getCacheWriteTokens(), growth.getOutputTokens(),
        growth.getReasoningTokens()));
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void whatIsNotOtlpAndSpansThatCannotBeCountedAreDeadLetteredWithTheReason() throws Exception {
    spans.pipeInput(new byte[] {1}, bytes("this is a log line, not a trace export"), NOW);
    spans.pipeInput(null, OtlpRequests.json(bytes(export(resource("svc", null),
        span(TRACE, "0000000000000004", "chat", str("gen_ai.provider.name", "openai"),
            str("gen_ai.request.model", "gpt-4o"), integer("gen_ai.usage.input_tokens", 5)),
        span(TRACE, "0000000000000005", "chat", str("tokenledger.team", "support"),
            str("gen_ai.provider.name", "openai"), str("gen_ai.request.model", "gpt-4o"),
            integer("gen_ai.usage.input_tokens", 5))))).toByteArray(), NOW);
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(2, letters.size());
    assertEquals("NOT_OTLP", letters.get(0).getReasonCode());
    assertTrue(letters.get(0).getReason().contains("otlp_proto or otlp_json"), letters.get(0).getReason());
    assertEquals("OTLP_SPAN_REFUSED", letters.get(1).getReasonCode());
    assertEquals("otel-" + TRACE + "-0000000000000004", letters.get(1).getEventId());
    assertTrue(letters.get(1).getReason().contains("no team"), letters.get(1).getReason());
    assertEquals(List.of("otel-" + TRACE + "-0000000000000005"),
        usage.readValuesToList().stream().map(UsageEvent::getEventId).toList(), "the message's good span still counts");
  }
}
