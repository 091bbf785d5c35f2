package io.tokenledger.ops.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.ops.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Two demos in one directory: the second refuses, naming the first's pid, and leaves the first
 * alone, which runs to its summary and exits 0.
 */
class DemoLockIT {
  @Test
  void aSecondDemoInTheSameDirectoryRefusesAndTheFirstFinishes() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "demo-lock");
    Path output = dir.resolveSibling(dir.getFileName() + ".out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process first = new ProcessBuilder(List.of(java, "-Xmx1g", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo", "--duration", "60s",
        "--data-dir", dir.toString(), "--dashboard-port", "0")).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!Files.readString(output).contains("Simulated fleet started")) {
        assertTrue(first.isAlive(), "the first demo ended early: " + Files.readString(output));
        assertTrue(System.nanoTime() < deadline, "the first demo did not start its fleet: " + Files.readString(output));
        TimeUnit.MILLISECONDS.sleep(200);
      }

      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream original = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = new CommandLine(new Main()).execute("demo", "--duration", "5s", "--data-dir", dir.toString());
      } finally {
        System.setErr(original);
      }
      assertEquals(2, code);
      assertEquals("A demo is already running here (pid " + first.pid() + ", in " + dir + "); stop it, or give this "
          + "one its own directory with --data-dir.", err.toString(StandardCharsets.UTF_8).strip());

      assertTrue(first.waitFor(5, TimeUnit.MINUTES), "the first demo did not finish");
      String printed = Files.readString(output);
      assertEquals(0, first.exitValue(), printed);
      assertTrue(printed.contains("(all of them, each once)"), printed);
    } finally {
      first.destroyForcibly();
    }
  }
}
