package io.tokenledger.aggregation.intake;

import io.tokenledger.platform.streams.DeadLetters;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.serde.UndecodableException;
import io.tokenledger.schemas.topics.TeamPartitions;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step for every input record: decode, validate, check the key contract. A record
 * that passes goes on keyed by team with its event time as timestamp; one that fails goes
 * to the dead-letter sink with the reason. Bad data never stops the topology.
 */
public final class UsageIntake implements Processor<byte[], byte[], Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(UsageIntake.class);

  private final Deserializer<UsageEvent> decoder;
  private final UsageValidator validator;
  private final Routing routing;
  private final String acceptedChild;
  private final String rejectedChild;
  private ProcessorContext<Object, Object> context;
  private long rerouted;

  /**
   * Where a team's usage belongs: all of a team's records are counted in the task of the
   * partition {@link TeamPartitions} gives the team. A record read from {@code usageTopic} in
   * another partition (its producer used another partitioner) goes, unchanged, to
   * {@code rerouteChild}, which writes it to that partition of the reroute topic, read by the
   * same tasks; records read from the reroute topic are already where they belong.
   */
  public record Routing(String usageTopic, int partitions, String rerouteChild) {}

  public UsageIntake(Deserializer<UsageEvent> decoder, UsageValidator validator, Routing routing,
      String acceptedChild, String rejectedChild) {
    this.decoder = decoder;
    this.validator = validator;
    this.routing = routing;
    this.acceptedChild = acceptedChild;
    this.rejectedChild = rejectedChild;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    UsageEvent event;
    try {
      event = decoder.deserialize(null, record.value());
    } catch (UndecodableException e) {
      reject(record, e.reason().name(), e.getMessage(), null, null);
      return;
    } catch (RuntimeException e) {
      reject(record, UndecodableException.Reason.CORRUPT.name(), "Value does not decode as a UsageEvent: " + e, null, null);
      return;
    }
    if (event == null) {
      reject(record, "TOMBSTONE", "Value is null (a tombstone); the usage topic takes usage events only, it is "
          + "never compacted, so a null value deletes nothing", null, null);
      return;
    }
    // The record's timestamp is when it was produced: event times may not lie ahead of it.
    List<Violation> violations = validator.validate(event, record.timestamp());
    if (!violations.isEmpty()) {
      reject(record, "INVALID", UsageValidator.describe(violations), event.getEventId(), event.getTeam());
      return;
    }
    long eventTime = event.getEventTime().toEpochMilli();
    byte[] team = event.getTeam().getBytes(StandardCharsets.UTF_8);
    if (!Arrays.equals(team, record.key())) {
      reject(record, "KEY_MISMATCH", "Record key must be the event's team '" + event.getTeam()
          + "' (UTF-8) but was " + describeKey(record.key()) + "; use UsageRecorder or set the key to the team",
          event.getEventId(), event.getTeam());
      return;
    }
    if (misplaced(event.getTeam())) {
      // Re-sent as it came (same bytes, produce-time timestamp) within this transaction: counted once, there.
      if (++rerouted == 1 || rerouted % 10_000 == 0) {
        log.info("Usage of team {} arrived in partition {} of {}, not in the team's partition {}; re-routed there "
            + "({} records so far in this task). The producer is not partitioning by the team's murmur2 hash: see "
            + "docs/topics-and-schemas.md on producers outside the JVM.", event.getTeam(), context.recordMetadata().get().partition(),
            routing.usageTopic(), TeamPartitions.partitionOf(event.getTeam(), routing.partitions()), rerouted);
      }
      context.forward(record, routing.rerouteChild());
      return;
    }
    UsageMeters.ACCEPTED.increment();
    context.forward(new Record<Object, Object>(event.getTeam(), event, eventTime, record.headers()), acceptedChild);
  }

  private boolean misplaced(String team) {
    RecordMetadata source = context.recordMetadata().orElse(null);
    return source != null && source.topic().equals(routing.usageTopic())
        && source.partition() != TeamPartitions.partitionOf(team, routing.partitions());
  }

  /** A key as an operator can recognise it: its text when it is UTF-8, else its bytes in hex. */
  static String describeKey(byte[] key) {
    if (key == null) {
      return "no key (null)";
    }
    try {
      return "'" + StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(key)) + "'";
    } catch (java.nio.charset.CharacterCodingException e) {
      return "the bytes 0x" + java.util.HexFormat.of().formatHex(key);
    }
  }

  private void reject(Record<byte[], byte[]> record, String code, String reason, String eventId, String team) {
    var letter = DeadLetters.of(context, record, code, reason, eventId, team);
    log.warn("Dead-lettered usage record {}-{}@{} ({}): {}", letter.getSourceTopic(), letter.getSourcePartition(),
        letter.getSourceOffset(), code, reason);
    context.forward(new Record<Object, Object>(record.key(), letter, record.timestamp()), rejectedChild);
  }
}
