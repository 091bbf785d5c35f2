package io.tokenledger.ingest.recorder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The recorder's Micrometer meters: {@code tokenledger.recorder.*}. */
final class RecorderMetrics {
  final Counter recorded;
  final Counter sent;
  final Counter failed;
  final Counter spooled;
  final Counter replayed;
  final Counter dropped;
  final Counter quarantinedSegments;
  private final Timer sendLatency;

  RecorderMetrics(MeterRegistry registry, String topic, Supplier<Number> queued, Supplier<Number> spoolBytes) {
    recorded = counter(registry, "recorded", topic, "Valid events accepted by record()");
    sent = counter(registry, "sent", topic, "Events acknowledged by Kafka on first send");
    failed = counter(registry, "failed", topic, "Sends that failed (the event was then spooled or dropped)");
    spooled = counter(registry, "spooled", topic, "Events written to the local spool");
    replayed = counter(registry, "replayed", topic, "Spooled events acknowledged by Kafka on replay");
    dropped = counter(registry, "dropped", topic, "Events lost: spool full or rejected by Kafka for good");
    quarantinedSegments = Counter.builder("tokenledger.recorder.spool.quarantined").tag("topic", topic)
        .description("Damaged spool segments moved to quarantine/ (their unreadable usage is not recorded)")
        .register(registry);
    sendLatency = Timer.builder("tokenledger.recorder.send.latency").tag("topic", topic)
        .description("From hand-off to the producer until Kafka's acknowledgement")
        .publishPercentiles(0.5, 0.99).register(registry);
    Gauge.builder("tokenledger.recorder.queue.size", queued).tag("topic", topic)
        .description("Events waiting for the sender thread").register(registry);
    Gauge.builder("tokenledger.recorder.spool.bytes", spoolBytes).tag("topic", topic)
        .description("Bytes held in the local spool").register(registry);
  }

  void sendLatency(long startNanos) {
    sendLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  private static Counter counter(MeterRegistry registry, String outcome, String topic, String description) {
    return Counter.builder("tokenledger.recorder.events").tag("outcome", outcome).tag("topic", topic)
        .description(description).register(registry);
  }
}
