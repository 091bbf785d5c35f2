package io.tokenledger.aggregation.intake;

import io.tokenledger.platform.streams.IntakeGate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.TeamPartitions;
import io.tokenledger.schemas.validation.UsageValidator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step for every usage record: the {@link IntakeGate}. A record that passes goes on keyed
 * by team with its event time as timestamp; one in another partition than its team's is
 * re-routed there; one that fails goes to the dead-letter sink with the reason.
 */
public final class UsageIntake implements Processor<byte[], byte[], Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(UsageIntake.class);

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

  public UsageIntake(Deserializer<UsageEvent> decoder, UsageValidator validator, Routing routing,
      String acceptedChild, String rejectedChild) {
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
    IntakeGate.Admitted<UsageEvent> admitted = gate.admit(context, record);
    if (admitted == null) {
      return;
    }
    UsageEvent event = admitted.value();
    if (admitted.misplaced()) {
      // Re-sent as it came (same bytes, produce-time timestamp) within this transaction: counted once, there.
      if (++rerouted == 1 || rerouted % 10_000 == 0) {
        log.info("Usage of team {} arrived in partition {} of {}, not in the team's partition {}; re-routed there "
            + "({} records so far in this task). The producer is not partitioning by the team's murmur2 hash: see "
            + "docs/topics-and-schemas.md on producers outside the JVM.", event.getTeam(),
            context.recordMetadata().get().partition(), routing.usageTopic(),
            TeamPartitions.partitionOf(event.getTeam(), routing.partitions()), rerouted);
      }
      context.forward(record, routing.rerouteChild());
      return;
    }
    UsageMeters.ACCEPTED.increment();
    context.forward(new Record<Object, Object>(event.getTeam(), new AcceptedUsage(event, record.value()),
        event.getEventTime().toEpochMilli(), record.headers()), acceptedChild);
  }
}
