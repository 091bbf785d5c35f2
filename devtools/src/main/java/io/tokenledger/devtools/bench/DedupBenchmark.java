package io.tokenledger.devtools.bench;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.intake.Deduplicator;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * What the dedup store costs an operator: its size on disk and in its changelog per million
 * event ids, and how long it takes to rebuild from the changelog after an unclean stop under
 * exactly-once (when Kafka Streams wipes the local state). The topology is the aggregation's
 * dedup stage alone, with the same store as {@link AggregationApp} builds.
 */
final class DedupBenchmark {
  record Result(long ids, long storeBytes, long changelogBytes, double processSeconds, double restoreSeconds,
      long restoredRecords) {}

  private DedupBenchmark() {}

  static Topology topology(Topics topics, Duration horizon) {
    Topology topology = new Topology();
    topology.addSource("usage-source", topics.usage.keySerde().deserializer(), topics.usage.valueSerde().deserializer(),
        topics.usage.name());
    topology.addProcessor("usage-dedup", Deduplicator.<UsageEvent>supplier(AggregationApp.DEDUP_STORE, horizon,
        UsageEvent::getEventId), "usage-source");
    return topology;
  }

  static Result run(TopologyBenchmark bench, String bootstrap, Topics topics, long ids, Path stateDir) throws Exception {
    String applicationId = "bench-dedup";
    Properties config = StreamsApps.baseConfig(applicationId, Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()));
    TopologyBenchmark.Run processed = bench.time("dedup", topology(topics, Duration.ofHours(24)), config,
        topics.usage.name(), ids);
    long storeBytes = size(stateDir);
    long changelogBytes;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      String changelog = applicationId + "-" + AggregationApp.DEDUP_STORE + "-changelog";
      changelogBytes = admin.describeLogDirs(admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList())
          .allDescriptions().get().values().stream().flatMap(dirs -> dirs.values().stream())
          .flatMap(dir -> dir.replicaInfos().entrySet().stream())
          .filter(e -> e.getKey().topic().equals(changelog)).mapToLong(e -> e.getValue().size()).sum();
    }
    // An unclean stop under exactly-once: the local state is wiped and rebuilt from the changelog.
    io.tokenledger.platform.process.DirectoryTrees.delete(stateDir);
    AtomicInteger restoring = new AtomicInteger();
    AtomicLong restored = new AtomicLong();
    AtomicLong lastEnd = new AtomicLong();
    KafkaStreams streams = new KafkaStreams(topology(topics, Duration.ofHours(24)), config);
    streams.setGlobalStateRestoreListener(new StateRestoreListener() {
      @Override
      public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
        restoring.incrementAndGet();
      }

      @Override
      public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long count) {
        restored.addAndGet(count);
      }

      @Override
      public void onRestoreEnd(TopicPartition partition, String store, long total) {
        restoring.decrementAndGet();
        lastEnd.set(System.nanoTime());
      }
    });
    long started = System.nanoTime();
    streams.start();
    try {
      // Running with no restoration in flight: every active task has rebuilt its store.
      while (!(streams.state() == KafkaStreams.State.RUNNING && restoring.get() == 0 && lastEnd.get() != 0)) {
        if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(30)) {
          throw new IllegalStateException("the dedup store did not restore within 30 minutes");
        }
        TimeUnit.MILLISECONDS.sleep(100); // polling interval of the restore check
      }
    } finally {
      StreamsApps.close(streams, Duration.ofSeconds(60));
    }
    return new Result(ids, storeBytes, changelogBytes, processed.seconds(), (lastEnd.get() - started) / 1e9,
        restored.get());
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> p.toString().contains(AggregationApp.DEDUP_STORE))
          .mapToLong(p -> p.toFile().length()).sum();
    }
  }

}
