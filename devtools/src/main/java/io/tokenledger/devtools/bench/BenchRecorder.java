package io.tokenledger.devtools.bench;

import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench recorder}: JMH on the recorder's hot path. */
@Command(name = "recorder", mixinStandardHelpOptions = true,
    description = "JMH: the recorder's per-record cost on the caller's thread, and Avro encoding.")
final class BenchRecorder implements Callable<Integer> {
  @Option(names = "--quick", description = "Shorter runs (for a smoke check, not for figures).")
  boolean quick;

  @Override
  public Integer call() throws Exception {
    System.out.println("Machine: " + BenchCommand.machine());
    new Runner(new OptionsBuilder().include(RecorderBenchmarks.class.getName())
        .forks(1).warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(quick ? 1 : 3))
        .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(quick ? 1 : 3))
        .jvmArgsAppend("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger", "-Xmx2g")
        .build()).run();
    return 0;
  }
}
