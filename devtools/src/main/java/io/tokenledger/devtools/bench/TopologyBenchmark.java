package io.tokenledger.devtools.bench;

import io.tokenledger.schemas.tokens.TotalTokens;
import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.ingest.recorder.EventIds;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.TopicSpec;
import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Throughput of the aggregation topology: preload N usage events, then time the application
 * from start until its consumer lag is zero. In the same run, a pass-through exactly-once
 * Streams app over the same topic gives the ceiling of this machine and broker.
 */
final class TopologyBenchmark {
  record Run(String name, long events, double seconds) {
    double eventsPerSecond() {
      return events / seconds;
    }
  }

  private final String bootstrap;
  private final Path stateRoot;

  TopologyBenchmark(String bootstrap, Path stateRoot) {
    this.bootstrap = bootstrap;
    this.stateRoot = stateRoot;
  }

  Topics topics(String prefix, int partitions) {
    return topics(prefix, partitions, null);
  }

  /**
   * The same, reading usage from {@code usageTopic} when not null: an app measured over events
   * another already wrote (the pass-through's input, or a second aggregation over the same events).
   */
  Topics topics(String prefix, int partitions, String usageTopic) {
    Map<String, Object> config = new java.util.HashMap<>(Map.of(Topics.PREFIX_CONFIG, prefix,
        "tokenledger.topic.usage.partitions", partitions, "tokenledger.topic.aggregates.team.1m.partitions", partitions));
    if (usageTopic != null) {
      config.put("tokenledger.topic.usage", usageTopic);
    }
    return Topics.from(config);
  }

  void createTopics(Topics topics, Topic<?, ?>... extra) throws Exception {
    try (Admin admin = admin()) {
      List<Topic<?, ?>> all = new ArrayList<>(topics.all());
      for (Topic<?, ?> topic : extra) {
        if (topic != null) {
          all.add(topic);
        }
      }
      TopicApplier.apply(admin, all);
    }
  }

  /** The benchmark's price list: every model the generated events use. */
  void seedPrices(Topics topics, String[] models) throws Exception {
    try (var prices = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        topics.prices.keySerde().serializer(), topics.prices.valueSerde().serializer())) {
      for (String model : java.util.Arrays.stream(models).map(io.tokenledger.schemas.models.ModelNames::normalise)
          .distinct().toList()) {
        PriceVersion price = PriceVersion.newBuilder().setProvider("bench").setModel(model)
            .setEffectiveFrom(Instant.parse("2025-01-01T00:00:00Z")).setUncachedInputMicroUsdPerMtok(2_500_000)
            .setCacheReadMicroUsdPerMtok(1_250_000).setCacheWriteMicroUsdPerMtok(3_000_000)
            .setOutputMicroUsdPerMtok(10_000_000).setReasoningMicroUsdPerMtok(10_000_000).build();
        prices.send(new ProducerRecord<>(topics.prices.name(), PriceBook.catalogKey(price), price)).get();
      }
    }
  }

  /** Writes {@code count} realistic events (50 teams x 5 workflows x 4 models), event times over the last minutes. */
  Preloaded preload(Topics topics, long count, int teams) throws Exception {
    return preload(topics, count, teams, 5, new String[] {"gpt-4o-2024-08-06", "gpt-4o-mini", "claude-sonnet-4-20250514",
        "gemini-2.5-flash"});
  }

  /** What was preloaded: the figures the team ledger must add up to once all of it is counted. */
  record Preloaded(long events, long tokens) {}

  /** Writes {@code count} events over {@code teams x workflows x models} series, event times over the last 10 minutes. */
  Preloaded preload(Topics topics, long count, int teams, int workflowCount, String[] models) throws Exception {
    return preload(topics, count, teams, workflowCount, models, 1, null, Duration.ofMinutes(10));
  }

  /**
   * The same, event times over the last {@code span}, {@code batch} events of a team to a usage
   * record (a {@code UsageBatch} when more than one, as the recorder sends a busy team's usage);
   * with {@code singles}, every event is also written to that topic as a record of its own (the
   * per-event pass-through's input).
   */
  Preloaded preload(Topics topics, long count, int teams, int workflowCount, String[] models, int batch,
      String singles, Duration span) throws Exception {
    Instant now = Instant.now();
    seedPrices(topics, models);
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.ACKS_CONFIG, "all");
    Random random = new Random(7);
    long tokens = 0;
    long spanMillis = span.toMillis();
    long start = now.toEpochMilli() - spanMillis;
    String topic = topics.usage.name();
    var encoder = topics.usage.valueSerde().serializer();
    Map<String, List<byte[]>> pending = new HashMap<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, topics.usage.keySerde().serializer(),
        Serdes.ByteArray().serializer())) {
      for (long i = 0; i < count; i++) {
        String team = "team-" + random.nextInt(teams);
        UsageEvent event = UsageEvent.newBuilder().setEventId(EventIds.newId()) // fixed-length ids, as in production
            .setEventTime(Instant.ofEpochMilli(start + i * spanMillis / count)).setTeam(team)
            .setWorkflow("workflow-" + random.nextInt(workflowCount)).setService("service-" + random.nextInt(3))
            .setProvider("bench").setModel(models[random.nextInt(models.length)])
            .setUncachedInputTokens(500 + random.nextInt(2000)).setCacheReadTokens(random.nextInt(4000))
            .setOutputTokens(100 + random.nextInt(600)).build();
        tokens += TotalTokens.of(event);
        byte[] encoded = encoder.serialize(topic, event);
        if (singles != null) {
          producer.send(new ProducerRecord<>(singles, team, encoded));
        }
        List<byte[]> teamPending = pending.computeIfAbsent(team, t -> new ArrayList<>(batch));
        teamPending.add(encoded);
        if (teamPending.size() >= batch) {
          sendUsage(producer, topics, team, teamPending);
        }
      }
      for (var entry : pending.entrySet()) {
        sendUsage(producer, topics, entry.getKey(), entry.getValue());
      }
      producer.flush();
    }
    return new Preloaded(count, tokens);
  }

  private static void sendUsage(KafkaProducer<String, byte[]> producer, Topics topics, String team, List<byte[]> events) {
    if (events.isEmpty()) {
      return;
    }
    String topic = topics.usage.name();
    if (events.size() == 1) {
      producer.send(new ProducerRecord<>(topic, team, events.get(0)));
    } else {
      producer.send(new ProducerRecord<>(topic, null, team, topics.usageBatches.encode(topic, events),
          List.of(topics.usageBatches.header())));
    }
    events.clear();
  }

  /**
   * The correctness check of a run: what the per-team 15-minute ledger holds (the latest record
   * of every team and bucket, read_committed), read until it adds up to {@code expected} or
   * {@code timeout} passes, then to the end of the topic, so a figure past the expected one shows.
   * The apps must still run: the last events are published at their next emit.
   */
  Preloaded ledgerTotals(Topics topics, Preloaded expected, Duration timeout) throws Exception {
    String topic = topics.teamLedger15m.name();
    record Bucket(String team, long windowStart) {}
    Map<Bucket, io.tokenledger.schemas.UsageAggregate> latest = new HashMap<>();
    long[] sums = new long[2];
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.<String, Object>of(
        org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        topics.teamLedger15m.keySerde().deserializer(), topics.teamLedger15m.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean reachedExpected = false;
      while (true) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          var value = record.value();
          var previous = latest.put(new Bucket(record.key(), value.getWindowStart().toEpochMilli()), value);
          if (previous != null) {
            sums[0] -= previous.getEventCount();
            sums[1] -= tokens(previous);
          }
          sums[0] += value.getEventCount();
          sums[1] += tokens(value);
        }
        reachedExpected = reachedExpected || (sums[0] == expected.events() && sums[1] == expected.tokens());
        if (reachedExpected || System.nanoTime() > deadline) {
          Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
          if (partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
            return new Preloaded(sums[0], sums[1]);
          }
        }
      }
    }
  }

  private static long tokens(io.tokenledger.schemas.UsageAggregate aggregate) {
    return TotalTokens.of(aggregate);
  }

  /** Times a Streams app from start until its group has committed the end of every input partition. */
  Run time(String name, Topology topology, Properties config, String inputTopic, long events) throws Exception {
    String group = config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    try (Admin admin = admin()) {
      GroupProgress progress = new GroupProgress(admin, group, inputTopic);
      Map<TopicPartition, Long> end = progress.ends();
      KafkaStreams streams = new KafkaStreams(topology, config);
      long started = System.nanoTime();
      streams.start();
      try {
        while (true) {
          if (progress.reached(end)) {
            return new Run(name, events, (System.nanoTime() - started) / 1e9);
          }
          if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(20)) {
            throw new IllegalStateException(name + " did not catch up within 20 minutes");
          }
          TimeUnit.MILLISECONDS.sleep(100); // polling interval of the lag check
        }
      } finally {
        StreamsApps.close(streams, Duration.ofSeconds(60));
      }
    }
  }

  /** A run measured from outside the process: throughput from the slope of committed offsets, and peak memory. */
  record Measured(String name, long events, double wallSeconds, double eventsPerSecond, long peakRssMiB) {}

  /**
   * Watches {@code group} commit its way through {@code inputTopic} while {@code app} (started
   * by the caller, in its own process) runs: samples the committed offsets every 500 ms and
   * takes the throughput from the slope between 10% and 90% of the input, so start-up,
   * rebalance and restore before it, and the tail after it, do not count.
   */
  Measured measure(String name, ChildJvm app, String group, String inputTopic, long events) throws Exception {
    return measure(name, List.of(app), group, inputTopic, events);
  }

  /** The same for the instances of one application; peak memory is the largest of theirs. */
  Measured measure(String name, List<ChildJvm> apps, String group, String inputTopic, long events) throws Exception {
    try (Admin admin = admin()) {
      GroupProgress progress = new GroupProgress(admin, group, inputTopic);
      long total = GroupProgress.sum(progress.ends());
      long started = System.nanoTime();
      double t10 = -1;
      double t90 = -1;
      long c10 = 0;
      long c90 = 0;
      long peak = -1;
      while (true) {
        for (ChildJvm app : apps) {
          if (!app.alive()) {
            throw new IllegalStateException(name + " exited before it caught up; see its log");
          }
          peak = Math.max(peak, app.peakRssMiB());
        }
        long committed = GroupProgress.sum(progress.committed());
        double now = (System.nanoTime() - started) / 1e9;
        if (t10 < 0 && committed >= total / 10) {
          t10 = now;
          c10 = committed;
        }
        if (t90 < 0 && committed >= total * 9 / 10) {
          t90 = now;
          c90 = committed;
        }
        if (committed >= total) {
          // Offsets count records; a record may hold several events (the average is exact: events / records).
          double slope = t90 > t10 ? (c90 - c10) / (t90 - t10) * events / total : events / now;
          return new Measured(name, events, now, slope, peak);
        }
        if (now > TimeUnit.MINUTES.toSeconds(30)) {
          throw new IllegalStateException(name + " did not catch up within 30 minutes");
        }
        TimeUnit.MILLISECONDS.sleep(500); // sampling interval of the committed offsets
      }
    }
  }

  /** The ceiling: read every usage record and write it unchanged, exactly-once. */
  static Topology passThrough(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("bench-source"))
        .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("bench-sink"));
    return builder.build();
  }

  Properties streamsConfig(String applicationId, Map<String, Object> extra) throws Exception {
    return StreamsApps.baseConfig(applicationId, overrides(applicationId, extra));
  }

  /** The aggregation's production configuration (its own defaults included), for this broker. */
  Properties aggregationConfig(String applicationId, Map<String, Object> extra) throws Exception {
    return AggregationApp.config(overrides(applicationId, extra));
  }

  private Map<String, Object> overrides(String applicationId, Map<String, Object> extra) throws Exception {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    overrides.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    overrides.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(stateRoot, applicationId).toString());
    return overrides;
  }

  /** The aggregation topology with its production settings, changed by any {@code tokenledger.aggregation.*} key. */
  static Topology aggregation(Topics topics, Map<String, ?> settings) {
    return AggregationApp.buildTopology(topics, AggregationSettings.from(settings));
  }

  /** The same events as the usage topic, each a record of its own: the per-event pass-through reads it. */
  static Topic<byte[], byte[]> singlesTopic(String prefix, int partitions) {
    return new Topic<>("bench.usage-singles", prefix + "bench.usage-singles", Serdes.ByteArray(), Serdes.ByteArray(),
        TopicSpec.deleteAfter(partitions, Duration.ofDays(1)));
  }

  static Topic<byte[], byte[]> passThroughSink(String prefix, int partitions) {
    return new Topic<>("bench.sink", prefix + "bench.sink", Serdes.ByteArray(), Serdes.ByteArray(),
        TopicSpec.deleteAfter(partitions, Duration.ofDays(1)));
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
