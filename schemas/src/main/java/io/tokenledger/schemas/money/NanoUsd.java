package io.tokenledger.schemas.money;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Exact conversions between nano-USD integers and the decimals people read. */
public final class NanoUsd {
  public static final long PER_USD = 1_000_000_000L;

  private NanoUsd() {}

  /** USD as an exact decimal, e.g. "12.5" → 12_500_000_000. Rejects sub-nano precision. */
  public static long fromUsd(String usd) {
    return new BigDecimal(usd).movePointRight(9).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
  }

  public static BigDecimal toUsd(long nanoUsd) {
    return BigDecimal.valueOf(nanoUsd).movePointLeft(9);
  }
}
