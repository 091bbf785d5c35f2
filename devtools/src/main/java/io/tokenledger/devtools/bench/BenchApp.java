package io.tokenledger.devtools.bench;

import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One measured application, run by {@code bench topology} in a JVM of its own until SIGTERM. */
@Command(name = "app", hidden = true, mixinStandardHelpOptions = true, description = "Runs a benchmark application until SIGTERM.")
final class BenchApp implements Callable<Integer> {
  @Option(names = "--kind", required = true)
  String kind;

  @Option(names = "--bootstrap-servers", required = true)
  String bootstrap;

  @Option(names = "--prefix", required = true)
  String prefix;

  @Option(names = "--partitions", required = true)
  int partitions;

  @Option(names = "--state-dir", required = true)
  Path stateDir;

  @Option(names = "--set")
  java.util.List<String> streamsSettings = new java.util.ArrayList<>();

  @Option(names = "--application-id")
  String applicationId;

  @Option(names = "--input", description = "The topic the app reads: the pass-through's input, the aggregation's "
      + "usage (default: the prefix's usage topic).")
  String input;

  static String applicationId(String kind) {
    return "bench-" + kind;
  }

  /**
   * Starts a measured application in a JVM of its own on core 1; its output (state changes,
   * thread ratios every 5 s) goes to {@code dir/<applicationId>.out}.
   */
  static ChildJvm start(Path dir, String kind, String applicationId, String bootstrap, String prefix,
      int partitions, java.util.List<String> settings, java.util.List<String> jvm) throws java.io.IOException {
    return start(dir, kind, applicationId, "", null, bootstrap, prefix, partitions, settings, jvm);
  }

  /**
   * The same for one of several instances of an application; {@code instance} tells their state
   * and output apart; {@code input} is the topic it reads (null: the prefix's usage topic).
   */
  static ChildJvm start(Path dir, String kind, String applicationId, String instance, String input,
      String bootstrap, String prefix, int partitions, java.util.List<String> settings, java.util.List<String> jvm)
      throws java.io.IOException {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("bench", "app", "--kind", kind,
        "--application-id", applicationId, "--bootstrap-servers", bootstrap, "--prefix", prefix,
        "--partitions", Integer.toString(partitions), "--state-dir",
        dir.resolve("state-" + applicationId + instance).toString()));
    settings.forEach(setting -> args.addAll(java.util.List.of("--set", setting)));
    if (input != null) {
      args.addAll(java.util.List.of("--input", input));
    }
    return ChildJvm.start(applicationId.replace("bench-", "") + instance, 1, jvm, output(dir, applicationId + instance),
        args.toArray(String[]::new));
  }

  static Path output(Path dir, String applicationId) {
    return dir.resolve(applicationId + ".out");
  }

  /**
   * The app printed its stream thread's ratios every 5 s; the last line with the thread's
   * figures that is not the last such line (that one may already be draining) is the steady state.
   */
  static java.util.Optional<String> lastRatios(Path dir, String applicationId) throws java.io.IOException {
    java.util.List<String> ratios = Files.readAllLines(output(dir, applicationId)).stream()
        .filter(l -> l.startsWith("thread ") && l.contains("process-ratio")).toList();
    return ratios.size() >= 2 ? java.util.Optional.of(ratios.get(ratios.size() - 2)) : java.util.Optional.empty();
  }

  @Override
  public Integer call() throws Exception {
    TopologyBenchmark bench = new TopologyBenchmark(bootstrap, Files.createDirectories(stateDir));
    Topics topics = bench.topics(prefix, partitions, input);
    Map<String, Object> tuning = new java.util.HashMap<>();
    for (String setting : streamsSettings) {
      String[] kv = setting.split("=", 2);
      tuning.put(kv[0], kv[1]);
    }
    org.apache.kafka.streams.Topology topology = kind.equals("pass-through")
        ? TopologyBenchmark.passThrough(topics.usage.name(),
            TopologyBenchmark.passThroughSink(prefix, partitions).name())
        : TopologyBenchmark.aggregation(topics, tuning);
    String id = applicationId != null ? applicationId : applicationId(kind);
    java.util.Properties config = kind.equals("pass-through") ? bench.streamsConfig(id, tuning)
        : bench.aggregationConfig(id, tuning);
    org.apache.kafka.streams.KafkaStreams streams = new org.apache.kafka.streams.KafkaStreams(topology, config);
    java.util.concurrent.ScheduledExecutorService reporter = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "bench-thread-ratios");
          t.setDaemon(true);
          return t;
        });
    reporter.scheduleAtFixedRate(() -> System.out.println(threadRatios(streams)), 5, 5, TimeUnit.SECONDS);
    io.tokenledger.platform.streams.StreamsApps.runUntilShutdown(streams, config,
        (state, old) -> System.out.println("state " + state)); // the harness waits for RUNNING
    return 0;
  }

  /**
   * Where the stream thread's time goes (Kafka Streams' thread metrics: the share of time in
   * process, punctuate, commit and poll), its commit latency, and the time its producer spent
   * committing transactions.
   */
  static String threadRatios(org.apache.kafka.streams.KafkaStreams streams) {
    Map<String, Double> values = new java.util.TreeMap<>();
    streams.metrics().forEach((name, metric) -> {
      boolean thread = name.group().equals("stream-thread-metrics") && java.util.Set.of("process-ratio",
          "punctuate-ratio", "commit-ratio", "poll-ratio", "commit-latency-avg", "process-rate", "commit-total")
          .contains(name.name());
      boolean producer = name.group().equals("producer-metrics") && name.name().equals("txn-commit-time-ns-total");
      if ((thread || producer) && metric.metricValue() instanceof Number n) {
        values.merge(name.name(), n.doubleValue(), Double::sum);
      }
    });
    StringBuilder line = new StringBuilder("thread");
    values.forEach((name, value) -> line.append(' ').append(name).append('=').append(name.endsWith("-ns-total")
        ? String.format("%.1fs", value / 1e9) : String.format("%.3f", value)));
    return line.toString();
  }
}
