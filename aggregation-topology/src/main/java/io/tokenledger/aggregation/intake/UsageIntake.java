package io.tokenledger.aggregation.intake;

import io.tokenledger.platform.streams.IntakeGate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.batches.RecordBatches;
import io.tokenledger.schemas.deadletters.DeadLetterReason;
import io.tokenledger.schemas.serde.UndecodableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import io.tokenledger.schemas.topics.TeamPartitions;
import io.tokenledger.schemas.validation.UsageValidator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step for every usage record: the {@link IntakeGate}, for each event of it (a record is
 * one event, or a batch of them marked by its header). The events that pass go on together,
 * keyed by team with the first one's event time as timestamp; one in another partition than
 * its team's is re-routed there on its own; one that fails goes to the dead-letter sink with the
 * reason and its own bytes, and the others of its batch go on.
 */
public final class UsageIntake implements Processor<byte[], byte[], Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(UsageIntake.class);

  private final RecordBatches<UsageEvent, ?> batches;
  private final IntakeGate<UsageEvent> gate;
  private final Routing routing;
  private final String acceptedChild;
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

  public UsageIntake(RecordBatches<UsageEvent, ?> batches, Deserializer<UsageEvent> decoder,
      UsageValidator validator, Routing routing, String acceptedChild, String rejectedChild) {
    this.batches = batches;
    this.gate = new IntakeGate<>(decoder, rules(validator), ADVICE, routing.partitions(),
        IntakeGate.Placement.REPORT, routing.usageTopic(), rejectedChild);
    this.routing = routing;
    this.acceptedChild = acceptedChild;
  }

  private static final IntakeGate.Advice ADVICE = new IntakeGate.Advice("usage event",
      "the usage topic takes usage events only, it is never compacted, so a null value deletes nothing",
      "use UsageRecorder or set the key to the team", "");

  /** Usage rules: the record's timestamp is when it was produced, and event times may not lie ahead of it. */
  private static IntakeGate.Rules<UsageEvent> rules(UsageValidator validator) {
    return new IntakeGate.Rules<>(UsageEvent::getTeam, UsageEvent::getEventId,
        (event, producedAt) -> UsageValidator.describeOrNull(validator.validate(event, producedAt)));
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    List<AcceptedUsage> accepted;
    switch (batches.kindOf(record.headers())) {
      case SINGLE -> {
        AcceptedUsage one = admit(record);
        accepted = one == null ? List.of() : List.of(one);
      }
      case BATCH -> accepted = admitBatch(record);
      default -> {
        gate.reject(context, record, DeadLetterReason.UNKNOWN_SCHEMA, "Record is a batch of kind '"
            + new String(record.headers().lastHeader(RecordBatches.HEADER).value(), StandardCharsets.UTF_8)
            + "' (header " + RecordBatches.HEADER + "), not a " + batches.batchName()
            + "; upgrade the aggregation or send usage events as single records", null);
        accepted = List.of();
      }
    }
    if (accepted.isEmpty()) {
      return;
    }
    UsageMeters.ACCEPTED.increment(accepted.size());
    UsageEvent first = accepted.get(0).event();
    context.forward(new Record<Object, Object>(first.getTeam(), new AcceptedUsage.Batch(accepted),
        first.getEventTime().toEpochMilli()), acceptedChild);
  }

  /** Each event of a batch through the gate on its own, as a record of its own would go. */
  private List<AcceptedUsage> admitBatch(Record<byte[], byte[]> record) {
    List<byte[]> events;
    try {
      events = batches.split(context.recordMetadata().map(m -> m.topic()).orElse(routing.usageTopic()), record.value());
    } catch (UndecodableException e) {
      gate.reject(context, record, DeadLetterReason.of(e.reason()), e.getMessage(), null);
      return List.of();
    } catch (RuntimeException e) {
      gate.reject(context, record, DeadLetterReason.CORRUPT, "Value does not decode as a " + batches.batchName()
          + " (the record has its header): " + e, null);
      return List.of();
    }
    Headers single = new RecordHeaders(record.headers().toArray()).remove(RecordBatches.HEADER);
    List<AcceptedUsage> accepted = new ArrayList<>(events.size());
    for (byte[] event : events) {
      AcceptedUsage one = admit(new Record<>(record.key(), event, record.timestamp(), single));
      if (one != null) {
        accepted.add(one);
      }
    }
    return accepted;
  }

  /**
   * One event through the gate: accepted, or dead-lettered, or re-sent to its team's partition as
   * a record of its own (an event of a batch too: its bytes are those of a single record).
   */
  private AcceptedUsage admit(Record<byte[], byte[]> record) {
    IntakeGate.Admitted<UsageEvent> admitted = gate.admit(context, record);
    if (admitted == null) {
      return null;
    }
    UsageEvent event = admitted.value();
    if (admitted.misplaced()) {
      // Re-sent as it came (same bytes, produce-time timestamp) within this transaction: counted once, there.
      if (++rerouted == 1 || rerouted % 10_000 == 0) {
        log.info("Usage of team {} arrived in partition {} of {}, not in the team's partition {}; re-routed there "
            + "({} events so far in this task). The producer is not partitioning by the team's murmur2 hash: see "
            + "docs/topics-and-schemas.md on producers outside the JVM.", event.getTeam(),
            context.recordMetadata().get().partition(), routing.usageTopic(),
            TeamPartitions.partitionOf(event.getTeam(), routing.partitions()), rerouted);
      }
      context.forward(record, routing.rerouteChild());
      return null;
    }
    return new AcceptedUsage(event, record.value());
  }
}
