package io.tokenledger.devtools.bench;

import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench dedup}: the dedup store's size and restore time. */
@Command(name = "dedup", mixinStandardHelpOptions = true,
    description = {"The dedup store's size on disk and in its changelog per million event ids, and its restore",
        "time from the changelog after the local state is wiped (an unclean stop under exactly-once)."})
final class BenchDedup implements Callable<Integer> {
  @Option(names = "--ids", split = ",", defaultValue = "1000000,5000000",
      description = "Event ids per run (default: ${DEFAULT-VALUE}).")
  java.util.List<Long> runs;

  @Override
  public Integer call() throws Exception {
    System.out.println("Machine: " + BenchCommand.machine());
    System.out.printf("%12s %12s %11s %14s %9s %10s %10s %12s%n", "IDS", "STORE MiB", "B/ID STORE",
        "CHANGELOG MiB", "B/ID LOG", "PROCESS s", "RESTORE s", "RESTORED");
    for (long ids : runs) {
      Path dir = Files.createTempDirectory("tokenledger-bench-dedup");
      try (BrokerJvm broker = BrokerJvm.start(dir)) {
        String bootstrap = broker.bootstrap();
        TopologyBenchmark bench = new TopologyBenchmark(bootstrap, Files.createDirectories(dir.resolve("state")));
        Topics topics = bench.topics("bench.", 6);
        bench.createTopics(topics);
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
