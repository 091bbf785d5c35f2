package io.tokenledger.platform.streams;

import io.tokenledger.platform.metrics.ServiceMeters;
import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.deadletters.DeadLetterReason;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Streams app does when a processor throws on a record it did not expect to fail on: the
 * record goes to the dead-letter topic ({@code PROCESSING_FAILED}, with the exception and the
 * original bytes), counted and logged at ERROR, and the app goes on with the next record. Without
 * it, the thread fails, is replaced, and replays the same record forever. Business failures are
 * still dead-lettered by the processors themselves, with reasons of their own; this is the net
 * under them. The dead letter is written in the task's transaction, so it is there exactly once.
 */
public final class DeadLetterOnFailure implements ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterOnFailure.class);
  public static final String REASON = DeadLetterReason.PROCESSING_FAILED.name();

  private Topic<byte[], DeadLetter> deadLetters;
  private String application = "unknown";

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters = Topics.from(configs).deadLetters;
    Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
    application = id == null ? "unknown" : id.toString();
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    ServiceMeters.counter("tokenledger.processing.failures", "Records a processor failed on, dead-lettered and skipped",
        "application", application, "processor", context.processorNodeId()).increment();
    log.error("Processor {} of {} failed on the record at {}-{} offset {} (task {}); it goes to the dead-letter topic "
        + "{} as {} and processing goes on. Look at the exception below, fix the cause, and replay the dead letter "
        + "if it should count", context.processorNodeId(), application, context.topic(), context.partition(),
        context.offset(), context.taskId(), deadLetters.name(), REASON, exception);
    DeadLetter letter = DeadLetter.newBuilder()
        .setReasonCode(REASON)
        .setReason("processor " + context.processorNodeId() + " failed: " + exception)
        .setSourceTopic(context.topic() == null ? "unknown" : context.topic())
        .setSourcePartition(context.partition())
        .setSourceOffset(context.offset())
        .setOriginalKey(context.sourceRawKey() == null ? null : ByteBuffer.wrap(context.sourceRawKey()))
        .setOriginalValue(context.sourceRawValue() == null ? null : ByteBuffer.wrap(context.sourceRawValue()))
        .setRecordTimestamp(Instant.ofEpochMilli(Math.max(0, context.timestamp())))
        .setFailedAt(Instant.now())
        .setApplication(application)
        .build();
    byte[] value = deadLetters.valueSerde().serializer().serialize(deadLetters.name(), letter);
    return Response.resume(List.of(new ProducerRecord<>(deadLetters.name(), null, context.sourceRawKey(), value)));
  }
}
