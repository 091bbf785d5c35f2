package io.tokenledger.devtools.bench;

import io.tokenledger.platform.process.ParentWatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tokenledger command in a JVM of its own, as in production: the benchmark's broker and the
 * application it measures each get a process, pinned to a core with {@code taskset} where that
 * exists, so that their CPU can be told apart and neither steals from the other's JIT or GC.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final String name;

  private ChildJvm(Process process, String name) {
    this.process = process;
    this.name = name;
  }

  /** Starts {@code tokenledger <args>} with this JVM's classpath; output to {@code log}. */
  static ChildJvm start(String name, Integer cpu, String heap, Path log, String... args) throws IOException {
    return start(name, cpu, List.of("-Xmx" + heap), log, args);
  }

  /** The same with any JVM options, e.g. a flight recording. */
  static ChildJvm start(String name, Integer cpu, List<String> jvmOptions, Path log, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (cpu != null && Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      command.addAll(List.of("/usr/bin/taskset", "-c", cpu.toString()));
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    if (jvmOptions.stream().noneMatch(option -> option.startsWith("-XX:SharedArchiveFile="))) {
      command.addAll(classArchive());
    }
    command.add(ParentWatch.childJvmOption()); // the child ends when this process ends, even on kill -9
    command.addAll(List.of("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tokenledger",
        "-Dtokenledger.log.file=" + log.resolveSibling(log.getFileName() + ".app.log").toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), "io.tokenledger.devtools.DevMain"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ChildJvm(process, name);
  }

  /** The launcher's class data sharing archive, when it made one: a child starts as the launcher's JVM does. */
  static List<String> classArchive() {
    String archive = System.getProperty(CLASS_ARCHIVE);
    return archive != null && Files.isRegularFile(Path.of(archive))
        ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
            "-D" + CLASS_ARCHIVE + "=" + archive)
        : List.of();
  }

  /** Set by the launcher to the archive its JVM maps. */
  static final String CLASS_ARCHIVE = "tokenledger.class-archive";

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits until the process has written a line starting with {@code prefix} to its output. */
  void awaitLine(Path log, String prefix, java.time.Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (Files.readAllLines(log).stream().noneMatch(line -> line.startsWith(prefix))) {
      if (!alive()) {
        throw new IllegalStateException(name + " exited before it printed '" + prefix + "'; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not print '" + prefix + "' within " + timeout + "; see " + log);
      }
      TimeUnit.MILLISECONDS.sleep(200); // polling interval of the output file
    }
  }

  /** The most memory the process has held so far (VmHWM), in MiB; -1 where /proc does not say. */
  long peakRssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** SIGKILL: no shutdown hook, no commit, no close; returns once the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the commands shut down cleanly on it
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      System.err.println(name + " did not stop within 60 s of SIGTERM; killing it");
      process.destroyForcibly().waitFor();
    }
  }
}
