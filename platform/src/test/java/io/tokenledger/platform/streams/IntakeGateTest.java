package io.tokenledger.platform.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.deadletters.DeadLetterReason;
import io.tokenledger.schemas.serde.UndecodableException;
import io.tokenledger.schemas.topics.TeamPartitions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The gate each producer-facing record passes, with a stand-in record type ("team:amount"):
 * every way to fail gives its own reason and keeps the original bytes; a record in another
 * team's partition is refused or reported, as the caller chose.
 */
class IntakeGateTest {
  private static final int PARTITIONS = 6;
  private static final String TOPIC = "in";

  record Charge(String team, long amount) {}

  private static final Deserializer<Charge> DECODE = (topic, bytes) -> {
    if (bytes == null) {
      return null;
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.startsWith("?")) {
      throw new UndecodableException(UndecodableException.Reason.UNKNOWN_SCHEMA, "fingerprint unknown", null);
    }
    String[] parts = text.split(":");
    return new Charge(parts[0], Long.parseLong(parts[1]));
  };

  private static final IntakeGate.Rules<Charge> RULES = new IntakeGate.Rules<>(Charge::team,
      c -> c.team() + "-" + c.amount(),
      (c, producedAt) -> c.amount() < 0 ? "amount: must not be negative, was " + c.amount() : null);

  private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props());

  private static Properties props() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "gate-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return p;
  }

  private IntakeGate<Charge> gate(IntakeGate.Placement placement) {
    return new IntakeGate<>(DECODE, RULES, new IntakeGate.Advice("charge", "nothing is deleted",
        "key it by the team", "produce it with the default partitioner"), PARTITIONS, placement, TOPIC, "dead");
  }

  private IntakeGate.Admitted<Charge> admit(IntakeGate<Charge> gate, String key, String value, int partition) {
    context.setRecordMetadata(TOPIC, partition, 42);
    context.setCurrentSystemTimeMs(2_000L);
    return gate.admit(context, new Record<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8), 1_000L));
  }

  private List<DeadLetter> letters() {
    return context.forwarded().stream().map(f -> (DeadLetter) f.record().value()).toList();
  }

  @Test
  void eachFailureIsDeadLetteredWithItsReasonAndTheOriginalBytes() {
    IntakeGate<Charge> gate = gate(IntakeGate.Placement.REFUSE);
    int home = TeamPartitions.partitionOf("support", PARTITIONS);
    int elsewhere = (home + 1) % PARTITIONS;
    assertNull(admit(gate, "support", "?x", home));
    assertNull(admit(gate, "support", "support:oops", home));
    assertNull(admit(gate, "support", null, home));
    assertNull(admit(gate, "support", "support:-5", home));
    assertNull(admit(gate, "finance", "support:5", home));
    assertNull(admit(gate, "support", "support:5", elsewhere));
    assertEquals(new Charge("support", 7), admit(gate, "support", "support:7", home).value());

    List<DeadLetter> letters = letters();
    assertEquals(List.of(DeadLetterReason.UNKNOWN_SCHEMA.name(), DeadLetterReason.CORRUPT.name(),
        DeadLetterReason.TOMBSTONE.name(), DeadLetterReason.INVALID.name(), DeadLetterReason.KEY_MISMATCH.name(),
        DeadLetterReason.MISPLACED.name()), letters.stream().map(DeadLetter::getReasonCode).toList());
    assertEquals("amount: must not be negative, was -5", letters.get(3).getReason());
    assertEquals("support--5", letters.get(3).getEventId());
    assertEquals("Record key must be the charge's team 'support' (UTF-8) but was 'finance'; key it by the team",
        letters.get(4).getReason());
    assertEquals("Charge of team 'support' is in partition " + elsewhere + ", not in the team's partition " + home
        + "; produce it with the default partitioner", letters.get(5).getReason());
    assertEquals("support:oops", StandardCharsets.UTF_8.decode(letters.get(1).getOriginalValue()).toString());
    assertEquals(42, letters.get(0).getSourceOffset());
    assertTrue(context.forwarded().stream().allMatch(f -> f.childName().orElseThrow().equals("dead")));
  }

  @Test
  void aRecordOutOfItsTeamsPartitionIsReportedWhenTheCallerMovesIt() {
    IntakeGate<Charge> gate = gate(IntakeGate.Placement.REPORT);
    int home = TeamPartitions.partitionOf("support", PARTITIONS);
    IntakeGate.Admitted<Charge> moved = admit(gate, "support", "support:5", (home + 1) % PARTITIONS);
    assertEquals(new IntakeGate.Admitted<>(new Charge("support", 5), true), moved);
    assertEquals(new IntakeGate.Admitted<>(new Charge("support", 5), false), admit(gate, "support", "support:5", home));
    assertEquals(List.of(), letters());
  }

  @Test
  void aKeyThatIsNotTextIsShownInHex() {
    assertEquals("the bytes 0xc328", IntakeGate.describeKey(new byte[] {(byte) 0xC3, 0x28}));
    assertEquals("no key (null)", IntakeGate.describeKey(null));
  }
}
