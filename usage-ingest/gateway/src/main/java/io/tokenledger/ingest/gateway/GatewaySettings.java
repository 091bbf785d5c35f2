package io.tokenledger.ingest.gateway;

import io.tokenledger.ingest.otel.SpanMapping;
import static io.tokenledger.schemas.config.ConfigValues.duration;
import static io.tokenledger.schemas.config.ConfigValues.longValue;

import io.tokenledger.schemas.validation.ValidationSettings;
import java.time.Duration;
import java.util.Map;

/**
 * Limits of the HTTP ingest gateway, from {@code tokenledger.gateway.*} keys.
 *
 * @param maxBodyBytes larger request bodies get 413
 * @param maxEventsPerRequest larger batches get 400
 * @param maxInFlightEvents events waiting for Kafka at once; beyond it requests get 429
 * @param ackTimeout how long a request waits for Kafka before answering 503
 * @param retryAfter what 429 and 503 answers tell clients to wait
 * @param validation the limits events are checked against ({@code tokenledger.validation.*}, as the topology reads them)
 * @param spans where {@code POST /v1/traces} finds a span's team, workflow and service ({@code tokenledger.otel.*})
 */
public record GatewaySettings(long maxBodyBytes, int maxEventsPerRequest, int maxInFlightEvents,
    Duration ackTimeout, Duration retryAfter, ValidationSettings validation, SpanMapping spans) {
  public static final String PREFIX = "tokenledger.gateway.";

  public static GatewaySettings defaults() {
    return from(Map.of());
  }

  public static GatewaySettings from(Map<String, ?> config) {
    return new GatewaySettings(
        longValue(config, PREFIX + "max-body-bytes", 1L << 20),
        (int) longValue(config, PREFIX + "max-events-per-request", 1_000),
        (int) longValue(config, PREFIX + "max-in-flight-events", 50_000),
        duration(config, PREFIX + "ack-timeout", Duration.ofSeconds(15)),
        duration(config, PREFIX + "retry-after", Duration.ofSeconds(2)),
        ValidationSettings.from(config), SpanMapping.from(config));
  }
}
