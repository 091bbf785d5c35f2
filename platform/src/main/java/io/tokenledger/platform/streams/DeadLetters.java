package io.tokenledger.platform.streams;

import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.deadletters.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds the dead letter for a rejected input record, keeping its original bytes: one form for every service. */
public final class DeadLetters {
  private DeadLetters() {}

  public static DeadLetter of(ProcessorContext<?, ?> context, Record<byte[], byte[]> record, DeadLetterReason reasonCode,
      String reason, String eventId, String team) {
    RecordMetadata source = context.recordMetadata().orElse(null);
    io.tokenledger.platform.metrics.ServiceMeters.counter("tokenledger.dead.letters",
        "Records sent to the dead-letter topic, by reason", "reason", reasonCode.name(), "application",
        context.applicationId()).increment();
    return DeadLetter.newBuilder()
        .setReasonCode(reasonCode.name())
        .setReason(reason)
        .setEventId(eventId)
        .setTeam(team)
        .setSourceTopic(source == null ? "unknown" : source.topic())
        .setSourcePartition(source == null ? -1 : source.partition())
        .setSourceOffset(source == null ? -1 : source.offset())
        .setOriginalKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
        .setOriginalValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
        .setRecordTimestamp(Instant.ofEpochMilli(Math.max(0, record.timestamp())))
        .setFailedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
        .setApplication(context.applicationId())
        .build();
  }
}
