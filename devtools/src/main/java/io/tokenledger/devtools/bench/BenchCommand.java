package io.tokenledger.devtools.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.devtools.broker.DevBroker;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures; method and figures go to BENCHMARKS.md.",
    subcommands = {BenchCommand.Recorder.class, BenchCommand.Gateway.class, BenchCommand.TopologyThroughput.class,
        BenchCommand.Latency.class, BenchCommand.Otlp.class, BenchCommand.Dedup.class, BenchCommand.App.class})
public final class BenchCommand {

  /** A throwaway dev broker on free loopback ports, in {@code dir/broker}, in this JVM. */
  static DevBroker scratchBroker(Path dir) throws java.io.IOException {
    return DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.free(), Ports.free());
  }

  static String machine() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return Runtime.getRuntime().availableProcessors() + " cores, " + (Runtime.getRuntime().maxMemory() >> 20)
        + " MiB max heap, " + os.getName() + " " + os.getArch() + ", Java " + System.getProperty("java.version");
  }

  @Command(name = "recorder", mixinStandardHelpOptions = true,
      description = "JMH: the recorder's per-record cost on the caller's thread, and Avro encoding.")
  static final class Recorder implements Callable<Integer> {
    @Option(names = "--quick", description = "Shorter runs (for a smoke check, not for figures).")
    boolean quick;

    @Override
    public Integer call() throws Exception {
      System.out.println("Machine: " + machine());
      new Runner(new OptionsBuilder().include(RecorderBenchmarks.class.getName())
          .forks(1).warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(quick ? 1 : 3))
          .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(quick ? 1 : 3))
          .jvmArgsAppend("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger", "-Xmx2g")
          .build()).run();
      return 0;
    }
  }

  @Command(name = "topology", mixinStandardHelpOptions = true,
      description = {"Preloads usage events over teams x workflows x models series, then measures the aggregation",
          "topology (exactly-once) against a pass-through Streams app over the same topic as the ceiling: the broker",
          "and each app in a JVM of its own, pinned to a core where taskset exists; throughput from the slope of",
          "the committed offsets between 10%% and 90%% of the input; the ratio printed."})
  static final class TopologyThroughput implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "5000000", description = "Events to preload (default: ${DEFAULT-VALUE}).")
    long events;

    @Mixin
    Workload load;

    @Option(names = "--jfr", description = "Record the topology's JVM with Java Flight Recorder (profile settings).")
    boolean jfr;

    @Option(names = "--instances", defaultValue = "1",
        description = "Topology instances in one application, each a JVM of its own, all on core 1 (default: ${DEFAULT-VALUE}).")
    int instances;

    @Override
    public Integer call() throws Exception {
      Path dir = Files.createTempDirectory("tokenledger-bench");
      System.out.println("Machine: " + machine());
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
          String id = App.applicationId(kind);
          int count = kind.equals("aggregation") ? instances : 1;
          java.util.List<ChildJvm> apps = new java.util.ArrayList<>();
          try {
            for (int i = 0; i < count; i++) {
              apps.add(App.start(dir, kind, id, i == 0 ? "" : "-" + i, bootstrap, prefix, load.partitions,
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
          App.lastRatios(dir, id).ifPresent(line -> System.out.println(kind + ": " + line));
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

  /** The load of {@code bench topology} and {@code bench latency}: partitions, the series events spread over, settings. */
  static final class Workload {
    @Option(names = "--partitions", defaultValue = "6", description = "Usage topic partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--teams", defaultValue = "50", description = "Distinct teams (default: ${DEFAULT-VALUE}).")
    int teams;

    @Option(names = "--workflows", defaultValue = "20", description = "Workflows per team (default: ${DEFAULT-VALUE}).")
    int workflows;

    @Option(names = "--models", defaultValue = "10",
        description = "Models (default: ${DEFAULT-VALUE}; 50 x 20 x 10 = 10,000 fine series).")
    int models;

    @Option(names = "--set", description = "Setting for the topology (Streams or tokenledger.aggregation.*), "
        + "e.g. --set commit.interval.ms=1000")
    java.util.List<String> streamsSettings = new java.util.ArrayList<>();

    String[] modelNames() {
      return java.util.stream.IntStream.range(0, models).mapToObj(i -> "bench-model-" + i).toArray(String[]::new);
    }

    @Override
    public String toString() {
      return String.format("%d teams x %d workflows x %d models = %,d series, %d partitions", teams, workflows, models,
          (long) teams * workflows * models, partitions);
    }
  }

  /** One measured application, run by {@code bench topology} in a JVM of its own until SIGTERM. */
  @Command(name = "app", hidden = true, mixinStandardHelpOptions = true, description = "Runs a benchmark application until SIGTERM.")
  static final class App implements Callable<Integer> {
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

    static String applicationId(String kind) {
      return "bench-" + kind;
    }

    /**
     * Starts a measured application in a JVM of its own on core 1; its output (state changes,
     * thread ratios every 5 s) goes to {@code dir/<applicationId>.out}.
     */
    static ChildJvm start(Path dir, String kind, String applicationId, String bootstrap, String prefix,
        int partitions, java.util.List<String> settings, java.util.List<String> jvm) throws java.io.IOException {
      return start(dir, kind, applicationId, "", bootstrap, prefix, partitions, settings, jvm);
    }

    /** The same for one of several instances of an application; {@code instance} tells their state and output apart. */
    static ChildJvm start(Path dir, String kind, String applicationId, String instance, String bootstrap,
        String prefix, int partitions, java.util.List<String> settings, java.util.List<String> jvm)
        throws java.io.IOException {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("bench", "app", "--kind", kind,
          "--application-id", applicationId, "--bootstrap-servers", bootstrap, "--prefix", prefix,
          "--partitions", Integer.toString(partitions), "--state-dir",
          dir.resolve("state-" + applicationId + instance).toString()));
      settings.forEach(setting -> args.addAll(java.util.List.of("--set", setting)));
      return ChildJvm.start(kind + instance, 1, jvm, output(dir, applicationId + instance),
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
      Topics topics = bench.topics(prefix, partitions);
      Map<String, Object> tuning = new java.util.HashMap<>();
      for (String setting : streamsSettings) {
        String[] kv = setting.split("=", 2);
        tuning.put(kv[0], kv[1]);
      }
      org.apache.kafka.streams.Topology topology = kind.equals("pass-through")
          ? TopologyBenchmark.passThrough(topics.usage.name(), TopologyBenchmark.passThroughSink(prefix, partitions).name())
          : TopologyBenchmark.aggregation(topics, tuning);
      String id = applicationId != null ? applicationId : applicationId(kind);
      java.util.Properties config = kind.equals("pass-through") ? bench.streamsConfig(id, tuning)
          : bench.aggregationConfig(id, tuning);
      org.apache.kafka.streams.KafkaStreams streams = new org.apache.kafka.streams.KafkaStreams(topology, config);
      streams.setStateListener((state, old) -> System.out.println("state " + state)); // the harness waits for RUNNING
      java.util.concurrent.ScheduledExecutorService reporter = java.util.concurrent.Executors
          .newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-thread-ratios");
            t.setDaemon(true);
            return t;
          });
      reporter.scheduleAtFixedRate(() -> System.out.println(threadRatios(streams)), 5, 5, TimeUnit.SECONDS);
      io.tokenledger.platform.streams.StreamsApps.runUntilShutdown(streams, config);
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
            "punctuate-ratio", "commit-ratio", "poll-ratio", "commit-latency-avg", "process-rate").contains(name.name());
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

  @Command(name = "latency", mixinStandardHelpOptions = true,
      description = {"Freshness of the live per-team aggregates at a steady rate: event time to a read_committed",
          "consumer, p50/p99/max, with the backlog sampled every 5 s and the topology's peak resident memory. The",
          "broker and the topology each run in a JVM of their own (cores 0 and 1). By default the rate is half of",
          "the topology's maximum, measured first in the same run as bench topology measures it."})
  static final class Latency implements Callable<Integer> {
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

    @Mixin
    Workload load;

    @Override
    public Integer call() throws Exception {
      Path dir = Files.createTempDirectory("tokenledger-bench");
      String[] modelNames = load.modelNames();
      System.out.println("Machine: " + machine());
      System.out.printf("%s; logs in %s%n", load, dir);
      try (BrokerJvm broker = BrokerJvm.start(dir)) {
        String bootstrap = broker.bootstrap();
        TopologyBenchmark bench = new TopologyBenchmark(bootstrap, Files.createDirectories(dir.resolve("state")));
        int steadyRate = rate;
        if (steadyRate == 0) {
          Topics calibration = bench.topics("bench-max.", load.partitions);
          bench.createTopics(calibration, null);
          bench.preload(calibration, calibrationEvents, load.teams, load.workflows, modelNames);
          try (ChildJvm app = App.start(dir, "aggregation", "bench-max", bootstrap, "bench-max.", load.partitions,
              load.streamsSettings, java.util.List.of("-Xmx2g"))) {
            TopologyBenchmark.Measured max = bench.measure("aggregation", app, "bench-max", calibration.usage.name(),
                calibrationEvents);
            steadyRate = (int) (max.eventsPerSecond() / 2);
            System.out.printf("Maximum: %,.0f events/s (slope 10-90%% of %,d preloaded events); steady rate: half, "
                + "%,d events/s%n", max.eventsPerSecond(), calibrationEvents, steadyRate);
          }
        }
        Topics topics = bench.topics("bench.", load.partitions);
        bench.createTopics(topics, null);
        bench.seedPrices(topics, java.util.Arrays.stream(modelNames)
            .map(io.tokenledger.schemas.models.ModelNames::normalise).distinct().toArray(String[]::new));
        LatencyBenchmark.Result r;
        try (ChildJvm app = App.start(dir, "aggregation", "bench-latency", bootstrap, "bench.", load.partitions,
            load.streamsSettings, java.util.List.of("-Xmx2g"))) {
          // Load starts once the topology runs: otherwise its start-up would be measured as latency.
          app.awaitLine(App.output(dir, "bench-latency"), "state RUNNING", Duration.ofMinutes(2));
          r = LatencyBenchmark.run(bootstrap, topics, "bench-latency", app, new LatencyBenchmark.Series(load.teams,
              load.workflows, modelNames), steadyRate, Duration.ofSeconds(warmup), Duration.ofMinutes(minutes));
        }
        App.lastRatios(dir, "bench-latency").ifPresent(line -> System.out.println("topology: " + line));
        System.out.printf("rate %,d events/s for %d min (+%d s warm-up), %,d events; %,d live records measured%n",
            steadyRate, minutes, warmup, r.produced(), r.records());
        System.out.printf("event time to live team aggregate: p50 %,d ms, p99 %,d ms, max %,d ms%n", r.p50Millis(),
            r.p99Millis(), r.maxMillis());
        System.out.printf("backlog (uncommitted input, sampled every 5 s): %,d at the start, %,d at the end, %,d at most: "
            + "%s%n", r.firstLag(), r.lastLag(), r.maxLag(), r.steady(steadyRate) ? "steady" : "GROWING");
        System.out.printf("records at or above the p99, by second of the minute they arrived: %s%n", r.slowest());
        System.out.printf("topology process peak resident memory: %,d MiB%n", r.peakRssMiB());
      }
      return 0;
    }
  }

  @Command(name = "gateway", mixinStandardHelpOptions = true,
      description = "Load on the HTTP gateway over loopback against a real dev broker: single events and batches.")
  static final class Gateway implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "16", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--batch", defaultValue = "100", description = "Events per batch request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
      try (DevBroker broker = scratchBroker(Files.createTempDirectory("tokenledger-bench"))) {
        String bootstrap = broker.bootstrapServers();
        Topics topics = Topics.from(Map.of());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
          TopicApplier.apply(admin, topics.all());
        }
        String token = new ApiKeyAdmin(bootstrap, topics.apiKeys).create("support", "benchmark").token();
        try (ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
             IngestGateway gateway = IngestGateway.connected(
                 Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics, keys, GatewaySettings.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                 .start("127.0.0.1", 0)) {
          keys.awaitLoaded(Duration.ofSeconds(30));
          String url = "http://127.0.0.1:" + gateway.port() + "/v1/usage";
          System.out.println("Machine: " + machine());
          System.out.printf("%-8s %7s %6s %10s %12s %10s %9s %9s %9s %6s%n", "RUN", "WORKERS", "BATCH", "REQUESTS",
              "EVENTS/S", "REQ/S", "P50 ms", "P99 ms", "MAX ms", "ERRORS");
          for (int eventsPerRequest : new int[] {1, batch}) {
            GatewayLoad.Result r = GatewayLoad.run(eventsPerRequest == 1 ? "single" : "batch", url, token, workers,
                eventsPerRequest, Duration.ofSeconds(5), Duration.ofSeconds(seconds));
            System.out.printf("%-8s %7d %6d %10d %12.0f %10.0f %9.2f %9.2f %9.2f %6d%n", r.name(), r.workers(),
                r.eventsPerRequest(), r.requests(), r.eventsPerSecond(), r.requestsPerSecond(), r.p50Micros() / 1000.0,
                r.p99Micros() / 1000.0, r.maxMicros() / 1000.0, r.errors());
          }
        }
      }
      return 0;
    }
  }

  @Command(name = "otlp", mixinStandardHelpOptions = true,
      description = {"OpenTelemetry ingestion against a real dev broker: OTLP/HTTP protobuf on the gateway (closed loop),",
          "then the bridge draining a preloaded Collector topic, next to a pass-through app over the same topic."})
  static final class Otlp implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "16", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds on the gateway (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--spans-per-trace", defaultValue = "10", description = "Spans per trace (default: ${DEFAULT-VALUE}).")
    int spansPerTrace;

    @Option(names = "--genai-per-trace", defaultValue = "2",
        description = "LLM spans with usage per trace; the rest are HTTP and database spans (default: ${DEFAULT-VALUE}).")
    int genAiPerTrace;

    @Option(names = "--traces-per-export", defaultValue = "10", description = "Traces per export (default: ${DEFAULT-VALUE}).")
    int tracesPerExport;

    @Option(names = "--messages", defaultValue = "5000",
        description = "Exports preloaded on the Collector topic for the bridge (default: ${DEFAULT-VALUE}).")
    int messages;

    @Override
    public Integer call() throws Exception {
      Path dir = Files.createTempDirectory("tokenledger-bench");
      int spansPerExport = tracesPerExport * spansPerTrace;
      int usagePerExport = tracesPerExport * genAiPerTrace;
      System.out.println("Machine: " + machine());
      System.out.printf("Exports of %d spans (%d traces of %d), %d with GenAI usage: %.0f%% of spans are not LLM calls%n",
          spansPerExport, tracesPerExport, spansPerTrace, usagePerExport,
          100.0 * (spansPerExport - usagePerExport) / spansPerExport);
      try (DevBroker broker = scratchBroker(dir)) {
        String bootstrap = broker.bootstrapServers();
        Topics topics = Topics.from(Map.of());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
          TopicApplier.apply(admin, topics.all());
          admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic("otlp_spans", 6, (short) 1),
              new org.apache.kafka.clients.admin.NewTopic("otlp_spans_copy", 6, (short) 1))).all().get();
        }
        String token = new ApiKeyAdmin(bootstrap, topics.apiKeys).create("support", "benchmark").token();
        try (ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
             IngestGateway gateway = IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                 topics, keys, GatewaySettings.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                 .start("127.0.0.1", 0)) {
          keys.awaitLoaded(Duration.ofSeconds(30));
          GatewayLoad.Result r = GatewayLoad.run("otlp", "http://127.0.0.1:" + gateway.port() + "/v1/traces", token,
              workers, spansPerExport, Duration.ofSeconds(5), Duration.ofSeconds(seconds),
              () -> OtlpLoad.export("support", tracesPerExport, spansPerTrace, genAiPerTrace).toByteArray(),
              "application/x-protobuf", 200);
          System.out.printf("gateway /v1/traces: %d clients, %,.0f spans/s (%,.0f usage events/s), %,.0f requests/s, "
              + "p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors%n", r.workers(), r.eventsPerSecond(),
              r.eventsPerSecond() * usagePerExport / spansPerExport, r.requestsPerSecond(), r.p50Micros() / 1000.0,
              r.p99Micros() / 1000.0, r.maxMicros() / 1000.0, r.errors());
        }
        TopologyBenchmark bench = new TopologyBenchmark(bootstrap, Files.createDirectories(dir.resolve("state")));
        long loadStart = System.nanoTime();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20),
            new org.apache.kafka.common.serialization.ByteArraySerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
          for (int m = 0; m < messages; m++) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("otlp_spans",
                OtlpLoad.export("team-" + (m % 20), tracesPerExport, spansPerTrace, genAiPerTrace).toByteArray()));
          }
        }
        long spans = (long) messages * spansPerExport;
        System.out.printf("Preloaded %,d exports (%,d spans) in %.1f s%n", messages, spans,
            (System.nanoTime() - loadStart) / 1e9);
        var ceiling = bench.time("pass-through (ceiling)", TopologyBenchmark.passThrough("otlp_spans", "otlp_spans_copy"),
            bench.streamsConfig("bench-otlp-pass-through", Map.of()), "otlp_spans", messages);
        var bridge = bench.time("otel-bridge", io.tokenledger.otelbridge.OtelBridgeApp.buildTopology(topics,
            io.tokenledger.otelbridge.OtelBridgeSettings.from(Map.of())), bench.streamsConfig("bench-otel-bridge",
            Map.of()), "otlp_spans", messages);
        for (var run : java.util.List.of(ceiling, bridge)) {
          System.out.printf("%-24s %,8d exports in %6.1f s = %,10.0f spans/s (%,.0f usage events/s)%n", run.name(),
              run.events(), run.seconds(), spans / run.seconds(), (double) messages * usagePerExport / run.seconds());
        }
        System.out.printf("Bridge / ceiling: %.2f%n", ceiling.seconds() / bridge.seconds());
      }
      return 0;
    }
  }

  @Command(name = "dedup", mixinStandardHelpOptions = true,
      description = {"The dedup store's size on disk and in its changelog per million event ids, and its restore",
          "time from the changelog after the local state is wiped (an unclean stop under exactly-once)."})
  static final class Dedup implements Callable<Integer> {
    @Option(names = "--ids", split = ",", defaultValue = "1000000,5000000",
        description = "Event ids per run (default: ${DEFAULT-VALUE}).")
    java.util.List<Long> runs;

    @Override
    public Integer call() throws Exception {
      System.out.println("Machine: " + machine());
      System.out.printf("%12s %12s %11s %14s %9s %10s %10s %12s%n", "IDS", "STORE MiB", "B/ID STORE",
          "CHANGELOG MiB", "B/ID LOG", "PROCESS s", "RESTORE s", "RESTORED");
      for (long ids : runs) {
        Path dir = Files.createTempDirectory("tokenledger-bench-dedup");
        try (BrokerJvm broker = BrokerJvm.start(dir)) {
          String bootstrap = broker.bootstrap();
          TopologyBenchmark bench = new TopologyBenchmark(bootstrap, Files.createDirectories(dir.resolve("state")));
          Topics topics = bench.topics("bench.", 6);
          bench.createTopics(topics, null);
          bench.preload(topics, ids, 50);
          DedupBenchmark.Result r = DedupBenchmark.run(bench, bootstrap, topics, ids,
              Files.createDirectories(dir.resolve("dedup-state")));
          System.out.printf("%,12d %12.1f %11.1f %14.1f %9.1f %10.1f %10.1f %,12d%n", r.ids(),
              r.storeBytes() / 1048576.0, (double) r.storeBytes() / r.ids(), r.changelogBytes() / 1048576.0,
              (double) r.changelogBytes() / r.ids(), r.processSeconds(), r.restoreSeconds(), r.restoredRecords());
        }
      }
      return 0;
    }
  }
}
