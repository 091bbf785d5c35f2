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

  private static final String PREFIX = "bench.";

  /** What every measured app shares: the broker, the preloaded topics and their totals. */
  private record Preload(TopologyBenchmark bench, Path dir, String bootstrap, Topics topics, String singles,
      TopologyBenchmark.Preloaded preloaded) {}

  /**
   * Runs one app over the preloaded events and measures it; an aggregation's exact-correctness
   * line goes to {@code verdicts}. An aggregation other than round 1's first writes topics of a
   * prefix of its own (prices seeded there too), reading the same usage: another's partials would
   * reach its cross-team rollup.
   */
  private TopologyBenchmark.Measured measure(Preload setup, String name, int round, java.util.List<String> verdicts)
      throws Exception {
    boolean compared = name.equals("aggregation-B");
    boolean aggregation = name.startsWith("aggregation");
    String input = name.equals("pass-through") && setup.singles() != null ? setup.singles()
        : setup.topics().usage.name();
    boolean own = aggregation && (compared || round > 1);
    String prefix = !own ? PREFIX : (compared ? "benchB" : "bench") + (round > 1 ? "r" + round : "") + ".";
    Topics topics = setup.topics();
    if (own) {
      topics = setup.bench().topics(prefix, load.partitions, input);
      setup.bench().createTopics(topics);
      setup.bench().seedPrices(topics, load.modelNames());
    }
    String label = name + (rounds > 1 ? " #" + round : "");
    java.util.List<String> jvm = new java.util.ArrayList<>(java.util.List.of("-Xmx2g"));
    java.util.List<String> settings = new java.util.ArrayList<>();
    if (aggregation) {
      jvm.addAll(appJvmOptions);
      settings.addAll(load.streamsSettings);
    }
    if (jfr && aggregation) {
      jvm.add("-XX:StartFlightRecording=filename=" + setup.dir().resolve(label.replace(" #", "-") + ".jfr")
          + ",settings=profile");
    }
    if (compared) {
      settings.addAll(compareSettings);
    }
    String id = BenchApp.applicationId(name) + (round > 1 ? "-r" + round : "");
    int count = aggregation ? instances : 1;
    java.util.List<ChildJvm> apps = new java.util.ArrayList<>();
    TopologyBenchmark.Measured measured;
    try {
      for (int i = 0; i < count; i++) {
        apps.add(BenchApp.start(setup.dir(), aggregation ? "aggregation" : "pass-through", id, i == 0 ? "" : "-" + i,
            input, setup.bootstrap(), prefix, load.partitions, settings, jvm));
      }
      measured = setup.bench().measure(label, apps, id, input, events);
      if (aggregation) {
        TopologyBenchmark.Preloaded expected = setup.preloaded();
        TopologyBenchmark.Preloaded counted = setup.bench().ledgerTotals(topics, expected, Duration.ofMinutes(1));
        verdicts.add(String.format("Correctness (%s): the team ledger holds %,d events and %,d tokens; preloaded "
            + "%,d and %,d: %s", label, counted.events(), counted.tokens(), expected.events(), expected.tokens(),
            counted.equals(expected) ? "exact" : "MISMATCH"));
      }
    } finally {
      for (ChildJvm app : apps) {
        app.close();
      }
    }
    BenchApp.lastRatios(setup.dir(), id).ifPresent(line -> System.out.println(label + ": " + line));
    return measured;
  }

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
      String prefix = PREFIX;
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
      Preload setup = new Preload(bench, dir, bootstrap, topics, singles, preloaded);
      for (int round = 1; round <= rounds; round++) {
        for (String name : names) {
          byName.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(measure(setup, name, round, verdicts));
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
