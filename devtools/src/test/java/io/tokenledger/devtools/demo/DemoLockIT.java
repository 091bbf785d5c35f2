package io.tokenledger.devtools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.devtools.DevMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two demos in one directory: the second refuses, naming the first's pid, and leaves the first
 * alone, which runs to its summary and exits 0.
 */
class DemoLockIT {
  @Test
  void aDemoKilledWithSigkillLeavesNoConnectWorkerBehind() throws Exception {
    Path connectors = Path.of("..", "connectors", "target").toAbsolutePath().normalize();
    Path jar = connectors.resolve("tokenledger-connectors-0.1.0-SNAPSHOT.jar");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(jar) && Files.isDirectory(connectors.resolve("lib")),
        "the connectors module is not packaged (run the whole build): " + jar);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "demo-kill");
    Path output = dir.resolveSibling(dir.getFileName() + ".out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process demo = new ProcessBuilder(List.of(java, "-Xmx1g", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger",
        "-Dtokenledger.connect.classpath=" + jar + System.getProperty("path.separator") + connectors.resolve("lib") + "/*",
        "-cp", System.getProperty("java.class.path"), DevMain.class.getName(), "demo", "--duration", "5m",
        "--data-dir", dir.toString(), "--dashboard-port", "0")).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    List<ProcessHandle> children = new java.util.ArrayList<>();
    try {
      awaitOutput(demo, output, "Started the Slack sink in a Connect worker");
      children.addAll(demo.children().toList());
      assertEquals(1, children.size(), "the Connect worker: " + children);
      ProcessHandle worker = children.get(0);
      demo.destroyForcibly(); // SIGKILL: no shutdown hook of the demo runs
      assertTrue(demo.waitFor(30, TimeUnit.SECONDS));
      try {
        worker.onExit().get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        worker.destroyForcibly();
      }
      assertTrue(!worker.isAlive(), "the Connect worker outlived the killed demo");
    } finally {
      demo.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aSecondDemoInTheSameDirectoryRefusesAndTheFirstFinishes() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "demo-lock");
    Path output = dir.resolveSibling(dir.getFileName() + ".out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process first = new ProcessBuilder(List.of(java, "-Xmx1g", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger",
        "-cp", System.getProperty("java.class.path"), DevMain.class.getName(), "demo", "--duration", "60s",
        "--data-dir", dir.toString(), "--dashboard-port", "0")).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    try {
      awaitOutput(first, output, "Simulated fleet started");

      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream original = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = DevMain.commandLine().execute("demo", "--duration", "5s", "--data-dir", dir.toString());
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

  /** Waits (2 minutes at most) until the demo has printed {@code text}. */
  private static void awaitOutput(Process demo, Path output, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.readString(output).contains(text)) {
      assertTrue(demo.isAlive(), "the demo ended before printing '" + text + "': " + Files.readString(output));
      assertTrue(System.nanoTime() < deadline, "the demo did not print '" + text + "': " + Files.readString(output));
      TimeUnit.MILLISECONDS.sleep(200); // polling interval of the output file
    }
  }
}
