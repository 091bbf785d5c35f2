package io.tokenledger.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.streams.Topology;

/**
 * A Streams app's topology pinned in a file: its processor, store, topic and changelog names are
 * what a running application's state and offsets are found by, so a change to any of them must be
 * deliberate. Run with {@code -Dtokenledger.snapshots.update=true} to write the new description,
 * then review the diff and commit it with the change.
 */
public final class TopologySnapshot {
  public static final String UPDATE = "tokenledger.snapshots.update";

  private TopologySnapshot() {
  }

  public static void assertMatches(Topology topology, Path snapshot) throws IOException {
    String described = topology.describe().toString();
    if (Boolean.getBoolean(UPDATE) || !Files.exists(snapshot)) {
      Files.createDirectories(snapshot.getParent());
      Files.writeString(snapshot, described);
      if (!Boolean.getBoolean(UPDATE)) {
        throw new AssertionError("No topology snapshot yet: wrote " + snapshot + "; review it and commit it");
      }
      return;
    }
    assertEquals(Files.readString(snapshot), described, "the topology changed: processor, store or topic names decide "
        + "which state and offsets a running application finds. If the change is meant, run with -D" + UPDATE
        + "=true and commit " + snapshot + " (and say in the upgrade notes what happens to running state)");
  }
}
