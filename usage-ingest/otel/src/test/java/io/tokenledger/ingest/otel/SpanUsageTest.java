package io.tokenledger.ingest.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.tokenledger.testing.OtlpPayloads.bytes;
import static io.tokenledger.testing.OtlpPayloads.export;
import static io.tokenledger.testing.OtlpPayloads.integer;
import static io.tokenledger.testing.OtlpPayloads.resource;
import static io.tokenledger.testing.OtlpPayloads.span;
import static io.tokenledger.testing.OtlpPayloads.str;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Spans shaped as each instrumentation emits them (attribute names and value types as exported
 * in OTLP JSON: integers as strings), decoded from JSON and from protobuf, into exact buckets.
 */
class SpanUsageTest {
  private static final long NOW = Instant.parse("2026-11-20T10:00:05Z").toEpochMilli();
  private static final SpanUsage MAPPER = new SpanUsage(SpanMapping.defaults(),
      ValidationSettings.defaults().validator());

  @Test
  void officialGenAiConventionsInputIncludesTheCache() throws Exception {
    UsageEvent e = only(export(resource("helpdesk", "support"), span("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174",
        "chat gpt-4o", str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
        str("gen_ai.request.model", "gpt-4o"), str("gen_ai.response.model", "gpt-4o-2024-08-06"),
        integer("gen_ai.usage.input_tokens", 2006), integer("gen_ai.usage.output_tokens", 300),
        integer("gen_ai.usage.cache_read.input_tokens", 1920), str("server.address", "api.openai.com"))), null);
    assertBuckets(e, 86, 1920, 0, 300, 0);
    assertEquals("otel-5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174", e.getEventId());
    assertEquals(Instant.parse("2026-11-20T10:00:00Z"), e.getEventTime());
    assertEquals("support", e.getTeam());
    assertEquals("helpdesk", e.getService());
    assertEquals("unspecified", e.getWorkflow());
    assertEquals("openai", e.getProvider());
    assertEquals("gpt-4o-2024-08-06", e.getModel());
  }

  @Test
  void anthropicUnderTheCurrentConventionsAndTheMainBranchCacheWriteName() throws Exception {
    UsageEvent current = only(export(resource("writer", "support"), span(TRACE, "0000000000000001", "chat",
        str("gen_ai.provider.name", "anthropic"), str("gen_ai.request.model", "claude-sonnet-4-5"),
        integer("gen_ai.usage.input_tokens", 5000), integer("gen_ai.usage.cache_read.input_tokens", 2000),
        integer("gen_ai.usage.cache_creation.input_tokens", 1000), integer("gen_ai.usage.output_tokens", 40))), null);
    assertBuckets(current, 2000, 2000, 1000, 40, 0);
    UsageEvent main = only(export(resource("writer", "support"), span(TRACE, "0000000000000002", "chat",
        str("gen_ai.provider.name", "anthropic"), str("gen_ai.request.model", "claude-sonnet-4-5"),
        integer("gen_ai.usage.input_tokens", 5000), integer("gen_ai.usage.cache_write.input_tokens", 1000),
        integer("gen_ai.usage.output_tokens", 40), integer("gen_ai.usage.reasoning.output_tokens", 15))), null);
    assertBuckets(main, 4000, 0, 1000, 25, 15);
  }

  @Test
  void deprecatedNamesOfOlderInstrumentationsAnthropicInputHoldsTheCache() throws Exception {
    // As OpenLLMetry 0.47 writes an Anthropic call: gen_ai.system "Anthropic", prompt = input + cache, no total here.
    UsageEvent e = only(export(resource("writer", "support"), span(TRACE, "0000000000000003", "anthropic.chat",
        str("gen_ai.system", "Anthropic"), str("gen_ai.request.model", "claude-3-5-sonnet-20241022"),
        integer("gen_ai.usage.prompt_tokens", 188_107), integer("gen_ai.usage.completion_tokens", 393),
        integer("gen_ai.usage.cache_read.input_tokens", 188086))), null);
    assertBuckets(e, 21, 188086, 0, 393, 0);
    assertEquals("anthropic", e.getProvider());
  }

  @Test
  void openLlmetrySpansTheirTotalSaysWhetherInputHoldsTheCacheBothWays() throws Exception {
    // OpenAI: prompt_tokens includes cached tokens; the total is prompt + completion.
    UsageEvent openai = only(export(resource("triage-svc", "support"), span(TRACE, "0000000000000004", "openai.chat",
        str("gen_ai.system", "openai"), str("llm.request.type", "chat"), str("gen_ai.request.model", "o4-mini"),
        str("gen_ai.response.model", "o4-mini-2025-04-16"), integer("gen_ai.usage.prompt_tokens", 1200),
        integer("gen_ai.usage.completion_tokens", 350), integer("llm.usage.total_tokens", 1550),
        integer("gen_ai.usage.cache_read_input_tokens", 1024), integer("gen_ai.usage.reasoning_tokens", 100),
        str("traceloop.workflow.name", "ticket-triage"))), null);
    assertBuckets(openai, 176, 1024, 0, 250, 100);
    assertEquals("ticket-triage", openai.getWorkflow());
    // Anthropic, prompt_tokens as Anthropic reports it (without the cache): the total adds the cache.
    UsageEvent exclusive = only(export(resource("writer", "support"), span(TRACE, "0000000000000005",
        "anthropic.chat", str("gen_ai.system", "Anthropic"), str("gen_ai.request.model", "claude-sonnet-4-5"),
        integer("gen_ai.usage.prompt_tokens", 30), integer("gen_ai.usage.completion_tokens", 200),
        integer("gen_ai.usage.cache_read_input_tokens", 5000), integer("gen_ai.usage.cache_creation_input_tokens", 0),
        integer("llm.usage.total_tokens", 5230))), null);
    assertBuckets(exclusive, 30, 5000, 0, 200, 0);
    // The same call with prompt_tokens summed by the instrumentation: the total is prompt + completion.
    UsageEvent inclusive = only(export(resource("writer", "support"), span(TRACE, "0000000000000006",
        "anthropic.chat", str("gen_ai.system", "Anthropic"), str("gen_ai.request.model", "claude-sonnet-4-5"),
        integer("gen_ai.usage.prompt_tokens", 5030), integer("gen_ai.usage.completion_tokens", 200),
        integer("gen_ai.usage.cache_read_input_tokens", 5000), integer("llm.usage.total_tokens", 5230))), null);
    assertBuckets(inclusive, 30, 5000, 0, 200, 0);
  }

  @Test
  void openInferenceSpansPromptIsTheWholePrompt() throws Exception {
    UsageEvent e = only(export(resource("rag-api", "growth"), span(TRACE, "0000000000000007", "ChatCompletion",
        str("openinference.span.kind", "LLM"), str("llm.provider", "openai"), str("llm.system", "openai"),
        str("llm.model_name", "gpt-4o-mini"), integer("llm.token_count.prompt", 1500),
        integer("llm.token_count.completion", 200), integer("llm.token_count.total", 1700),
        integer("llm.token_count.prompt_details.cache_read", 1000),
        integer("llm.token_count.completion_details.reasoning", 50))), null);
    assertBuckets(e, 500, 1000, 0, 150, 50);
    assertEquals("growth", e.getTeam());
    assertEquals("gpt-4o-mini", e.getModel());
  }

  @Test
  void spansWithoutUsageAreSkippedAndTheSameSpanTwiceIsOneEventId() throws Exception {
    String usage = span(TRACE, "0000000000000008", "chat", str("gen_ai.provider.name", "openai"),
        str("gen_ai.request.model", "gpt-4o"), integer("gen_ai.usage.input_tokens", 10),
        integer("gen_ai.usage.output_tokens", 1));
    String http = span(TRACE, "0000000000000009", "GET /tickets", str("http.request.method", "GET"),
        integer("http.response.status_code", 200));
    String db = span(TRACE, "000000000000000a", "SELECT tickets", str("db.system.name", "postgresql"));
    SpanUsage.Mapped mapped = MAPPER.map(OtlpRequests.json(bytes(export(resource("helpdesk", "support"), usage,
        http, db, usage))), null, NOW);
    assertEquals(4, mapped.spans());
    assertEquals(2, mapped.ignored());
    assertEquals(2, mapped.events().size());
    assertEquals(mapped.events().get(0).getEventId(), mapped.events().get(1).getEventId(),
        "the aggregation's dedup counts it once");
  }

  @Test
  void theKeysTeamBindsSpansClaimingAnotherAreRefusedTheRestGoThrough() throws Exception {
    String own = span(TRACE, "000000000000000b", "chat", str("gen_ai.provider.name", "openai"),
        str("gen_ai.request.model", "gpt-4o"), integer("gen_ai.usage.input_tokens", 10));
    String other = span(TRACE, "000000000000000c", "chat", str("tokenledger.team", "finance"),
        str("gen_ai.provider.name", "openai"), str("gen_ai.request.model", "gpt-4o"),
        integer("gen_ai.usage.input_tokens", 10));
    SpanUsage.Mapped mapped = MAPPER.map(OtlpRequests.json(bytes(export(resource("svc", null), own, other))),
        "support", NOW);
    assertEquals(1, mapped.events().size());
    assertEquals("support", mapped.events().get(0).getTeam(), "no team attribute: the key's");
    assertEquals(1, mapped.rejections().size());
    SpanUsage.Rejection refused = mapped.rejections().get(0);
    assertEquals("000000000000000c", refused.spanId());
    assertTrue(refused.reason().contains("team 'finance'") && refused.reason().contains("'support' only"),
        refused.reason());
    // On the Collector's topic there is no key: a span must name its team.
    SpanUsage.Mapped noTeam = MAPPER.map(OtlpRequests.json(bytes(export(resource("svc", null), own))), null, NOW);
    assertTrue(noTeam.rejections().get(0).reason().startsWith("no team"), noTeam.rejections().toString());
  }

  @Test
  void aUsageSpanWithBadCountsIsRefusedNamingTheAttribute() throws Exception {
    SpanUsage.Mapped mapped = MAPPER.map(OtlpRequests.json(bytes(export(resource("svc", "support"),
        span(TRACE, "000000000000000d", "chat", str("gen_ai.provider.name", "openai"),
            str("gen_ai.request.model", "gpt-4o"), integer("gen_ai.usage.input_tokens", 10),
            integer("gen_ai.usage.cache_read.input_tokens", 20))))), null, NOW);
    assertEquals(0, mapped.events().size());
    assertTrue(mapped.rejections().get(0).reason().contains("gen_ai.usage.input_tokens"),
        mapped.rejections().toString());
  }

  @Test
  void protobufAndJsonGiveTheSameEvents() throws Exception {
    byte[] json = bytes(export(resource("triage-svc", "support"), span(TRACE, "000000000000000e", "openai.chat",
        str("gen_ai.system", "openai"), str("gen_ai.request.model", "gpt-4o"), integer("gen_ai.usage.prompt_tokens", 1200),
        integer("gen_ai.usage.completion_tokens", 350), str("tokenledger.work_item_id", "T-42"),
        str("tokenledger.variant", "prompt-v8"))));
    ExportTraceServiceRequest fromJson = OtlpRequests.json(json);
    ExportTraceServiceRequest fromProtobuf = OtlpRequests.protobuf(fromJson.toByteArray());
    assertEquals(fromJson, fromProtobuf);
    UsageEvent e = only(new String(json, StandardCharsets.UTF_8), null);
    assertEquals(e, MAPPER.map(fromProtobuf, null, NOW).events().get(0));
    assertEquals("T-42", e.getWorkItemId());
    assertEquals("prompt-v8", e.getVariant());
  }

  @Test
  void malformedExportsAreFormatErrors() {
    assertThrows(OtlpFormatException.class, () -> OtlpRequests.json(bytes("not json")));
    assertThrows(OtlpFormatException.class, () -> OtlpRequests.json(bytes("[1, 2]")));
    var base64Ids = assertThrows(OtlpFormatException.class, () -> OtlpRequests.json(bytes(export(resource("s", "t"),
        span("W47/95gDgQPSabYzgT/GDA==", "7uGbfsPBsXQ=", "x")))));
    assertTrue(base64Ids.getMessage().contains("hex"), base64Ids.getMessage());
    assertThrows(OtlpFormatException.class, () -> OtlpRequests.protobuf(new byte[] {(byte) 0xff, 0x01, 0x02}));
    assertThrows(OtlpFormatException.class, () -> OtlpRequests.gunzip(bytes("plain"), 1000));
  }

  // --- OTLP JSON, as exporters write it ---

  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  private static UsageEvent only(String export, String boundTeam) throws OtlpFormatException {
    SpanUsage.Mapped mapped = MAPPER.map(OtlpRequests.json(bytes(export)), boundTeam, NOW);
    assertEquals(List.of(), mapped.rejections());
    assertEquals(1, mapped.events().size());
    return mapped.events().get(0);
  }

  private static void assertBuckets(UsageEvent e, long uncached, long cacheRead, long cacheWrite, long output,
      long reasoning) {
    assertEquals(List.of(uncached, cacheRead, cacheWrite, output, reasoning), List.of(e.getUncachedInputTokens(),
        e.getCacheReadTokens(), e.getCacheWriteTokens(), e.getOutputTokens(), e.getReasoningTokens()));
    assertNull(e.getOutcomeUnits());
  }
}
