package io.tokenledger.otelbridge;

import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.ingest.otel.SpanMapping;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.util.List;
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

  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("the OpenTelemetry bridge")
      .text(PREFIX + "topic", "otlp_spans", "the Collector's Kafka exporter topic of spans")
      .choice(PREFIX + "encoding", "auto", List.of("auto", "otlp_proto", "otlp_json"),
          "how the Collector encodes them (auto tells protobuf from JSON by the first byte)");

  public static OtelBridgeSettings from(Map<String, ?> config) {
    return new OtelBridgeSettings(CONFIG.text(config, PREFIX + "topic"),
        Encoding.valueOf(CONFIG.choice(config, PREFIX + "encoding")), SpanMapping.from(config),
        ValidationSettings.from(config));
  }
}
