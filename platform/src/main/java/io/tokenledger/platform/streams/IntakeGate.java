package io.tokenledger.platform.streams;

import io.tokenledger.schemas.DeadLetter;
import io.tokenledger.schemas.deadletters.DeadLetterReason;
import io.tokenledger.schemas.serde.UndecodableException;
import io.tokenledger.schemas.topics.TeamPartitions;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a service takes a record from a producer-facing topic: decode, refuse a tombstone,
 * validate, check that the key is the record's team and that the record is in the team's
 * partition. A record that fails goes to the dead-letter child with its reason and original
 * bytes; bad input never stops the topology. What is specific to a record type is in its
 * {@link Rules}.
 *
 * @param <T> the record type
 */
public final class IntakeGate<T> {
  private static final Logger log = LoggerFactory.getLogger(IntakeGate.class);

  /**
   * What the gate needs to know of a record type: the team it belongs to (its key, and its
   * partition by Kafka's default partitioner), its own id (put on its dead letter), and what is
   * wrong with it for its producer (null when nothing is; the record's timestamp is when it was
   * produced).
   */
  public record Rules<T>(Function<T, String> team, Function<T, String> id, BiFunction<T, Long, String> problems) {}

  /**
   * What a producer is told. {@code type} names the record ("usage event"); the others say what
   * to do about a tombstone, a wrong key and a record in another team's partition.
   */
  public record Advice(String type, String tombstone, String key, String placement) {}

  /** An admitted record, and whether it came in a partition other than its team's. */
  public record Admitted<T>(T value, boolean misplaced) {}

  /** Whether a record out of its team's partition is refused, or admitted as misplaced for the caller to move. */
  public enum Placement { REFUSE, REPORT }

  private final Deserializer<T> decoder;
  private final Rules<T> rules;
  private final Advice advice;
  private final int partitions;
  private final Placement placement;
  private final String placedTopic;
  private final String deadLetterChild;

  /**
   * @param partitions the partition count the team's partition is computed for
   * @param placedTopic the topic whose records must be in their team's partition; null for every topic read
   */
  public IntakeGate(Deserializer<T> decoder, Rules<T> rules, Advice advice, int partitions, Placement placement,
      String placedTopic, String deadLetterChild) {
    this.decoder = decoder;
    this.rules = rules;
    this.advice = advice;
    this.partitions = partitions;
    this.placement = placement;
    this.placedTopic = placedTopic;
    this.deadLetterChild = deadLetterChild;
  }

  /** The record's value when it passes; null when it was dead-lettered. */
  public Admitted<T> admit(ProcessorContext<Object, Object> context, Record<byte[], byte[]> record) {
    T value;
    try {
      value = decoder.deserialize(null, record.value());
    } catch (UndecodableException e) {
      reject(context, record, DeadLetterReason.of(e.reason()), e.getMessage(), null);
      return null;
    } catch (RuntimeException e) {
      reject(context, record, DeadLetterReason.CORRUPT, "Value does not decode as a " + advice.type() + ": " + e, null);
      return null;
    }
    if (value == null) {
      reject(context, record, DeadLetterReason.TOMBSTONE, "Value is null (a tombstone); " + advice.tombstone(), null);
      return null;
    }
    String problems = rules.problems().apply(value, record.timestamp());
    if (problems != null) {
      reject(context, record, DeadLetterReason.INVALID, problems, value);
      return null;
    }
    String team = rules.team().apply(value);
    if (!Arrays.equals(team.getBytes(StandardCharsets.UTF_8), record.key())) {
      reject(context, record, DeadLetterReason.KEY_MISMATCH, "Record key must be the " + advice.type() + "'s team '"
          + team + "' (UTF-8) but was " + describeKey(record.key()) + "; " + advice.key(), value);
      return null;
    }
    RecordMetadata source = context.recordMetadata().orElse(null);
    boolean checked = source != null && (placedTopic == null || placedTopic.equals(source.topic()));
    int home = checked ? TeamPartitions.partitionOf(team, partitions) : -1;
    if (checked && source.partition() != home) {
      if (placement == Placement.REPORT) {
        return new Admitted<>(value, true);
      }
      reject(context, record, DeadLetterReason.MISPLACED, capitalised(advice.type()) + " of team '" + team + "' is in partition "
          + source.partition() + ", not in the team's partition " + home + "; " + advice.placement(), value);
      return null;
    }
    return new Admitted<>(value, false);
  }

  /** Dead-letters a record that passed the gate but cannot be taken for a reason of the caller's. */
  public void reject(ProcessorContext<Object, Object> context, Record<byte[], byte[]> record, DeadLetterReason reason,
      String message, T value) {
    DeadLetter letter = DeadLetters.of(context, record, reason, message,
        value == null ? null : rules.id().apply(value), value == null ? null : rules.team().apply(value));
    log.warn("Dead-lettered {} record {}-{}@{} ({}): {}", advice.type(), letter.getSourceTopic(),
        letter.getSourcePartition(), letter.getSourceOffset(), reason, message);
    context.forward(new Record<Object, Object>(record.key(), letter, record.timestamp()), deadLetterChild);
  }

  private static String capitalised(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** A key as an operator can recognise it: its text when it is UTF-8, else its bytes in hex. */
  public static String describeKey(byte[] key) {
    if (key == null) {
      return "no key (null)";
    }
    try {
      return "'" + StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(key)) + "'";
    } catch (CharacterCodingException e) {
      return "the bytes 0x" + HexFormat.of().formatHex(key);
    }
  }
}
