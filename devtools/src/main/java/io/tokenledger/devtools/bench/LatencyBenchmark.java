package io.tokenledger.devtools.bench;

import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Freshness of the live aggregates at a steady rate, the topology in a process of its own
 * (started by the caller): events are produced at {@code rate}/s over the given series with
 * event time = now; a read_committed consumer of the per-team 1-minute topic takes, for every
 * live record received after the warm-up, receive time minus the record's timestamp (the newest
 * event time the figure includes). Every 5 s the application's consumer lag is sampled, so a
 * backlog that grows shows, and so does the process's peak resident memory.
 */
final class LatencyBenchmark {
  record Result(long records, long p50Millis, long p99Millis, long maxMillis, long produced, long firstLag,
      long lastLag, long maxLag, long peakRssMiB, String slowest) {
    /** Steady: the lag at the end is no more than two seconds of input above the lag at the start. */
    boolean steady(int rate) {
      return lastLag <= firstLag + 2L * rate;
    }
  }

  /** The series the load spreads over, as {@code bench topology} preloads them. */
  record Series(int teams, int workflows, String[] models) {}

  private LatencyBenchmark() {}

  static Result run(String bootstrap, Topics topics, String group, ChildJvm app, Series series, int rate,
      Duration warmup, Duration measured, java.nio.file.Path samplesFile) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong produced = new AtomicLong();
    Thread producerThread = new Thread(() -> produce(bootstrap, topics, series, rate, running, produced),
        "latency-load");
    producerThread.start();
    List<long[]> samples = new ArrayList<>(); // receive time, latency: when the slow ones happen
    List<Long> lags = new ArrayList<>();
    long peakRss = -1;
    long measureFrom = System.currentTimeMillis() + warmup.toMillis();
    long end = measureFrom + measured.toMillis();
    long nextLagSample = measureFrom;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
         KafkaConsumer<String, UsageAggregate> consumer = new KafkaConsumer<>(Map.of(
             ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG,
             "latency-" + UUID.randomUUID(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
             ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
             topics.teamAggregates1m.keySerde().deserializer(), topics.teamAggregates1m.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.teamAggregates1m.name()));
      GroupProgress backlog = new GroupProgress(admin, group, topics.usage.name());
      while (System.currentTimeMillis() < end) {
        if (!app.alive()) {
          throw new IllegalStateException("the topology exited during the latency run; see its log");
        }
        for (ConsumerRecord<String, UsageAggregate> record : consumer.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          if (now >= measureFrom && !record.value().getIsFinal()) {
            samples.add(new long[] {now, now - record.timestamp(), record.value().getWindowStart().toEpochMilli()});
          }
        }
        if (System.currentTimeMillis() >= nextLagSample) {
          lags.add(backlog.lag());
          peakRss = Math.max(peakRss, app.peakRssMiB());
          nextLagSample += 5_000;
        }
      }
    } finally {
      running.set(false);
      producerThread.join();
    }
    writeSamples(samplesFile, samples);
    long[] sorted = samples.stream().mapToLong(sample -> sample[1]).sorted().toArray();
    return new Result(sorted.length, at(sorted, 0.50), at(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1],
        produced.get(), lags.get(0), lags.get(lags.size() - 1), lags.stream().mapToLong(Long::longValue).max()
        .orElse(0), peakRss, slowest(samples, at(sorted, 0.99)));
  }

  /**
   * Where in the minute the records above the p99 arrived (seconds after the minute began,
   * counted): spikes that gather just after :00 come from closing minute windows; every 10 s,
   * from the per-series emit; anywhere, from pauses (GC, compaction, the machine).
   */
  private static String slowest(List<long[]> samples, long p99) {
    java.util.TreeMap<Long, Integer> bySecond = new java.util.TreeMap<>();
    for (long[] sample : samples) {
      if (sample[1] >= p99) {
        bySecond.merge((sample[0] / 1000) % 60, 1, Integer::sum);
      }
    }
    StringBuilder out = new StringBuilder();
    bySecond.forEach((second, count) -> out.append(out.isEmpty() ? "" : ", ").append(':').append(
        String.format("%02d", second)).append(" x").append(count));
    return out.toString();
  }

  /**
   * Every measured record as {@code receive time (epoch ms),latency ms,window start (epoch ms)}: to
   * match slow records against a recording of the application (JFR, GC log) by wall-clock time,
   * and to tell a minute just ended from the one just begun.
   */
  private static void writeSamples(java.nio.file.Path file, List<long[]> samples) throws java.io.IOException {
    StringBuilder csv = new StringBuilder("received_epoch_ms,latency_ms,window_start_epoch_ms\n");
    for (long[] sample : samples) {
      csv.append(sample[0]).append(',').append(sample[1]).append(',').append(sample[2]).append('\n');
    }
    java.nio.file.Files.writeString(file, csv);
  }

  /** Sends usage events one per record at {@code rate} a second, now-stamped, until {@code running} is false. */
  static void produce(String bootstrap, Topics topics, Series series, int rate, AtomicBoolean running,
      AtomicLong produced) {
    Random random = new Random(3);
    try (KafkaProducer<String, UsageEvent> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer())) {
      long started = System.nanoTime();
      while (running.get()) {
        long due = (System.nanoTime() - started) * rate / 1_000_000_000L;
        while (produced.get() < due) {
          String team = "team-" + random.nextInt(series.teams());
          producer.send(new ProducerRecord<>(topics.usage.name(), team, UsageEvent.newBuilder()
              .setEventId(EventIds.newId()).setEventTime(Instant.now()).setTeam(team)
              .setWorkflow("workflow-" + random.nextInt(series.workflows())).setService("service-" + random.nextInt(3))
              .setProvider("bench").setModel(series.models()[random.nextInt(series.models().length)])
              .setUncachedInputTokens(500 + random.nextInt(2000)).setCacheReadTokens(random.nextInt(4000))
              .setOutputTokens(100 + random.nextInt(600)).build()));
          produced.incrementAndGet();
        }
        pause(1);
      }
    }
  }

  private static long at(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis); // pacing of the load
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
