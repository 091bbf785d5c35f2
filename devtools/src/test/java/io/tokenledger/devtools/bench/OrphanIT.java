package io.tokenledger.devtools.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.ops.cli.Ports;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A child JVM started by tokenledger ends when its parent is killed with -9 (no shutdown hook runs). */
class OrphanIT {
  @Test
  void aChildJvmEndsWhenItsParentIsKilled() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "orphan");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process parent = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        ChildJvmParent.class.getName(), dir.toString(), Integer.toString(Ports.free()), Integer.toString(Ports.free())))
        .redirectErrorStream(true).start();
    ProcessHandle child;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      while (line != null && !line.startsWith("child ")) {
        line = out.readLine();
      }
      assertTrue(line != null, "the parent printed no child pid");
      child = ProcessHandle.of(Long.parseLong(line.substring("child ".length()).strip())).orElseThrow();
      assertTrue(child.isAlive());
      parent.destroyForcibly(); // SIGKILL: the parent runs no shutdown hook
      assertTrue(parent.waitFor(30, TimeUnit.SECONDS));
      try {
        child.onExit().get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        child.destroyForcibly();
      }
      assertFalse(child.isAlive(), "the child JVM outlived its killed parent");
    }
  }
}
