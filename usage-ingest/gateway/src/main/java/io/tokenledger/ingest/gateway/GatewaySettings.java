package io.tokenledger.ingest.gateway;

import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.ingest.otel.SpanMapping;

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
 * @param admissionTimeout how long {@code POST /v1/admit} waits for the team's task before the
 *     budgets' fail-open/fail-closed choice answers
 */
public record GatewaySettings(long maxBodyBytes, int maxEventsPerRequest, int maxInFlightEvents,
    Duration ackTimeout, Duration retryAfter, ValidationSettings validation, SpanMapping spans,
    Duration admissionTimeout) {
  public static final String PREFIX = "tokenledger.gateway.";

  public static final ConfigDeclaration CONFIG = new ConfigDeclaration("the ingest gateway")
      .whole(PREFIX + "max-body-bytes", 1L << 20, 1_024, Integer.MAX_VALUE, "the largest request body taken (bytes)")
      .whole(PREFIX + "max-events-per-request", 1_000, 1, 1_000_000, "the most events one request may carry")
      .whole(PREFIX + "max-in-flight-events", 50_000, 1, Integer.MAX_VALUE,
          "events accepted but not yet acknowledged by Kafka; beyond it requests get 503 with Retry-After")
      .duration(PREFIX + "ack-timeout", Duration.ofSeconds(15), Duration.ofMillis(100),
          "how long a request waits for Kafka's acknowledgement before 503")
      .duration(PREFIX + "retry-after", Duration.ofSeconds(2), Duration.ofSeconds(1),
          "the Retry-After a 429 or 503 gives")
      .duration(PREFIX + "admission-timeout", Duration.ofSeconds(2), Duration.ofMillis(10),
          "how long POST /v1/admit waits for the team's task before the budgets' fail-open/fail-closed choice answers");

  public static GatewaySettings defaults() {
    return from(Map.of());
  }

  public static GatewaySettings from(Map<String, ?> config) {
    return new GatewaySettings(
        CONFIG.whole(config, PREFIX + "max-body-bytes"),
        (int) CONFIG.whole(config, PREFIX + "max-events-per-request"),
        (int) CONFIG.whole(config, PREFIX + "max-in-flight-events"),
        CONFIG.duration(config, PREFIX + "ack-timeout"),
        CONFIG.duration(config, PREFIX + "retry-after"),
        ValidationSettings.from(config), SpanMapping.from(config),
        CONFIG.duration(config, PREFIX + "admission-timeout"));
  }
}
