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

  @Option(names = "--span-minutes", defaultValue = "10", description = "Minutes of event time the events spread over, "
      + "ending now (default: ${DEFAULT-VALUE}); with --events, sets the events per series and minute.")
  long spanMinutes;

  @Mixin
  BenchLoad load;

  @Option(names = "--jfr", description = "Record the topology's JVM with Java Flight BenchRecorder (profile settings).")
  boolean jfr;

  @Option(names = "--app-jvm-option", description = "An option for the aggregation's JVM (repeatable), e.g. -Xlog:gc "
      + "or a profiler agent.")
  java.util.List<String> appJvmOptions = new java.util.ArrayList<>();

  @Option(names = "--compare-set", description = "Measure a second aggregation in the same run, after the first, "
      + "with this setting added (repeatable, KEY=VALUE): its own topics, the same preloaded events.")
  java.util.List<String> compareSettings = new java.util.ArrayList<>();

  @Option(names = "--instances", defaultValue = "1",
      description = "Topology instances in one application, each a JVM of its own, all on core 1 (default: ${DEFAULT-VALUE}).")
  int instances;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("tokenledger-bench");
    System.out.println("Machine: " + BenchCommand.machine());
    System.out.printf("%,d events over %s, event times over the last %d minutes; logs in %s%n", events, load,
        spanMinutes, dir);
    try (BrokerJvm broker = BrokerJvm.start(dir)) {
      String bootstrap = broker.bootstrap();
      TopologyBenchmark bench = new TopologyBenchmark(bootstrap, Files.createDirectories(dir.resolve("state")));
      String prefix = "bench.";
      Topics topics = bench.topics(prefix, load.partitions);
      boolean batched = load.batch > 1;
      String singles = batched ? TopologyBenchmark.singlesTopic(prefix, load.partitions).name() : null;
      bench.createTopics(topics, TopologyBenchmark.passThroughSink(prefix, load.partitions),
          batched ? TopologyBenchmark.singlesTopic(prefix, load.partitions) : null);
      long loadStart = System.nanoTime();
      TopologyBenchmark.Preloaded preloaded = bench.preload(topics, events, load.teams, load.workflows,
          load.modelNames(), load.batch, singles, java.time.Duration.ofMinutes(spanMinutes));
      System.out.printf("Preloaded in %.1f s%n", (System.nanoTime() - loadStart) / 1e9);
      // The ceiling moves the events one per record, as the target reads it; with batches, a
      // second pass-through moves the same batched records the topology reads.
      java.util.List<String[]> kinds = new java.util.ArrayList<>();
      kinds.add(new String[] {"pass-through", batched ? singles : topics.usage.name()});
      if (batched) {
        kinds.add(new String[] {"pass-through-batches", topics.usage.name()});
      }
      kinds.add(new String[] {"aggregation", topics.usage.name()});
      // The compared aggregation writes topics of its own prefix (prices seeded there too), reading the same usage.
      String comparePrefix = "benchB.";
      Topics compareTopics = bench.topics(comparePrefix, load.partitions, topics.usage.name());
      if (!compareSettings.isEmpty()) {
        bench.createTopics(compareTopics);
        bench.seedPrices(compareTopics, java.util.Arrays.stream(load.modelNames())
            .map(io.tokenledger.schemas.models.ModelNames::normalise).distinct().toArray(String[]::new));
        kinds.add(new String[] {"aggregation-B", topics.usage.name()});
      }
      java.util.List<TopologyBenchmark.Measured> runs = new java.util.ArrayList<>();
      java.util.List<String> verdicts = new java.util.ArrayList<>();
      for (String[] run : kinds) {
        String name = run[0];
        boolean compared = name.equals("aggregation-B");
        boolean aggregation = name.startsWith("aggregation");
        java.util.List<String> jvm = new java.util.ArrayList<>(java.util.List.of("-Xmx2g"));
        if (aggregation) {
          jvm.addAll(appJvmOptions);
        }
        if (jfr && aggregation) {
          jvm.add("-XX:StartFlightRecording=filename=" + dir.resolve("aggregation.jfr") + ",settings=profile");
        }
        String id = BenchApp.applicationId(name);
        String kind = aggregation ? "aggregation" : "pass-through";
        int count = aggregation ? instances : 1;
        java.util.List<ChildJvm> apps = new java.util.ArrayList<>();
        try {
          for (int i = 0; i < count; i++) {
            java.util.List<String> settings = new java.util.ArrayList<>(aggregation ? load.streamsSettings
                : java.util.List.of());
            if (compared) {
              settings.addAll(compareSettings);
            }
            apps.add(BenchApp.start(dir, kind, id, i == 0 ? "" : "-" + i, aggregation && !compared ? null : run[1],
                bootstrap, compared ? comparePrefix : prefix, load.partitions, settings, jvm));
          }
          runs.add(bench.measure(name, apps, id, run[1], events));
          if (aggregation) {
            TopologyBenchmark.Preloaded counted = bench.ledgerTotals(compared ? compareTopics : topics, preloaded,
                Duration.ofMinutes(1));
            verdicts.add(String.format("Correctness (%s): the team ledger holds %,d events and %,d tokens; preloaded "
                + "%,d and %,d: %s", name, counted.events(), counted.tokens(), preloaded.events(), preloaded.tokens(),
                counted.equals(preloaded) ? "exact" : "MISMATCH"));
          }
        } finally {
          for (ChildJvm app : apps) {
            app.close();
          }
        }
        BenchApp.lastRatios(dir, id).ifPresent(line -> System.out.println(name + ": " + line));
      }
      System.out.printf("%-20s %10s %14s %12s%n", "RUN", "WALL s", "EVENTS/S", "PEAK RSS");
      for (TopologyBenchmark.Measured run : runs) {
        System.out.printf("%-20s %10.1f %,14.0f %9d MiB%n", run.name(), run.wallSeconds(), run.eventsPerSecond(),
            run.peakRssMiB());
      }
      TopologyBenchmark.Measured topology = runs.get(batched ? 2 : 1);
      System.out.printf("Topology / ceiling: %.2f%s%s%n", topology.eventsPerSecond() / runs.get(0).eventsPerSecond(),
          batched ? " (the ceiling: a pass-through of the same events, one per record)" : "",
          instances > 1 ? " (" + instances + " topology instances sharing core 1)" : "");
      if (batched) {
        System.out.printf("Topology / pass-through of the same batched records: %.2f%n",
            topology.eventsPerSecond() / runs.get(1).eventsPerSecond());
      }
      if (!compareSettings.isEmpty()) {
        TopologyBenchmark.Measured other = runs.get(runs.size() - 1);
        System.out.printf("Topology with %s / ceiling: %.2f; against the topology as set: %.2f%n",
            String.join(" ", compareSettings), other.eventsPerSecond() / runs.get(0).eventsPerSecond(),
            other.eventsPerSecond() / topology.eventsPerSecond());
      }
      verdicts.forEach(System.out::println);
      if (jfr) {
        System.out.println("Flight recording: " + dir.resolve("aggregation.jfr") + " (jfr print --events "
            + "jdk.ExecutionSample, or JDK Mission Control)");
      }
    }
    return 0;
  }
}
