package io.tokenledger.devtools;

import io.tokenledger.devtools.bench.BenchCommand;
import io.tokenledger.devtools.broker.BrokerCommand;
import io.tokenledger.devtools.demo.DemoCommand;
import io.tokenledger.ops.Main;
import picocli.CommandLine;

/**
 * The tokenledger command for development, which {@code ./tokenledger} runs: every production
 * command (ops' {@link Main}) plus the demo, the dev broker and the benchmarks, which a
 * production install does without.
 */
public final class DevMain {
  private DevMain() {
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.addSubcommand(DemoCommand.class);
    cli.addSubcommand(BrokerCommand.class);
    cli.addSubcommand(BenchCommand.class);
    return cli;
  }

  public static void main(String[] args) {
    Main.prepareProcess();
    System.exit(commandLine().execute(args));
  }
}
