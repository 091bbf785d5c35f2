package io.tokenledger.schemas.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How a topic is laid out. Replication is not fixed here: it is chosen when the topic is
 * created, as min(desired, brokers), so the same declaration works on a one-node dev broker
 * and a production cluster.
 *
 * @param partitions number of partitions
 * @param compacted cleanup.policy=compact (otherwise delete)
 * @param retention retention for delete topics; ignored when compacted
 */
public record TopicSpec(int partitions, boolean compacted, Duration retention) {
  public static final short DESIRED_REPLICATION = 3;
  public static final int DESIRED_MIN_ISR = 2;

  public static TopicSpec deleteAfter(int partitions, Duration retention) {
    return new TopicSpec(partitions, false, retention);
  }

  public static TopicSpec compacted(int partitions) {
    return new TopicSpec(partitions, true, null);
  }

  public TopicSpec withPartitions(int count) {
    return new TopicSpec(count, compacted, retention);
  }

  /** Topic configs for a cluster with the given replication factor. */
  public Map<String, String> configs(short replication) {
    Map<String, String> configs = new LinkedHashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
        compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
    if (!compacted) {
      configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }
    configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
        Integer.toString(Math.max(1, Math.min(DESIRED_MIN_ISR, replication - 1))));
    return configs;
  }
}
