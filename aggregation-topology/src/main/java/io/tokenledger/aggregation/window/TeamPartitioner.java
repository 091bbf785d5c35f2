package io.tokenledger.aggregation.window;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.TeamPartitions;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Places a {@code team|workflow|model} key in the partition the default partitioner would give
 * the team alone, so a consumer finds all of a team's keys in one partition.
 */
public final class TeamPartitioner implements StreamPartitioner<String, UsageAggregate> {
  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, UsageAggregate value, int numPartitions) {
    return Optional.of(Set.of(TeamPartitions.partitionOf(key, numPartitions)));
  }
}
