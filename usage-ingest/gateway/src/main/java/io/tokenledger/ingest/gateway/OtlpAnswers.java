package io.tokenledger.ingest.gateway;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.tokenledger.ingest.otel.SpanUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * OTLP/HTTP answer bodies, in the encoding of the request as the specification asks: an
 * {@code ExportTraceServiceResponse} (with {@code partial_success} naming what was refused) on
 * success, a {@code google.rpc.Status} on failure.
 */
final class OtlpAnswers {
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";
  private static final int SHOWN = 5;

  private OtlpAnswers() {}

  static byte[] success(boolean protobuf, List<SpanUsage.Rejection> rejections) {
    String message = rejections.isEmpty() ? "" : rejections.size() + " usage span(s) refused: "
        + rejections.stream().limit(SHOWN).map(SpanUsage.Rejection::toString).collect(Collectors.joining("; "))
        + (rejections.size() > SHOWN ? "; ..." : "");
    if (protobuf) {
      ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
      if (!rejections.isEmpty()) {
        response.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejections.size())
            .setErrorMessage(message));
      }
      return response.build().toByteArray();
    }
    // OTLP JSON: lowerCamelCase names, 64-bit integers as strings.
    return (rejections.isEmpty() ? "{}" : "{\"partialSuccess\":{\"rejectedSpans\":\"" + rejections.size()
        + "\",\"errorMessage\":" + quoted(message) + "}}").getBytes(StandardCharsets.UTF_8);
  }

  /** A {@code google.rpc.Status}: {@code code} a gRPC status code (3 invalid argument, 7 denied, 14 unavailable ...). */
  static byte[] status(boolean protobuf, int code, String message) {
    if (!protobuf) {
      return ("{\"code\":" + code + ",\"message\":" + quoted(message) + "}").getBytes(StandardCharsets.UTF_8);
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeString(2, message);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.append('"').toString();
  }
}
