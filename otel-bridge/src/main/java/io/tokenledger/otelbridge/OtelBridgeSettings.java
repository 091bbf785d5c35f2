package io.tokenledger.otelbridge;

import io.tokenledger.ingest.otel.SpanMapping;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.util.Locale;
import java.util.Map;

/**
 * The bridge's settings, {@code tokenledger.otel.bridge.*}: the Collector's topic
 * ({@code topic}, default {@code otlp_spans}, the Kafka exporter's default, not prefixed) and its
 * encoding ({@code encoding}: {@code auto}, the default, takes a message starting with '{' as
 * OTLP JSON and any other as protobuf; or {@code otlp_proto}, {@code otlp_json}); the span mapping
 * ({@code tokenledger.otel.*}) and validation limits shared with the gateway.
 */
public record OtelBridgeSettings(String topic, Encoding encoding, SpanMapping mapping, ValidationSettings validation) {
  public static final String PREFIX = "tokenledger.otel.bridge.";

  public enum Encoding { AUTO, OTLP_PROTO, OTLP_JSON }

  public static OtelBridgeSettings from(Map<String, ?> config) {
    Object topic = config.get(PREFIX + "topic");
    Object encoding = config.get(PREFIX + "encoding");
    Encoding parsed;
    try {
      parsed = encoding == null ? Encoding.AUTO : Encoding.valueOf(encoding.toString().strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PREFIX + "encoding must be auto, otlp_proto or otlp_json, not '" + encoding
          + "'");
    }
    return new OtelBridgeSettings(topic == null ? "otlp_spans" : topic.toString().strip(), parsed,
        SpanMapping.from(config), ValidationSettings.from(config));
  }
}
