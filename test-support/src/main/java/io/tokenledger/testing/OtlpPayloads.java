package io.tokenledger.testing;

import java.nio.charset.StandardCharsets;

/**
 * OTLP JSON trace exports as exporters write them (hex ids, 64-bit integers as strings), for
 * tests: {@code export(resource("helpdesk", "support"), span(trace, span, "chat", str(...), integer(...)))}.
 */
public final class OtlpPayloads {
  /** 2026-11-20T10:00:00Z in nanoseconds: the end of every span built here unless given. */
  public static final long END_NANOS = 1_795_168_800_000_000_000L;

  private OtlpPayloads() {}

  public static String export(String resource, String... spans) {
    return "{\"resourceSpans\":[{\"resource\":" + resource + ",\"scopeSpans\":[{\"scope\":{\"name\":"
        + "\"opentelemetry.instrumentation.openai_v2\",\"version\":\"2.1b0\"},\"spans\":[" + String.join(",", spans)
        + "]}]}]}";
  }

  /** A resource with {@code service.name} and, unless null, {@code tokenledger.team}. */
  public static String resource(String service, String team) {
    return "{\"attributes\":[" + str("service.name", service) + (team == null ? "" : "," + str("tokenledger.team", team))
        + "," + str("telemetry.sdk.language", "python") + "]}";
  }

  public static String span(String traceId, String spanId, String name, String... attributes) {
    return spanEndingAt(traceId, spanId, name, END_NANOS, attributes);
  }

  public static String spanEndingAt(String traceId, String spanId, String name, long endNanos, String... attributes) {
    return "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + spanId + "\",\"name\":\"" + name + "\",\"kind\":3,"
        + "\"startTimeUnixNano\":\"" + (endNanos - 1_500_000_000L) + "\",\"endTimeUnixNano\":\"" + endNanos
        + "\",\"attributes\":[" + String.join(",", attributes) + "],\"status\":{}}";
  }

  public static String str(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
  }

  public static String integer(String key, long value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + value + "\"}}";
  }

  public static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
