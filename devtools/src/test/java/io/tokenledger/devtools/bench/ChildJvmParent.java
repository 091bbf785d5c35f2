package io.tokenledger.devtools.bench;

import java.nio.file.Path;

/**
 * A parent process for {@link OrphanIT}: starts a dev broker as a child JVM the way the benchmarks
 * do, prints the child's pid, and waits to be killed.
 */
public final class ChildJvmParent {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    ChildJvm child = ChildJvm.start("broker", null, "256m", dir.resolve("broker.out"), "broker", "--port", args[1],
        "--controller-port", args[2], "--data-dir", dir.resolve("broker").toString());
    System.out.println("child " + child.pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
