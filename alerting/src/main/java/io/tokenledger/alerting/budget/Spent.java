package io.tokenledger.alerting.budget;

import io.tokenledger.schemas.UsageAggregate;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Spend and tokens, the two things a budget limits. In stores it also carries the budget
 * version it was computed for and the earliest event time it includes (for burn rates).
 */
public record Spent(long nanoUsd, long tokens, long budgetVersion, long firstSeen) {
  public static final Spent ZERO = new Spent(0, 0, 0, Long.MAX_VALUE);

  static Spent of(UsageAggregate a) {
    return new Spent(a.getCostNanoUsd(), a.getUncachedInputTokens() + a.getCacheReadTokens()
        + a.getCacheWriteTokens() + a.getOutputTokens() + a.getReasoningTokens(), 0, Long.MAX_VALUE);
  }

  Spent plus(Spent other) {
    return new Spent(Math.addExact(nanoUsd, other.nanoUsd), Math.addExact(tokens, other.tokens), budgetVersion,
        Math.min(firstSeen, other.firstSeen));
  }

  Spent minus(Spent other) {
    return new Spent(nanoUsd - other.nanoUsd, tokens - other.tokens, budgetVersion, firstSeen);
  }

  Spent withVersion(long version) {
    return new Spent(nanoUsd, tokens, version, firstSeen);
  }

  Spent seenAt(long eventTime) {
    return new Spent(nanoUsd, tokens, budgetVersion, Math.min(firstSeen, eventTime));
  }

  boolean isZero() {
    return nanoUsd == 0 && tokens == 0;
  }

  /** Fixed 32-byte store layout (internal, changelog only). */
  public static Serde<Spent> serde() {
    return Serdes.serdeFrom(
        (topic, s) -> s == null ? null : ByteBuffer.allocate(32).putLong(s.nanoUsd).putLong(s.tokens)
            .putLong(s.budgetVersion).putLong(s.firstSeen).array(),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer b = ByteBuffer.wrap(bytes);
          return new Spent(b.getLong(), b.getLong(), b.getLong(), b.getLong());
        });
  }
}
