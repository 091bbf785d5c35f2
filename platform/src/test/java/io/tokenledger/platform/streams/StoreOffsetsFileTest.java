package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The life of a store's offsets file outside Kafka Streams' start-up pass. */
class StoreOffsetsFileTest {
  private static final TopicPartition CHANGELOG = new TopicPartition("app-counts-changelog", 3);

  @TempDir
  Path taskDir;

  @Test
  void aKeptStoreAnswersItsCheckpointThenWhatItWasCommittedWith() throws Exception {
    StoreOffsetsFile.write(taskDir.resolve("counts.offsets"), Map.of(CHANGELOG, 41L));
    StoreOffsetsFile offsets = new StoreOffsetsFile("counts");

    assertFalse(offsets.initFromFile(context(), null, true), "outside the start-up pass the store below opens");
    assertEquals(41L, offsets.known(CHANGELOG), "after a crash: the checkpoint");
    assertNull(offsets.known(new TopicPartition("other", 3)));
    assertTrue(Files.exists(taskDir.resolve("counts.offsets")), "kept while open: still true");

    offsets.checkpoint(Map.of(CHANGELOG, 57L));
    assertEquals("app-counts-changelog 3 57\n", Files.readString(taskDir.resolve("counts.offsets")));
    offsets.committed(Map.of(CHANGELOG, 60L));
    assertEquals(60L, offsets.known(CHANGELOG), "a restore's progress or a close's commit");

    offsets.closing(partition -> 60L, true);
    assertEquals("app-counts-changelog 3 60\n", Files.readString(taskDir.resolve("counts.offsets")),
        "a clean close: what the store below answers");
  }

  @Test
  void aCloseWithUncommittedChangesDeletesTheFileBeforeKafkaStreamsWipesTheTask() throws Exception {
    StoreOffsetsFile.write(taskDir.resolve("counts.offsets"), Map.of(CHANGELOG, 41L));
    StoreOffsetsFile offsets = new StoreOffsetsFile("counts");
    offsets.initFromFile(context(), null, true);
    offsets.committed(Map.of(CHANGELOG, 50L));

    offsets.closing(partition -> 50L, false);

    assertFalse(Files.exists(taskDir.resolve("counts.offsets")));
  }

  @Test
  void aStoreNotKeptDeletesTheFileBeforeItOpens() throws Exception {
    StoreOffsetsFile.write(taskDir.resolve("counts.offsets"), Map.of(CHANGELOG, 41L));
    StoreOffsetsFile offsets = new StoreOffsetsFile("counts");

    offsets.initFromFile(context(), null, false);

    assertFalse(Files.exists(taskDir.resolve("counts.offsets")), "at least once: Kafka Streams keeps the offsets");
    assertNull(offsets.known(CHANGELOG));
  }

  private StateStoreContext context() {
    return (StateStoreContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {StateStoreContext.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "stateDir" -> taskDir.toFile();
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
