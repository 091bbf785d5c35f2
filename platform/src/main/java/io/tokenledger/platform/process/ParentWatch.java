package io.tokenledger.platform.process;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Child JVMs (the demo's Connect worker, a benchmark's broker and applications) end when the
 * process that started them ends, however it ends: a parent killed with -9 runs no shutdown hook
 * and would leave them running, holding ports and data directories. The parent passes its pid as
 * a system property; the child watches that process and exits (running its own shutdown hooks)
 * once it is gone.
 */
public final class ParentWatch {
  public static final String PARENT_PID_PROPERTY = "tokenledger.parent.pid";
  private static final Logger log = LoggerFactory.getLogger(ParentWatch.class);

  private ParentWatch() {
  }

  /** The JVM option that a parent gives each child it starts. */
  public static String childJvmOption() {
    return "-D" + PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid();
  }

  /** In a child's main: exits when the parent named by the system property ends (no-op without it). */
  public static void exitWithParent() {
    String pid = System.getProperty(PARENT_PID_PROPERTY);
    if (pid == null || pid.isBlank()) {
      return;
    }
    Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid.strip()));
    if (parent.isEmpty() || !parent.get().isAlive()) {
      exit(pid);
      return;
    }
    parent.get().onExit().thenRun(() -> exit(pid));
  }

  private static void exit(String pid) {
    log.error("The parent process {} has ended; stopping this child process too", pid);
    Thread stop = new Thread(() -> System.exit(3), "parent-gone");
    stop.start();
    // Shutdown hooks get their time; a hook that hangs does not keep an orphan alive.
    Thread halt = new Thread(() -> {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        return;
      }
      Runtime.getRuntime().halt(3);
    }, "parent-gone-halt");
    halt.setDaemon(true);
    halt.start();
  }
}
