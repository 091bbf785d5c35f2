package io.tokenledger.devtools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.devtools.DevMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command's {@code --help}: usage on stdout, exit 0, and not one warning before it. */
class HelpTest {
  static Stream<List<String>> commands() {
    List<List<String>> all = new ArrayList<>();
    collect(DevMain.commandLine(), new ArrayList<>(), all);
    return all.stream();
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> all) {
    all.add(List.copyOf(path));
    command.getSubcommands().forEach((name, sub) -> {
      if (sub.getCommandName().equals(name)) {  // aliases once
        List<String> next = new ArrayList<>(path);
        next.add(name);
        collect(sub, next, all);
      }
    });
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpPrintsUsageAndNoWarning(List<String> command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    java.io.PrintStream originalErr = System.err;
    // picocli's tracer writes warnings to System.err, not to the command's writer.
    System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      CommandLine cli = DevMain.commandLine();
      cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
      cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      code = cli.execute(args.toArray(String[]::new));
    } finally {
      System.setErr(originalErr);
    }
    String usage = out.toString(StandardCharsets.UTF_8);
    assertEquals("", err.toString(StandardCharsets.UTF_8), "tokenledger " + String.join(" ", command) + " --help");
    assertEquals(0, code);
    assertTrue(usage.startsWith("Usage: tokenledger"), usage);
  }
}
