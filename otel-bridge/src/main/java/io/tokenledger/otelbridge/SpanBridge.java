package io.tokenledger.otelbridge;

import io.tokenledger.schemas.deadletters.DeadLetterReason;

import io.micrometer.core.instrument.Counter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tokenledger.ingest.otel.OtlpFormatException;
import io.tokenledger.ingest.otel.OtlpRequests;
import io.tokenledger.ingest.otel.SpanUsage;
import io.tokenledger.platform.metrics.ServiceMeters;
import io.tokenledger.platform.streams.DeadLetters;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.UsageEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Collector message in (an OTLP trace export), its usage spans out as usage events keyed by
 * team, timestamped at their event time. A message that is not OTLP, and each usage span that
 * cannot be accounted for, goes to the dead-letter topic with the reason; other spans are skipped.
 */
final class SpanBridge implements Processor<byte[], byte[], Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(SpanBridge.class);
  private static final Counter SPANS_USAGE = spans("usage");
  private static final Counter SPANS_IGNORED = spans("ignored");
  private static final Counter SPANS_REJECTED = spans("rejected");

  private final OtelBridgeSettings settings;
  private final SpanUsage spanUsage;
  private final String usageSink;
  private final String deadLetterSink;
  private ProcessorContext<Object, Object> context;

  SpanBridge(OtelBridgeSettings settings, String usageSink, String deadLetterSink) {
    this.settings = settings;
    this.spanUsage = new SpanUsage(settings.mapping(), settings.validation().validator());
    this.usageSink = usageSink;
    this.deadLetterSink = deadLetterSink;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    ExportTraceServiceRequest request;
    try {
      request = decode(record.value());
    } catch (OtlpFormatException e) {
      deadLetter(record, DeadLetterReason.NOT_OTLP, "not an OTLP trace export (" + settings.encoding() + "): " + e.getMessage()
          + "; the Collector's Kafka exporter must send traces with encoding otlp_proto or otlp_json", null, null);
      return;
    }
    SpanUsage.Mapped mapped = spanUsage.map(request, null, context.currentSystemTimeMs());
    SPANS_USAGE.increment(mapped.events().size());
    SPANS_IGNORED.increment(mapped.ignored());
    SPANS_REJECTED.increment(mapped.rejections().size());
    for (UsageEvent event : mapped.events()) {
      context.forward(new Record<Object, Object>(event.getTeam(), event, event.getEventTime().toEpochMilli()),
          usageSink);
    }
    for (SpanUsage.Rejection rejection : mapped.rejections()) {
      deadLetter(record, DeadLetterReason.OTLP_SPAN_REFUSED, rejection.toString(), "otel-" + rejection.traceId() + "-"
          + rejection.spanId(), null);
    }
  }

  private ExportTraceServiceRequest decode(byte[] value) throws OtlpFormatException {
    if (value == null || value.length == 0) {
      throw new OtlpFormatException("the message is empty");
    }
    boolean json = switch (settings.encoding()) {
      case OTLP_JSON -> true;
      case OTLP_PROTO -> false;
      // An export in protobuf starts with field 1's tag (0x0A), one in JSON with '{'.
      case AUTO -> value[0] == '{';
    };
    return json ? OtlpRequests.json(value) : OtlpRequests.protobuf(value);
  }

  private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason code, String reason, String eventId,
      String team) {
    DeadLetter letter = DeadLetters.of(context, record, code, reason, eventId, team);
    log.warn("Dead-lettered from {}-{}@{} ({}): {}", letter.getSourceTopic(), letter.getSourcePartition(),
        letter.getSourceOffset(), code, reason);
    context.forward(new Record<Object, Object>(record.key(), letter, record.timestamp()), deadLetterSink);
  }

  private static Counter spans(String result) {
    return ServiceMeters.counter("tokenledger.otel.bridge.spans", "Spans read from the Collector's topic, by result",
        "result", result);
  }
}
