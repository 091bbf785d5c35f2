package io.tokenledger.alerting.budget;

import io.tokenledger.platform.streams.LedgerDifferences;

import io.tokenledger.schemas.tokens.TotalTokens;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.serde.StoredLayout;
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
    return new Spent(a.getCostNanoUsd(), TotalTokens.of(a), 0, Long.MAX_VALUE);
  }

  public Spent plus(Spent other) {
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

  /** A ledger bucket's spend as it changes; what is remembered keeps when the bucket was first seen. */
  static final LedgerDifferences.Arithmetic<Spent> ARITHMETIC = new LedgerDifferences.Arithmetic<>() {
    @Override
    public Spent minus(Spent current, Spent previous) {
      return current.minus(previous);
    }

    @Override
    public boolean isZero(Spent difference) {
      return difference.isZero();
    }

    @Override
    public Spent remembered(Spent current, Spent previous, long recordTime) {
      return current.seenAt(previous == null ? recordTime : previous.firstSeen());
    }
  };

  /** Store layout (internal, changelog only): a version byte, then four longs; unversioned 32-byte records still read. */
  private static final StoredLayout LAYOUT = new StoredLayout("budget spend", 1, 32);

  public static Serde<Spent> serde() {
    return Serdes.serdeFrom(
        (topic, s) -> s == null ? null : LAYOUT.writer(32).putLong(s.nanoUsd).putLong(s.tokens)
            .putLong(s.budgetVersion).putLong(s.firstSeen).array(),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer b = LAYOUT.reader(bytes).buffer();
          return new Spent(b.getLong(), b.getLong(), b.getLong(), b.getLong());
        });
  }
}
