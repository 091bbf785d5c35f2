package io.tokenledger.ops.bench;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topics;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Freshness of the live aggregates at a steady rate below the maximum: once the app is
 * RUNNING, events are produced at {@code rate}/s with event time = now; a read_committed consumer of the per-team 1-minute
 * topic measures, for every live record, receive time minus the record's timestamp (the
 * newest event time the figure includes). Peak heap and the JVM's peak resident memory are
 * sampled; the broker runs in the same JVM, so resident memory includes it.
 */
final class LatencyBenchmark {
  record Result(long records, long p50Millis, long p99Millis, long maxMillis, long produced, long peakHeapMiB,
      long peakRssMiB) {}

  private LatencyBenchmark() {}

  static Result run(String bootstrap, Topics topics, Path state, int rate, Duration warmup, Duration measured)
      throws Exception {
    Map<String, Object> config = Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(state, "latency").toString(),
        Topics.PREFIX_CONFIG, "bench.");
    KafkaStreams streams = new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(config)),
        AggregationApp.config(config));
    streams.start();
    // Load starts only once the app runs: otherwise the start-up backlog is measured as latency.
    long startDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > startDeadline) {
        throw new IllegalStateException("The topology did not reach RUNNING within 120 s: " + streams.state());
      }
      pause(100);
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong produced = new AtomicLong();
    AtomicLong peakHeap = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (running.get()) {
        peakHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        pause(100);
      }
    });
    Thread producerThread = new Thread(() -> produce(bootstrap, topics, rate, running, produced));
    sampler.start();
    producerThread.start();
    List<Long> latencies = new ArrayList<>();
    long measureFrom = System.currentTimeMillis() + warmup.toMillis();
    long end = measureFrom + measured.toMillis();
    try (KafkaConsumer<String, UsageAggregate> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "latency-" + UUID.randomUUID(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
        topics.teamAggregates1m.keySerde().deserializer(), topics.teamAggregates1m.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.teamAggregates1m.name()));
      while (System.currentTimeMillis() < end) {
        for (ConsumerRecord<String, UsageAggregate> record : consumer.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          if (now >= measureFrom && !record.value().getIsFinal()) {
            latencies.add(now - record.timestamp());
          }
        }
      }
    } finally {
      running.set(false);
      producerThread.join();
      sampler.join();
      StreamsApps.close(streams, Duration.ofSeconds(30));
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    return new Result(sorted.length, at(sorted, 0.50), at(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1],
        produced.get(), peakHeap.get() >> 20, peakRssMiB());
  }

  private static void produce(String bootstrap, Topics topics, int rate, AtomicBoolean running, AtomicLong produced) {
    Random random = new Random(3);
    String[] models = {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4", "gemini-2.5-flash"};
    try (KafkaProducer<String, UsageEvent> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ACKS_CONFIG, "all"),
        topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer())) {
      long started = System.nanoTime();
      while (running.get()) {
        long due = (System.nanoTime() - started) * rate / 1_000_000_000L;
        while (produced.get() < due) {
          String team = "team-" + random.nextInt(50);
          producer.send(new ProducerRecord<>(topics.usage.name(), team, UsageEvent.newBuilder()
              .setEventId(EventIds.newId()).setEventTime(Instant.now()).setTeam(team)
              .setWorkflow("workflow-" + random.nextInt(5)).setService("s").setProvider("bench")
              .setModel(models[random.nextInt(models.length)]).setUncachedInputTokens(1_000 + random.nextInt(1_000))
              .setOutputTokens(200).build()));
          produced.incrementAndGet();
        }
        pause(1);
      }
    }
  }

  private static long at(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  /** VmHWM of this process (Linux): its peak resident memory. */
  private static long peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
        }
      }
    } catch (Exception e) {
      // not Linux: reported as 0
    }
    return 0;
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis); // pacing of the load and the sampler
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
