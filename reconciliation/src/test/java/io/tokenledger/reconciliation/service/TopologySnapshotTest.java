package io.tokenledger.reconciliation.service;

import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.TopologySnapshot;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reconciliation topology as deployed (default settings), pinned: renaming a processor, store or topic fails here. */
class TopologySnapshotTest {
  @Test
  void theTopologyIsThePinnedOne() throws Exception {
    TopologySnapshot.assertMatches(ReconciliationApp.SERVICE.topology(Topics.defaults(), Map.of()),
        Path.of("src", "test", "resources", "topology", "reconciliation.txt"));
  }
}
