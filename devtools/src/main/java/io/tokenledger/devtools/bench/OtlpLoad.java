package io.tokenledger.devtools.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.concurrent.ThreadLocalRandom;

/**
 * OTLP trace exports shaped like a traced AI service's: traces of {@code spansPerTrace} spans
 * of which {@code genAiPerTrace} are LLM calls with GenAI usage (the conventions' attributes,
 * cache reads included) and the rest HTTP and database spans with their usual attributes. Every
 * export has fresh trace and span ids.
 */
final class OtlpLoad {
  private OtlpLoad() {}

  static ExportTraceServiceRequest export(String team, int traces, int spansPerTrace, int genAiPerTrace) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long end = System.currentTimeMillis() * 1_000_000L;
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int t = 0; t < traces; t++) {
      byte[] traceId = new byte[16];
      random.nextBytes(traceId);
      for (int s = 0; s < spansPerTrace; s++) {
        byte[] spanId = new byte[8];
        random.nextBytes(spanId);
        Span.Builder span = Span.newBuilder().setTraceId(ByteString.copyFrom(traceId))
            .setSpanId(ByteString.copyFrom(spanId)).setStartTimeUnixNano(end - 900_000_000L).setEndTimeUnixNano(end)
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT);
        if (s < genAiPerTrace) {
          span.setName("chat gpt-4o").addAttributes(text("gen_ai.operation.name", "chat"))
              .addAttributes(text("gen_ai.provider.name", "openai")).addAttributes(text("gen_ai.request.model", "gpt-4o"))
              .addAttributes(text("gen_ai.response.model", "gpt-4o-2024-08-06"))
              .addAttributes(number("gen_ai.usage.input_tokens", 2006))
              .addAttributes(number("gen_ai.usage.cache_read.input_tokens", 1920))
              .addAttributes(number("gen_ai.usage.output_tokens", 300))
              .addAttributes(text("server.address", "api.openai.com"));
        } else if (s % 2 == 0) {
          span.setName("GET /tickets/{id}").addAttributes(text("http.request.method", "GET"))
              .addAttributes(text("url.full", "https://tickets.internal/tickets/" + random.nextInt(100_000)))
              .addAttributes(number("http.response.status_code", 200)).addAttributes(text("server.address", "tickets"))
              .addAttributes(text("network.protocol.version", "1.1"));
        } else {
          span.setName("SELECT tickets").addAttributes(text("db.system.name", "postgresql"))
              .addAttributes(text("db.query.text", "SELECT * FROM tickets WHERE id = $1"))
              .addAttributes(text("db.namespace", "helpdesk")).addAttributes(text("server.address", "db"));
        }
        scope.addSpans(span);
      }
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(text("service.name", "helpdesk"))
            .addAttributes(text("tokenledger.team", team)).addAttributes(text("telemetry.sdk.language", "python")))
        .addScopeSpans(scope)).build();
  }

  private static KeyValue text(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue number(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }
}
