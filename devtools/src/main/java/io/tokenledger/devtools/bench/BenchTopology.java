package io.tokenledger.devtools.bench;

import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench topology}: the aggregation's throughput against a pass-through ceiling, measured as BENCHMARKS.md says. */
@Command(name = "topology", mixinStandardHelpOptions = true,
    description = {"Preloads usage events over teams x workflows x models series, then measures the aggregation",
        "topology (exactly-once) against a pass-through Streams app over the same topic as the ceiling: the broker",
        "and each app in a JVM of its own, pinned to a core where taskset exists; throughput from the slope of",
        "the committed offsets between 10%% and 90%% of the input; the ratio printed."})
final class BenchTopology implements Callable<Integer> {
  @Option(names = "--events", defaultValue = "5000000", description = "Events to preload (default: ${DEFAULT-VALUE}).")
  long events;

  @Mixin
  BenchLoad load;

  @Option(names = "--jfr", description = "Record the topology's JVM with Java Flight BenchRecorder (profile settings).")
  boolean jfr;

  @Option(names = "--instances", defaultValue = "1",
      description = "Topology instances in one application, each a JVM of its own, all on core 1 (default: ${DEFAULT-VALUE}).")
  int instances;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("tokenledger-bench");
    System.out.println("Machine: " + BenchCommand.machine());
    System.out.printf("%,d events over %s; logs in %s%n", events, load, dir);
    try (BrokerJvm broker = BrokerJvm.start(dir)) {
      String bootstrap = broker.bootstrap();
      TopologyBenchmark bench = new TopologyBenchmark(bootstrap, Files.createDirectories(dir.resolve("state")));
      String prefix = "bench.";
      Topics topics = bench.topics(prefix, load.partitions);
      bench.createTopics(topics, TopologyBenchmark.passThroughSink(prefix, load.partitions));
      long loadStart = System.nanoTime();
      TopologyBenchmark.Preloaded preloaded = bench.preload(topics, events, load.teams, load.workflows, load.modelNames());
      System.out.printf("Preloaded in %.1f s%n", (System.nanoTime() - loadStart) / 1e9);
      java.util.List<TopologyBenchmark.Measured> runs = new java.util.ArrayList<>();
      TopologyBenchmark.Preloaded counted = null;
      for (String kind : new String[] {"pass-through", "aggregation"}) {
        java.util.List<String> jvm = new java.util.ArrayList<>(java.util.List.of("-Xmx2g"));
        if (jfr && kind.equals("aggregation")) {
          jvm.add("-XX:StartFlightRecording=filename=" + dir.resolve("aggregation.jfr") + ",settings=profile");
        }
        String id = BenchApp.applicationId(kind);
        int count = kind.equals("aggregation") ? instances : 1;
        java.util.List<ChildJvm> apps = new java.util.ArrayList<>();
        try {
          for (int i = 0; i < count; i++) {
            apps.add(BenchApp.start(dir, kind, id, i == 0 ? "" : "-" + i, bootstrap, prefix, load.partitions,
                kind.equals("aggregation") ? load.streamsSettings : java.util.List.of(), jvm));
          }
          runs.add(bench.measure(kind, apps, id, topics.usage.name(), events));
          if (kind.equals("aggregation")) {
            counted = bench.ledgerTotals(topics, preloaded, Duration.ofMinutes(1));
          }
        } finally {
          for (ChildJvm app : apps) {
            app.close();
          }
        }
        BenchApp.lastRatios(dir, id).ifPresent(line -> System.out.println(kind + ": " + line));
      }
      System.out.printf("%-14s %10s %14s %12s%n", "RUN", "WALL s", "EVENTS/S", "PEAK RSS");
      for (TopologyBenchmark.Measured run : runs) {
        System.out.printf("%-14s %10.1f %,14.0f %9d MiB%n", run.name(), run.wallSeconds(), run.eventsPerSecond(),
            run.peakRssMiB());
      }
      System.out.printf("Topology / ceiling: %.2f%s%n", runs.get(1).eventsPerSecond() / runs.get(0).eventsPerSecond(),
          instances > 1 ? " (" + instances + " topology instances sharing core 1)" : "");
      System.out.printf("Correctness: the team ledger holds %,d events and %,d tokens; preloaded %,d and %,d: %s%n",
          counted.events(), counted.tokens(), preloaded.events(), preloaded.tokens(),
          counted.equals(preloaded) ? "exact" : "MISMATCH");
      if (jfr) {
        System.out.println("Flight recording: " + dir.resolve("aggregation.jfr") + " (jfr print --events "
            + "jdk.ExecutionSample, or JDK Mission Control)");
      }
    }
    return 0;
  }
}
