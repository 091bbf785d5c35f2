package io.tokenledger.ingest.otel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * OTLP trace exports as the OTLP specification encodes them: binary protobuf
 * ({@code application/x-protobuf}, the Collector's {@code otlp_proto}) or OTLP JSON
 * ({@code application/json}, {@code otlp_json}), which differs from protobuf's own JSON mapping:
 * trace and span ids are hex, enums integers, 64-bit integers strings (or numbers), field names
 * lowerCamelCase (snake_case accepted too). Both become one {@link ExportTraceServiceRequest}.
 */
public final class OtlpRequests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private OtlpRequests() {}

  /** Undoes {@code Content-Encoding: gzip}, refusing more than {@code maxBytes} once inflated. */
  public static byte[] gunzip(byte[] body, int maxBytes) throws OtlpFormatException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      byte[] inflated = in.readNBytes(maxBytes + 1);
      if (inflated.length > maxBytes) {
        throw new OtlpFormatException("the gzip body inflates to more than " + maxBytes + " bytes");
      }
      return inflated;
    } catch (IOException e) {
      throw new OtlpFormatException("Content-Encoding is gzip but the body is not gzip: " + e.getMessage(), e);
    }
  }

  public static ExportTraceServiceRequest protobuf(byte[] body) throws OtlpFormatException {
    try {
      return ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new OtlpFormatException("not an OTLP ExportTraceServiceRequest in protobuf: " + e.getMessage(), e);
    }
  }

  public static ExportTraceServiceRequest json(byte[] body) throws OtlpFormatException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new OtlpFormatException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new OtlpFormatException("an OTLP JSON export is an object with resourceSpans");
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (JsonNode resourceSpans : field(root, "resourceSpans", "resource_spans")) {
      ResourceSpans.Builder rs = request.addResourceSpansBuilder();
      JsonNode resource = resourceSpans.path("resource");
      Resource.Builder r = rs.getResourceBuilder();
      for (JsonNode attribute : resource.path("attributes")) {
        r.addAttributes(keyValue(attribute));
      }
      for (JsonNode scopeSpans : field(resourceSpans, "scopeSpans", "scope_spans")) {
        ScopeSpans.Builder ss = rs.addScopeSpansBuilder();
        JsonNode scope = scopeSpans.path("scope");
        ss.setScope(InstrumentationScope.newBuilder().setName(scope.path("name").asText(""))
            .setVersion(scope.path("version").asText("")));
        for (JsonNode span : scopeSpans.path("spans")) {
          ss.addSpans(span(span));
        }
      }
    }
    return request.build();
  }

  private static Span span(JsonNode span) throws OtlpFormatException {
    Span.Builder s = Span.newBuilder()
        .setTraceId(id(span, "traceId", "trace_id", 16))
        .setSpanId(id(span, "spanId", "span_id", 8))
        .setName(span.path("name").asText(""))
        .setStartTimeUnixNano(uint64(field(span, "startTimeUnixNano", "start_time_unix_nano"), "startTimeUnixNano"))
        .setEndTimeUnixNano(uint64(field(span, "endTimeUnixNano", "end_time_unix_nano"), "endTimeUnixNano"));
    for (JsonNode attribute : span.path("attributes")) {
      s.addAttributes(keyValue(attribute));
    }
    return s.build();
  }

  private static ByteString id(JsonNode span, String name, String snake, int bytes) throws OtlpFormatException {
    String hex = field(span, name, snake).asText("");
    if (hex.isEmpty()) {
      return ByteString.EMPTY;
    }
    if (hex.length() != bytes * 2) {
      throw new OtlpFormatException(name + " must be " + bytes * 2 + " hex digits in OTLP JSON, was '" + hex + "'");
    }
    try {
      return ByteString.copyFrom(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new OtlpFormatException(name + " must be hex in OTLP JSON (not base64), was '" + hex + "'");
    }
  }

  private static long uint64(JsonNode value, String name) throws OtlpFormatException {
    if (value.isMissingNode() || value.isNull()) {
      return 0;
    }
    try {
      return value.isNumber() ? value.longValue() : Long.parseUnsignedLong(value.asText());
    } catch (NumberFormatException e) {
      throw new OtlpFormatException(name + " must be an unsigned 64-bit integer, was '" + value.asText() + "'");
    }
  }

  private static KeyValue keyValue(JsonNode attribute) throws OtlpFormatException {
    return KeyValue.newBuilder().setKey(attribute.path("key").asText("")).setValue(anyValue(attribute.path("value")))
        .build();
  }

  private static AnyValue anyValue(JsonNode value) throws OtlpFormatException {
    AnyValue.Builder v = AnyValue.newBuilder();
    if (value.has("stringValue") || value.has("string_value")) {
      v.setStringValue(field(value, "stringValue", "string_value").asText());
    } else if (value.has("intValue") || value.has("int_value")) {
      JsonNode i = field(value, "intValue", "int_value");
      try {
        v.setIntValue(i.isNumber() ? i.longValue() : Long.parseLong(i.asText()));
      } catch (NumberFormatException e) {
        throw new OtlpFormatException("intValue must be a 64-bit integer, was '" + i.asText() + "'");
      }
    } else if (value.has("doubleValue") || value.has("double_value")) {
      v.setDoubleValue(field(value, "doubleValue", "double_value").asDouble());
    } else if (value.has("boolValue") || value.has("bool_value")) {
      v.setBoolValue(field(value, "boolValue", "bool_value").asBoolean());
    } else if (value.has("arrayValue") || value.has("array_value")) {
      ArrayValue.Builder array = ArrayValue.newBuilder();
      for (JsonNode item : field(value, "arrayValue", "array_value").path("values")) {
        array.addValues(anyValue(item));
      }
      v.setArrayValue(array);
    } else if (value.has("kvlistValue") || value.has("kvlist_value")) {
      KeyValueList.Builder list = KeyValueList.newBuilder();
      for (JsonNode item : field(value, "kvlistValue", "kvlist_value").path("values")) {
        list.addValues(keyValue(item));
      }
      v.setKvlistValue(list);
    } else if (value.has("bytesValue") || value.has("bytes_value")) {
      v.setBytesValue(ByteString.copyFrom(java.util.Base64.getDecoder().decode(
          field(value, "bytesValue", "bytes_value").asText())));
    }
    return v.build();
  }

  private static JsonNode field(JsonNode node, String camel, String snake) {
    return node.has(camel) ? node.get(camel) : node.path(snake);
  }
}
