package io.tokenledger.economics.baseline;

import io.tokenledger.schemas.HumanBaseline;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The baseline in force for a team's workflow and unit at a time, from the store of every
 * version ({@code BaselineKeys}): a team's own baseline wins over the one for every team; of a
 * scope's versions, the latest {@code effective_from} at or before the time.
 */
public final class BaselineBook {
  private static final StringSerializer KEYS = new StringSerializer();
  private final ReadOnlyKeyValueStore<String, HumanBaseline> versions;

  public BaselineBook(ReadOnlyKeyValueStore<String, HumanBaseline> versions) {
    this.versions = versions;
  }

  public Optional<HumanBaseline> inForce(String workflow, String team, String unit, long timeMillis) {
    Optional<HumanBaseline> own = latest(workflow + '|' + team + '|' + unit + '@', timeMillis);
    return own.isPresent() ? own : latest(workflow + "|*|" + unit + '@', timeMillis);
  }

  private Optional<HumanBaseline> latest(String prefix, long timeMillis) {
    HumanBaseline best = null;
    try (KeyValueIterator<String, HumanBaseline> it = versions.prefixScan(prefix, KEYS)) {
      while (it.hasNext()) {
        KeyValue<String, HumanBaseline> version = it.next();
        HumanBaseline b = version.value;
        long from = b.getEffectiveFrom().toEpochMilli();
        // Checked here too: a global store is restored from its topic without its writer.
        if (from <= timeMillis && BaselineRules.problems(b).isEmpty() && (best == null || from > best.getEffectiveFrom().toEpochMilli())) {
          best = b;
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
