package io.tokenledger.aggregation.window;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partial sums go to the partition of their key, the way the default partitioner places a
 * String key (so interactive queries find them with the key alone); progress marks go to every
 * partition, because every cross-team task needs every usage partition's progress.
 */
public final class PartialPartitioner implements StreamPartitioner<String, Partial> {
  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, Partial value, int numPartitions) {
    if (value.kind() == Partial.Kind.PROGRESS) {
      return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
    }
    byte[] bytes = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(bytes)) % numPartitions));
  }
}
