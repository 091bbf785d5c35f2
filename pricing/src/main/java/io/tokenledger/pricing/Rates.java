package io.tokenledger.pricing;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.tokens.TokenKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * One price per {@link TokenKind}, as one event of a version is billed. Prices are micro-USD per
 * million tokens, which is pico-USD per token, so tokens x price is an exact integer in pico-USD
 * and the event's total is rounded once, half-up, to nano-USD. A version with a price finer than
 * a micro-USD per 1M tokens carries exact decimals instead, and is priced with them (exactly,
 * rounded the same once); only those pay for decimal arithmetic.
 */
public final class Rates {
  private static final long PICO_PER_NANO = 1_000L;
  private static final BigDecimal USD_PER_MILLION_TO_NANO_PER_TOKEN = BigDecimal.valueOf(1_000);

  private final long[] micro;
  private final BigDecimal[] exact;

  private Rates(long[] micro, BigDecimal[] exact) {
    this.micro = micro;
    this.exact = exact;
  }


  /**
   * Prices in USD per 1M tokens, by kind ordinal: in micro-USD when every one is a whole micro-USD
   * per 1M tokens (the fast path), else exactly.
   */
  public static Rates of(BigDecimal[] usdPerMillion) {
    if (usdPerMillion.length != TokenKind.ALL.length) {
      throw new IllegalArgumentException("a price per token kind: " + TokenKind.ALL.length + ", not "
          + usdPerMillion.length);
    }
    long[] rounded = new long[usdPerMillion.length];
    boolean whole = true;
    for (int k = 0; k < usdPerMillion.length; k++) {
      BigDecimal micro = usdPerMillion[k].movePointRight(6);
      rounded[k] = micro.setScale(0, RoundingMode.HALF_UP).longValueExact();
      whole &= micro.stripTrailingZeros().scale() <= 0;
    }
    return new Rates(rounded, whole ? null : usdPerMillion.clone());
  }

  /** The price of a kind, micro-USD per 1M tokens (rounded half-up when the exact price is finer). */
  public long micro(TokenKind kind) {
    return micro[kind.ordinal()];
  }

  /** The price of a kind, USD per 1M tokens, exactly. */
  public BigDecimal usdPerMillion(TokenKind kind) {
    return exact != null ? exact[kind.ordinal()] : BigDecimal.valueOf(micro[kind.ordinal()], 6);
  }

  /** Whether some price is finer than a micro-USD per 1M tokens. */
  public boolean finerThanMicro() {
    return exact != null;
  }

  /** @throws ArithmeticException if the cost does not fit in a long (absurd input) */
  public long nanoUsd(UsageEvent e) {
    if (exact != null) {
      return nanoUsd(TokenKind.tokens(e));
    }
    // The per-event path: no array, no lambda.
    long pico = Math.multiplyExact(e.getUncachedInputTokens(), micro[0]);
    pico = Math.addExact(pico, Math.multiplyExact(e.getCacheReadTokens(), micro[1]));
    pico = Math.addExact(pico, Math.multiplyExact(e.getCacheWriteTokens(), micro[2]));
    pico = Math.addExact(pico, Math.multiplyExact(e.getCacheWrite1hTokens(), micro[3]));
    pico = Math.addExact(pico, Math.multiplyExact(e.getOutputTokens(), micro[4]));
    pico = Math.addExact(pico, Math.multiplyExact(e.getReasoningTokens(), micro[5]));
    pico = Math.addExact(pico, Math.multiplyExact(e.getAudioInputTokens(), micro[6]));
    pico = Math.addExact(pico, Math.multiplyExact(e.getAudioOutputTokens(), micro[7]));
    return (pico + PICO_PER_NANO / 2) / PICO_PER_NANO;
  }

  /** A ledger bucket's sums at these prices, rounded half-up once for the bucket. */
  public long nanoUsd(UsageAggregate bucket) {
    return nanoUsd(TokenKind.tokens(bucket));
  }

  /** Tokens by kind ordinal at these prices, rounded half-up once. */
  public long nanoUsd(long[] tokens) {
    if (exact == null) {
      long pico = 0;
      for (int k = 0; k < micro.length; k++) {
        pico = Math.addExact(pico, Math.multiplyExact(tokens[k], micro[k]));
      }
      return (pico + PICO_PER_NANO / 2) / PICO_PER_NANO;
    }
    BigDecimal usdMillionths = BigDecimal.ZERO; // tokens x USD per 1M = USD x 1e6
    for (int k = 0; k < exact.length; k++) {
      usdMillionths = usdMillionths.add(exact[k].multiply(BigDecimal.valueOf(tokens[k])));
    }
    // USD x 1e6 / 1e6 x 1e9 nano = x 1e3
    return usdMillionths.multiply(USD_PER_MILLION_TO_NANO_PER_TOKEN).setScale(0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rates r && Arrays.equals(micro, r.micro) && Arrays.equals(exact, r.exact);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(micro) * 31 + Arrays.hashCode(exact);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (TokenKind kind : TokenKind.ALL) {
      s.append(s.length() == 0 ? "" : ", ").append(kind.wireName()).append(' ')
          .append(usdPerMillion(kind).stripTrailingZeros().toPlainString());
    }
    return s.append(" USD per 1M tokens").toString();
  }
}
