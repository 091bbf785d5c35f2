package io.tokenledger.schemas.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition contract of team-keyed topics: a key {@code team} or {@code team|...} lives in
 * the partition the default partitioner gives the team's UTF-8 bytes. Writers of
 * {@code team|workflow|model} topics and readers that need all of a team in one task share it.
 */
public final class TeamPartitions {
  private TeamPartitions() {}

  public static int partitionOf(String key, int numPartitions) {
    String team = SeriesKey.teamOf(key);
    return Utils.toPositive(Utils.murmur2(team.getBytes(StandardCharsets.UTF_8))) % numPartitions;
  }
}
