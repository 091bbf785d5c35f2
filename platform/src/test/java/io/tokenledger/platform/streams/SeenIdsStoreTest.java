package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.internals.WindowKeySchema;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.internals.OffsetCheckpoint;
import org.junit.jupiter.api.Test;

/**
 * A changelog record of ids turns back into the local store's entries exactly: one entry per
 * hash group and ten seconds of event time, each holding its ids and no other.
 */
class SeenIdsStoreTest {
  private static final long HOUR = 1_780_000_000_000L / 3_600_000 * 3_600_000;

  private static SeenIdsStore.Seen seen(String id, long time) {
    return SeenIdsStore.Seen.of(id, time);
  }

  @Test
  void idsOfAnHourRoundTripUuidsInSixteenBytesAndTextAsItIs() {
    List<SeenIdsStore.Seen> ids = List.of(
        seen("0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a", HOUR + 1),
        seen("0192F0C4-5A1E-7C3D-9B2A-1F2E3D4C5B6A", HOUR + 2), // upper case: would not come back the same as a UUID
        seen("call:req_8f2a", HOUR + 3_599_999));
    byte[] value = SeenIdsStore.encode(HOUR, ids);
    // version byte, hour, count, then per id its offset, kind and body
    assertEquals(1 + 8 + 4 + (4 + 1 + 16) + (4 + 1 + 2 + 36) + (4 + 1 + 2 + 13), value.length);
    List<SeenIdsStore.Seen> back = new ArrayList<>();
    SeenIdsStore.decode(ByteBuffer.wrap(value, 1, value.length - 1), back);
    assertEquals(ids, back);
  }

  @Test
  void aChangelogRecordBecomesOneEntryPerGroupAndSliceHoldingExactlyItsIds() {
    List<SeenIdsStore.Seen> ids = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // two slices of ten seconds, UUIDs and text
      ids.add(seen(String.format("0192f0c4-5a1e-7c3d-9b2a-%012x", i * 7919L), HOUR + (i % 2) * 10_000 + i));
      ids.add(seen("call:" + i, HOUR + 15_000));
    }
    List<ConsumerRecord<byte[], byte[]>> out = SeenIdsStore.restored(List.of(
        new ConsumerRecord<>("changelog", 3, 41L, new byte[16], SeenIdsStore.encode(HOUR, ids))));
    Set<String> groupsAndSlices = new HashSet<>();
    for (SeenIdsStore.Seen id : ids) {
      groupsAndSlices.add(id.group() + "@" + (id.time() / 10_000 * 10_000));
    }
    assertEquals(groupsAndSlices.size() + 1, out.size(), "an entry per group and slice, then the marker");
    List<SeenIdsStore.Seen> held = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> entry : out.subList(0, out.size() - 1)) {
      ByteBuffer key = ByteBuffer.wrap(entry.key());
      assertEquals(1, key.get(0), "a group entry's tag");
      int group = key.get(1) & 0xFF;
      long slice = key.getLong(2);
      // the window store's key: the group key (18 bytes), the window's start, a sequence number
      assertEquals(18 + 8 + 4, entry.key().length);
      assertEquals(slice, key.getLong(18), "the entry's window is its slice");
      List<SeenIdsStore.Seen> inEntry = new ArrayList<>();
      SeenIdsStore.decode(ByteBuffer.wrap(entry.value(), 1, entry.value().length - 1), inEntry);
      for (SeenIdsStore.Seen id : inEntry) {
        assertEquals(group, id.group());
        assertEquals(slice, id.time() / 10_000 * 10_000);
        assertTrue(SeenIdsStore.holds(entry.value(), id));
      }
      held.addAll(inEntry);
      assertEquals(3, entry.partition());
      assertEquals(41L, entry.offset());
    }
    assertEquals(new HashSet<>(ids), new HashSet<>(held), "every id once, in its entry");
    assertEquals(ids.size(), held.size());
  }

  @Test
  void anEntryHoldsAnIdAtItsTimeOnly() {
    SeenIdsStore.Seen uuid = seen("0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a", HOUR + 5);
    SeenIdsStore.Seen text = seen("call:req_8f2a", HOUR + 6);
    byte[] entry = SeenIdsStore.encode(HOUR, List.of(uuid, text));
    assertTrue(SeenIdsStore.holds(entry, uuid));
    assertTrue(SeenIdsStore.holds(entry, text));
    assertFalse(SeenIdsStore.holds(entry, seen("0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a", HOUR + 6)), "another time");
    assertFalse(SeenIdsStore.holds(entry, seen("0192F0C4-5A1E-7C3D-9B2A-1F2E3D4C5B6A", HOUR + 5)), "other text");
    assertFalse(SeenIdsStore.holds(entry, seen("call:req_8f2b", HOUR + 6)));
    assertFalse(SeenIdsStore.holds(entry, seen("call:req_8f2", HOUR + 6)), "a prefix is another id");
  }

  @Test
  void aRecordOfTheEarlierLayoutIsRestoredAsItIs() {
    byte[] key = WindowKeySchema.toStoreKeyBinary(Bytes.wrap("e-1".getBytes(StandardCharsets.UTF_8)), HOUR, 0).get();
    ConsumerRecord<byte[], byte[]> old = new ConsumerRecord<>("changelog", 0, 7L, key,
        ByteBuffer.allocate(8).putLong(HOUR).array());
    List<ConsumerRecord<byte[], byte[]>> out = SeenIdsStore.restored(List.of(old));
    assertEquals(2, out.size());
    assertEquals(old, out.get(0));
    assertArrayEquals(WindowKeySchema.toStoreKeyBinary(Bytes.wrap(new byte[] {0}), HOUR, 0).get(), out.get(1).key());
  }

  @Test
  void aRestoredBatchMarksTheLatestTimeOfItsIds() {
    List<ConsumerRecord<byte[], byte[]>> out = SeenIdsStore.restored(List.of(new ConsumerRecord<>("changelog", 1, 5L,
        new byte[16], SeenIdsStore.encode(HOUR, List.of(seen("a", HOUR + 9), seen("b", HOUR + 700), seen("c", HOUR + 3))))));
    ConsumerRecord<byte[], byte[]> marker = out.get(out.size() - 1);
    assertArrayEquals(WindowKeySchema.toStoreKeyBinary(Bytes.wrap(new byte[] {0}), HOUR + 700, 0).get(), marker.key());
    assertEquals(HOUR + 700, ByteBuffer.wrap(marker.value()).getLong());
    assertEquals(5L, marker.offset());
  }
  @Test
  void anEmptyStoreAnswersOffsetUnknownSoThatItsTaskIsNotRebuilt() throws Exception {
    Topology topology = new Topology();
    topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
    topology.addProcessor("dedup", () -> new Processor<String, String, Void, Void>() {
      private SeenIdsStore seen;

      @Override
      public void init(ProcessorContext<Void, Void> context) {
        seen = SeenIdsStore.of(context, "seen");
      }

      @Override
      public void process(Record<String, String> record) {
        seen.rememberIfNew(record.value(), record.timestamp());
      }
    }, "in");
    topology.addStateStore(SeenIdsStore.builder("seen", Duration.ofHours(1)), "dedup");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ids");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("ids").toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    Instant t0 = Instant.ofEpochMilli(HOUR);
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, t0)) {
      SeenIdsStore store = (SeenIdsStore) driver.getStateStore("seen");
      TopicPartition changelog = new TopicPartition("ids-seen-changelog", 0);
      assertEquals(OffsetCheckpoint.OFFSET_UNKNOWN, store.committedOffset(changelog),
          "no segment: restored from the changelog's start, not taken for corrupt under exactly-once");

      driver.createInputTopic("in", new StringSerializer(), new StringSerializer()).pipeInput("k", "call:1", t0);
      store.commit(Map.of(changelog, 0L)); // what Kafka Streams does before it records the offset
      assertEquals(0L, store.committedOffset(changelog), "a segment: the offset it recorded");
    }
  }
}
