package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted instance must come back as the same static member, so that it takes its tasks
 * back at once instead of after the session timeout (recovery figures in BENCHMARKS.md).
 */
class StreamsAppsTest {
  private static final String INSTANCE_ID = StreamsConfig.mainConsumerPrefix("group.instance.id");

  @TempDir Path one;
  @TempDir Path other;

  @Test
  void anInstanceOnTheSameStateDirectoryKeepsItsStaticMemberId() throws Exception {
    String first = StreamsApps.withStaticMembership(config(one)).getProperty(INSTANCE_ID);
    String afterRestart = StreamsApps.withStaticMembership(config(one)).getProperty(INSTANCE_ID);
    String elsewhere = StreamsApps.withStaticMembership(config(other)).getProperty(INSTANCE_ID);
    assertTrue(first.startsWith("tokenledger-aggregation-"), first);
    assertEquals(first, afterRestart, "a restart on the same state directory is the same member");
    assertNotEquals(first, elsewhere, "another state directory is another instance");
    assertEquals("10000", StreamsApps.withStaticMembership(config(one))
        .getProperty(StreamsConfig.mainConsumerPrefix("session.timeout.ms")), "a member gone for good is replaced in 10 s");
  }

  @Test
  void anExplicitIdOrTurningItOffIsRespected() throws Exception {
    Properties explicit = config(one);
    explicit.put("group.instance.id", "node-7");
    assertFalse(StreamsApps.withStaticMembership(explicit).containsKey(INSTANCE_ID));
    Properties off = config(one);
    off.put(StreamsApps.STATIC_MEMBERSHIP, "false");
    assertFalse(StreamsApps.withStaticMembership(off).containsKey(INSTANCE_ID));
  }

  @Test
  void onlyAnExactlyOnceRunThatLeftTaskStateWithoutACleanMarkCountsAsCrashed() throws Exception {
    Properties config = config(one);
    assertFalse(StreamsApps.crashedLastTime(config), "a first start: nothing to wipe");
    java.nio.file.Files.createDirectories(one.resolve("tokenledger-aggregation"));
    assertFalse(StreamsApps.crashedLastTime(config), "Kafka Streams made the app directory, no task ran yet");
    java.nio.file.Files.createDirectories(one.resolve("tokenledger-aggregation").resolve("0_3"));
    assertTrue(StreamsApps.crashedLastTime(config), "task state and no clean-shutdown mark");
    java.nio.file.Files.writeString(one.resolve("tokenledger-tokenledger-aggregation.clean-shutdown"), "");
    assertFalse(StreamsApps.crashedLastTime(config), "marked clean: the state is kept");
    assertTrue(StreamsApps.crashedLastTime(config), "the mark is taken by the start that read it");
    Properties atLeastOnce = config(one);
    atLeastOnce.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    assertFalse(StreamsApps.crashedLastTime(atLeastOnce), "at-least-once state survives a crash");
  }

  @Test
  void aCrashWipesTheTasksStateAndKeepsTheGlobalStoresAndTheProcessId() throws Exception {
    Path app = one.resolve("tokenledger-aggregation");
    java.nio.file.Files.createDirectories(app.resolve("1_4").resolve("rocksdb").resolve("team-1m-store"));
    java.nio.file.Files.writeString(app.resolve("1_4").resolve("rocksdb").resolve("team-1m-store").resolve("000001.sst"), "x");
    java.nio.file.Files.createDirectories(app.resolve("0_0").resolve("dedup-store"));
    java.nio.file.Files.createDirectories(app.resolve("global").resolve("rocksdb").resolve("price-catalog-store"));
    java.nio.file.Files.writeString(app.resolve("global").resolve(".checkpoint"), "0\n1\nprices 0 7\n");
    java.nio.file.Files.writeString(app.resolve("kafka-streams-process-metadata"), "id");

    assertEquals(0, StreamsApps.wipeTaskStateNotKept(config(one)));

    try (var left = java.nio.file.Files.list(app)) {
      assertEquals(java.util.Set.of("global", "kafka-streams-process-metadata"),
          left.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
    }
    assertTrue(java.nio.file.Files.exists(app.resolve("global").resolve(".checkpoint")),
        "the global stores restore from their checkpoint");
    assertFalse(StreamsApps.crashedLastTime(config(one)), "no task state left to call crashed");
  }

  @Test
  void aCrashKeepsATaskWhoseEveryStoreHasItsCheckpoint() throws Exception {
    Path app = one.resolve("tokenledger-aggregation");
    Path kept = app.resolve("0_1");
    java.nio.file.Files.createDirectories(kept.resolve("dedup-store").resolve("dedup-store.1700000000000"));
    java.nio.file.Files.writeString(kept.resolve("dedup-store.offsets"), "dedup-changelog 1 42\n");
    java.nio.file.Files.createDirectories(kept.resolve("team-1m-store"));
    java.nio.file.Files.writeString(kept.resolve("team-1m-store.offsets"), "team-changelog 1 7\n");
    java.nio.file.Files.writeString(kept.resolve("team-1m-store.not-final"), "x");
    Path partly = app.resolve("0_2");
    java.nio.file.Files.createDirectories(partly.resolve("dedup-store"));
    java.nio.file.Files.writeString(partly.resolve("dedup-store.offsets"), "dedup-changelog 2 42\n");
    java.nio.file.Files.createDirectories(partly.resolve("team-1m-store")); // no checkpoint yet
    Path ownRocksDb = app.resolve("0_3");
    java.nio.file.Files.createDirectories(ownRocksDb.resolve("rocksdb").resolve("applied-store"));
    java.nio.file.Files.createDirectories(ownRocksDb.resolve("dedup-store"));
    java.nio.file.Files.writeString(ownRocksDb.resolve("dedup-store.offsets"), "dedup-changelog 3 42\n");

    assertEquals(1, StreamsApps.wipeTaskStateNotKept(config(one)));

    try (var left = java.nio.file.Files.list(app)) {
      assertEquals(java.util.Set.of("0_1"),
          left.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
    }
    assertTrue(java.nio.file.Files.exists(kept.resolve("dedup-store").resolve("dedup-store.1700000000000")));
    assertTrue(java.nio.file.Files.exists(kept.resolve("team-1m-store.not-final")));
  }

  private static Properties config(Path stateDir) {
    return StreamsApps.baseConfig("tokenledger-aggregation", Map.of(StreamsConfig.STATE_DIR_CONFIG,
        stateDir.toString()));
  }
}
