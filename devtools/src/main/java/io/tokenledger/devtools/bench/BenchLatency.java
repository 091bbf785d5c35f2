package io.tokenledger.devtools.bench;

import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench latency}: freshness of the live aggregates at half the measured maximum. */
@Command(name = "latency", mixinStandardHelpOptions = true,
    description = {"Freshness of the live per-team aggregates at a steady rate: event time to a read_committed",
        "consumer, p50/p99/max, with the backlog sampled every 5 s and the topology's peak resident memory. The",
        "broker and the topology each run in a JVM of their own (cores 0 and 1). By default the rate is half of",
        "the topology's maximum, measured first in the same run as bench topology measures it."})
final class BenchLatency implements Callable<Integer> {
  @Option(names = "--rate", defaultValue = "0",
      description = "Events per second; 0 measures the maximum first and uses half of it (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--calibration-events", defaultValue = "2000000",
      description = "Events preloaded to measure the maximum (default: ${DEFAULT-VALUE}).")
  long calibrationEvents;

  @Option(names = "--minutes", defaultValue = "5", description = "Measured minutes (default: ${DEFAULT-VALUE}).")
  int minutes;

  @Option(names = "--warmup", defaultValue = "60", description = "Warm-up seconds under load (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--app-jvm-option", description = "An option for the aggregation's JVM (repeatable), e.g. "
      + "-Xlog:gc*:file=gc.log or a garbage collector.")
  java.util.List<String> appJvmOptions = new java.util.ArrayList<>();

  @Mixin
  BenchLoad load;

  private java.util.List<String> appJvm() {
    java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of("-Xmx2g"));
    options.addAll(appJvmOptions);
    return options;
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("tokenledger-bench");
    String[] modelNames = load.modelNames();
    System.out.println("Machine: " + BenchCommand.machine());
    load.batch = 1; // the live load is paced event by event; batches are bench topology's subject so far
    System.out.printf("%s; logs in %s%n", load, dir);
    try (BrokerJvm broker = BrokerJvm.start(dir)) {
      String bootstrap = broker.bootstrap();
      TopologyBenchmark bench = new TopologyBenchmark(bootstrap, Files.createDirectories(dir.resolve("state")));
      int steadyRate = rate;
      if (steadyRate == 0) {
        Topics calibration = bench.topics("bench-max.", load.partitions);
        bench.createTopics(calibration);
        bench.preload(calibration, calibrationEvents, load.teams, load.workflows, modelNames);
        try (ChildJvm app = BenchApp.start(dir, "aggregation", "bench-max", bootstrap, "bench-max.", load.partitions,
            load.streamsSettings, appJvm())) {
          TopologyBenchmark.Measured max = bench.measure("aggregation", app, "bench-max", calibration.usage.name(),
              calibrationEvents);
          steadyRate = (int) (max.eventsPerSecond() / 2);
          System.out.printf("Maximum: %,.0f events/s (slope 10-90%% of %,d preloaded events); steady rate: half, "
              + "%,d events/s%n", max.eventsPerSecond(), calibrationEvents, steadyRate);
        }
      }
      Topics topics = bench.topics("bench.", load.partitions);
      bench.createTopics(topics);
      bench.seedPrices(topics, modelNames);
      LatencyBenchmark.Result r;
      try (ChildJvm app = BenchApp.start(dir, "aggregation", "bench-latency", bootstrap, "bench.", load.partitions,
          load.streamsSettings, appJvm())) {
        // Load starts once the topology runs: otherwise its start-up would be measured as latency.
        app.awaitLine(BenchApp.output(dir, "bench-latency"), "state RUNNING", Duration.ofMinutes(2));
        r = LatencyBenchmark.run(bootstrap, topics, "bench-latency", app, new LatencyBenchmark.Series(load.teams,
            load.workflows, modelNames), steadyRate, Duration.ofSeconds(warmup), Duration.ofMinutes(minutes), dir.resolve("latency.csv"));
      }
      BenchApp.lastRatios(dir, "bench-latency").ifPresent(line -> System.out.println("topology: " + line));
      System.out.printf("rate %,d events/s for %d min (+%d s warm-up), %,d events; %,d live records measured%n",
          steadyRate, minutes, warmup, r.produced(), r.records());
      System.out.printf("event time to live team aggregate: p50 %,d ms, p99 %,d ms, max %,d ms%n", r.p50Millis(),
          r.p99Millis(), r.maxMillis());
      System.out.printf("backlog (uncommitted input, sampled every 5 s): %,d at the start, %,d at the end, %,d at most: "
          + "%s%n", r.firstLag(), r.lastLag(), r.maxLag(), r.steady(steadyRate) ? "steady" : "GROWING");
      System.out.printf("records at or above the p99, by second of the minute they arrived: %s%n", r.slowest());
      System.out.printf("topology process peak resident memory: %,d MiB%n", r.peakRssMiB());
      System.out.printf("every measured record (receive time, latency, window start): %s%n", dir.resolve("latency.csv"));
    }
    return 0;
  }
}
