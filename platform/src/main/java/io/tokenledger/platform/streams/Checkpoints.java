package io.tokenledger.platform.streams;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.RecordCollector;

/**
 * A kept store's checkpoints: every so often (the app's {@value #INTERVAL_CONFIG}, 10 s unless
 * set; 0: never) it makes its RocksDB writes durable and writes the changelog offset up to which its local
 * state holds every committed value ({@link StoreOffsetsFile}), so that after a crash Kafka
 * Streams restores only what came after. Each store's first checkpoint falls at a random point of
 * the interval, so that the stores of a task do not all flush at one commit.
 */
final class Checkpoints {
  static final String INTERVAL_CONFIG = StreamsApps.CHECKPOINT_INTERVAL;

  private final StoreOffsetsFile file;
  private InternalProcessorContext<?, ?> context;
  private TopicPartition changelog;
  private long interval;
  private long next;

  Checkpoints(StoreOffsetsFile file) {
    this.file = file;
  }

  /** At the store's init; {@code changelogTopic} null for a store without one (it writes no checkpoint). */
  void init(InternalProcessorContext<?, ?> context, String changelogTopic) {
    this.context = context;
    this.changelog = changelogTopic == null || context.taskId() == null ? null
        : new TopicPartition(changelogTopic, context.taskId().partition());
    interval = StreamsApps.CONFIG.duration(context.appConfigs(), INTERVAL_CONFIG).toMillis();
    next = interval <= 0 ? Long.MAX_VALUE
        : System.currentTimeMillis() + ThreadLocalRandom.current().nextLong(interval) + 1;
  }

  /** Whether a checkpoint is due now (and the next one an interval later). */
  boolean due() {
    long now = System.currentTimeMillis();
    if (changelog == null || now < next) {
      return false;
    }
    next = now + interval;
    return true;
  }

  /**
   * The changelog offset up to which the store's records are in the changelog before its next
   * flush sends any: the last of its records the broker acknowledged (under exactly-once the
   * commit before this flush waited for them all), or, when it has sent none in this run, where
   * its local state was known to be (Kafka Streams' "unknown", negative, for an empty changelog:
   * a restore from its start). Null when neither is known.
   */
  Long loggedUpTo() {
    if (changelog == null) {
      return null;
    }
    if (context instanceof RecordCollector.Supplier supplier && supplier.recordCollector() != null) {
      Long acknowledged = supplier.recordCollector().offsets().get(changelog);
      if (acknowledged != null) {
        return acknowledged;
      }
    }
    return file.known(changelog); // may be Kafka Streams' "unknown" (an empty changelog): restore from its start
  }

  /**
   * Makes what {@code below} wrote durable, then records that its local state holds every
   * committed value up to {@code offset}; nothing when the flush could not be made.
   */
  void write(StateStore below, long offset) {
    if (MemtableFlush.flush(below)) {
      file.checkpoint(Map.of(changelog, offset));
    }
  }
}
