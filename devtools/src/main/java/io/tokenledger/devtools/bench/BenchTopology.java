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

  @Option(names = "--rounds", defaultValue = "1", description = "Measure every app this many times, in turn, and "
      + "take the medians (default: ${DEFAULT-VALUE}): single runs of this machine swing by a fifth.")
  int rounds;

  @Option(names = "--instances", defaultValue = "1",
      description = "Topology instances in one application, each a JVM of its own, all on core 1 (default: ${DEFAULT-VALUE}).")
  int instances;

  private static double median(java.util.List<TopologyBenchmark.Measured> runs) {
    double[] rates = runs.stream().mapToDouble(TopologyBenchmark.Measured::eventsPerSecond).sorted().toArray();
    int n = rates.length;
    return n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
  }

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
      // The ceiling moves the events one per record, as the issue's target reads it; with batches, a
      // second pass-through moves the same batched records the topology reads.
      java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("pass-through"));
      if (batched) {
        names.add("pass-through-batches");
      }
      names.add("aggregation");
      if (!compareSettings.isEmpty()) {
        names.add("aggregation-B");
      }
      java.util.Map<String, java.util.List<TopologyBenchmark.Measured>> byName = new java.util.LinkedHashMap<>();
      java.util.List<String> verdicts = new java.util.ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        for (String name : names) {
          boolean compared = name.equals("aggregation-B");
          boolean aggregation = name.startsWith("aggregation");
          String input = name.equals("pass-through") && batched ? singles : topics.usage.name();
          // An aggregation other than the first writes topics of a prefix of its own (prices seeded there too),
          // reading the same usage: another's partials would reach its cross-team rollup.
          boolean own = aggregation && (compared || round > 1);
          String appPrefix = !own ? prefix : (compared ? "benchB" : "bench") + (round > 1 ? "r" + round : "") + ".";
          Topics appTopics = topics;
          if (own) {
            appTopics = bench.topics(appPrefix, load.partitions, topics.usage.name());
            bench.createTopics(appTopics);
            bench.seedPrices(appTopics, java.util.Arrays.stream(load.modelNames())
                .map(io.tokenledger.schemas.models.ModelNames::normalise).distinct().toArray(String[]::new));
          }
          String label = name + (rounds > 1 ? " #" + round : "");
          java.util.List<String> jvm = new java.util.ArrayList<>(java.util.List.of("-Xmx2g"));
          if (aggregation) {
            jvm.addAll(appJvmOptions);
          }
          if (jfr && aggregation) {
            jvm.add("-XX:StartFlightRecording=filename=" + dir.resolve(label.replace(" #", "-") + ".jfr")
                + ",settings=profile");
          }
          String id = BenchApp.applicationId(name) + (round > 1 ? "-r" + round : "");
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
              apps.add(BenchApp.start(dir, kind, id, i == 0 ? "" : "-" + i, aggregation && !own ? null : input,
                  bootstrap, appPrefix, load.partitions, settings, jvm));
            }
            byName.computeIfAbsent(name, n -> new java.util.ArrayList<>())
                .add(bench.measure(label, apps, id, input, events));
            if (aggregation) {
              TopologyBenchmark.Preloaded counted = bench.ledgerTotals(appTopics, preloaded, Duration.ofMinutes(1));
              verdicts.add(String.format("Correctness (%s): the team ledger holds %,d events and %,d tokens; "
                  + "preloaded %,d and %,d: %s", label, counted.events(), counted.tokens(), preloaded.events(),
                  preloaded.tokens(), counted.equals(preloaded) ? "exact" : "MISMATCH"));
            }
          } finally {
            for (ChildJvm app : apps) {
              app.close();
            }
          }
          BenchApp.lastRatios(dir, id).ifPresent(line -> System.out.println(label + ": " + line));
        }
      }
      System.out.printf("%-24s %10s %14s %12s%n", "RUN", "WALL s", "EVENTS/S", "PEAK RSS");
      for (int round = 0; round < rounds; round++) {
        for (java.util.List<TopologyBenchmark.Measured> runs : byName.values()) {
          TopologyBenchmark.Measured run = runs.get(round);
          System.out.printf("%-24s %10.1f %,14.0f %9d MiB%n", run.name(), run.wallSeconds(), run.eventsPerSecond(),
              run.peakRssMiB());
        }
      }
      double ceiling = median(byName.get("pass-through"));
      double topology = median(byName.get("aggregation"));
      String of = rounds > 1 ? " (medians of " + rounds + " rounds)" : "";
      System.out.printf("Topology / ceiling: %.2f%s%s%s%n", topology / ceiling,
          batched ? " (the ceiling: a pass-through of the same events, one per record)" : "",
          instances > 1 ? " (" + instances + " topology instances sharing core 1)" : "", of);
      if (batched) {
        System.out.printf("Topology / pass-through of the same batched records: %.2f%s%n",
            topology / median(byName.get("pass-through-batches")), of);
      }
      if (!compareSettings.isEmpty()) {
        double other = median(byName.get("aggregation-B"));
        System.out.printf("Topology with %s / ceiling: %.2f; against the topology as set: %.2f%s%n",
            String.join(" ", compareSettings), other / ceiling, other / topology, of);
      }
      verdicts.forEach(System.out::println);
      if (jfr) {
        System.out.println("Flight recordings: " + dir + "/aggregation*.jfr (jfr print --events "
            + "jdk.ExecutionSample, or JDK Mission Control)");
      }
    }
    return 0;
  }
}
