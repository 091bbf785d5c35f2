package io.tokenledger.devtools.bench;

import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.streams.StartUpReport;
import io.tokenledger.schemas.topics.Topics;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench restart}: how long the aggregation takes to run again after {@code kill -9}, and where it goes. */
@Command(name = "restart", mixinStandardHelpOptions = true,
    description = {"Restart after kill -9: the aggregation, started as 'tokenledger aggregation' starts it (its own JVM,",
        "query endpoint, topic checks), counts a steady load; it is killed with SIGKILL and started again, --restarts",
        "times. Each start's parts come from its log: the JVM until main's start of Kafka Streams (topic checks,",
        "topology), then to RUNNING, of which restoring the stores. With the launcher's class archive and without",
        "it, side by side in one run. The broker runs in a JVM of its own on core 0."})
final class BenchRestart implements Callable<Integer> {
  @Option(names = "--restarts", defaultValue = "3", description = "Kills and starts per series (default: ${DEFAULT-VALUE}).")
  int restarts;

  @Option(names = "--rate", defaultValue = "2000", description = "Events per second sent throughout (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--between", defaultValue = "15",
      description = "Seconds the aggregation runs before each kill (default: ${DEFAULT-VALUE}).")
  int between;

  @Option(names = "--app-jvm-option", description = "An option for the aggregation's JVM (repeatable), e.g. a "
      + "profiler agent.")
  List<String> appJvmOptions = new ArrayList<>();

  @Option(names = "--stop", defaultValue = "kill", description = "How the aggregation is stopped before each start: "
      + "kill (SIGKILL, the crash) or term (SIGTERM, a clean close: what a restart costs when no store is rebuilt) "
      + "(default: ${DEFAULT-VALUE}).")
  Stop stop;

  /** How the aggregation is stopped before it starts again. */
  enum Stop { kill, term }

  @Option(names = "--series", description = "Only this series: with or without (the class archive); default both.")
  String only;

  @Mixin
  BenchLoad load;

  /** One start's parts, from the log line every service writes when it first runs. */
  private static Optional<StartUpReport> startUpIn(Path log) throws java.io.IOException {
    return Files.exists(log) ? StartUpReport.find(Files.readString(log)) : Optional.empty();
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("tokenledger-bench");
    System.out.println("Machine: " + BenchCommand.machine());
    List<String> archive = ChildJvm.classArchive();
    System.out.printf("%s; %,d events/s; %d %s per series, %d s apart; logs in %s%n", load, rate, restarts,
        stop == Stop.kill ? "kills" : "clean stops (SIGTERM)", between, dir);
    if (archive.isEmpty()) {
      System.out.println("No class archive (the launcher makes one unless TOKENLEDGER_CLASS_ARCHIVE=off): the series "
          + "without it only");
    }
    try (BrokerJvm broker = BrokerJvm.start(dir)) {
      TopologyBenchmark bench = new TopologyBenchmark(broker.bootstrap(), Files.createDirectories(dir.resolve("state")));
      List<String> series = archive.isEmpty() ? List.of("without class archive")
          : List.of("with class archive", "without class archive");
      for (String name : series) {
        if (only != null && !name.startsWith(only + " ")) {
          continue;
        }
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        jvm.addAll(appJvmOptions);
        if (name.startsWith("without ")) { // the JDK's own archive (its classes only), as a JVM has by default
          jvm.add("-XX:SharedArchiveFile=" + Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa"));
        }
        List<StartUpReport> starts = series(bench, broker.bootstrap(), dir, name.replace(' ', '-'), jvm);
        print(name, starts);
      }
    }
    return 0;
  }

  /** Starts, then kills and starts again {@code restarts} times under load; the first start is not a restart. */
  private List<StartUpReport> series(TopologyBenchmark bench, String bootstrap, Path dir, String name, List<String> jvm)
      throws Exception {
    String prefix = "bench-restart-" + name + ".";
    Topics topics = bench.topics(prefix, load.partitions);
    bench.createTopics(topics);
    String[] models = load.modelNames();
    bench.seedPrices(topics, models);
    Path config = config(bootstrap, prefix, "bench-restart-" + name, Files.createDirectories(dir.resolve(name)),
        load.streamsSettings);
    String[] command = {"aggregation", "--config", config.toString(), "--query-endpoint", "127.0.0.1:" + Ports.free()};
    AtomicBoolean running = new AtomicBoolean(true);
    Thread producer = new Thread(() -> LatencyBenchmark.produce(bootstrap, topics, new LatencyBenchmark.Series(
        load.teams, load.workflows, models), rate, running, new AtomicLong()), "bench-restart-load");
    producer.start();
    List<StartUpReport> starts = new ArrayList<>();
    try {
      for (int start = 0; start <= restarts; start++) {
        Path log = dir.resolve(name + "-" + start + ".out");
        ChildJvm app = ChildJvm.start("aggregation", null, jvm, log, command);
        Path appLog = log.resolveSibling(log.getFileName() + ".app.log");
        StartUpReport startUp = awaitStartUp(app, appLog, log);
        if (start > 0) {
          starts.add(startUp);
          System.out.printf("  %s, restart %d: %s%n", name, start, startUp.message());
        }
        TimeUnit.SECONDS.sleep(between); // counting under load, then the crash
        if (start < restarts && stop == Stop.kill) {
          app.kill();
        } else {
          app.close();
        }
      }
    } finally {
      running.set(false);
      producer.join();
    }
    return starts;
  }

  private static StartUpReport awaitStartUp(ChildJvm app, Path appLog, Path out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (true) {
      Optional<StartUpReport> startUp = startUpIn(appLog).or(() -> {
        try {
          return startUpIn(out); // a logging configuration of one's own may write to the console
        } catch (java.io.IOException e) {
          return Optional.empty();
        }
      });
      if (startUp.isPresent()) {
        return startUp.get();
      }
      if (!app.alive() || System.nanoTime() > deadline) {
        app.kill();
        throw new IllegalStateException("the aggregation did not reach RUNNING; see " + out + " and " + appLog);
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling interval of the log
    }
  }

  private static Path config(String bootstrap, String prefix, String applicationId, Path dir, List<String> settings)
      throws Exception {
    Properties p = new Properties();
    for (String setting : settings) {
      String[] kv = setting.split("=", 2);
      p.put(kv[0], kv[1]);
    }
    p.put("bootstrap.servers", bootstrap);
    p.put(Topics.PREFIX_CONFIG, prefix);
    p.put("application.id", applicationId);
    p.put("state.dir", Files.createDirectories(dir.resolve("state")).toString());
    Path file = dir.resolve("aggregation.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "bench restart");
    }
    return file;
  }

  private static void print(String name, List<StartUpReport> starts) {
    System.out.printf("%s:%n", name);
    System.out.println("| restart | JVM start to main's start of Kafka Streams | then to RUNNING | of which restoring "
        + "| records restored | RUNNING after JVM start |");
    System.out.println("|---|---|---|---|---|---|");
    for (int i = 0; i < starts.size(); i++) {
      StartUpReport s = starts.get(i);
      System.out.printf("| %d | %,d ms | %,d ms | %,d ms | %,d | %,d ms |%n", i + 1, s.toStreamsMillis(),
          s.toRunningMillis(), s.restoringMillis(), s.restoredRecords(), s.runningMillis());
    }
    long[] running = starts.stream().mapToLong(StartUpReport::runningMillis).sorted().toArray();
    System.out.printf("median RUNNING after JVM start: %,d ms%n", running[running.length / 2]);
  }
}
