package io.tokenledger.aggregation.intake;

import io.tokenledger.schemas.topics.TeamPartitions;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Places a re-routed usage record, whose key is its team's UTF-8 bytes (the intake checked
 * that), in the team's partition.
 */
public final class TeamKeyPartitioner implements StreamPartitioner<Object, Object> {
  @Override
  public Optional<Set<Integer>> partitions(String topic, Object key, Object value, int numPartitions) {
    String team = new String((byte[]) key, StandardCharsets.UTF_8);
    return Optional.of(Set.of(TeamPartitions.partitionOf(team, numPartitions)));
  }
}
