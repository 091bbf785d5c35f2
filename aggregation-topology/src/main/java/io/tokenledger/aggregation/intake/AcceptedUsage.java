package io.tokenledger.aggregation.intake;

import io.tokenledger.schemas.UsageEvent;
import java.util.List;

/**
 * A usage event the intake accepted, with the bytes it came in: the priced usage topic reuses
 * them instead of encoding the event again. Travels between processors of one task, never
 * serialized as such.
 */
public record AcceptedUsage(UsageEvent event, byte[] encoded) {
  /**
   * The accepted events of one usage record, one or more of one team, in the order they came: a
   * record of several events is deduplicated, priced and published as one.
   */
  public record Batch(List<AcceptedUsage> events) {
    /** How the deduplicator reads a batch: each event by its own id and event time. */
    public static final Deduplicator.Events<Batch> EVENTS = new Deduplicator.Events<>() {
      @Override
      public int count(Batch batch) {
        return batch.events.size();
      }

      @Override
      public String id(Batch batch, int index) {
        return batch.events.get(index).event().getEventId();
      }

      @Override
      public long time(Batch batch, int index, long recordTime) {
        return batch.events.get(index).event().getEventTime().toEpochMilli();
      }

      @Override
      public Batch keep(Batch batch, int[] kept, int count) {
        AcceptedUsage[] out = new AcceptedUsage[count];
        for (int i = 0; i < count; i++) {
          out[i] = batch.events.get(kept[i]);
        }
        return new Batch(List.of(out));
      }
    };
  }
}
