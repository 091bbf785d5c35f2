package io.tokenledger.schemas.budgets;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What admission reserves for a call, one rule for the team's task and for a caller admitting
 * from its lease: the estimated input at the uncached input price plus the output cap at the
 * dearer of the output and reasoning prices, rounded up to the nano-USD once. The reservation is
 * an upper bound of the call's cost whenever the input estimate is (no cheaper cache reads are
 * assumed, no input is assumed cached).
 */
public final class AdmissionEstimates {
  private static final BigDecimal NANO_PER_TOKEN_PER_USD_PER_MTOK = BigDecimal.valueOf(1000);

  private AdmissionEstimates() {}

  /**
   * @param inputUsdPerMtok exact USD per 1M input tokens
   * @param outputUsdPerMtok exact USD per 1M output tokens
   */
  public static long nanoUsd(BigDecimal inputUsdPerMtok, BigDecimal outputUsdPerMtok, long inputTokens,
      long maxOutputTokens) {
    BigDecimal usdMillionths = inputUsdPerMtok.multiply(BigDecimal.valueOf(inputTokens))
        .add(outputUsdPerMtok.multiply(BigDecimal.valueOf(maxOutputTokens)));
    return usdMillionths.multiply(NANO_PER_TOKEN_PER_USD_PER_MTOK).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  /** Tokens reserved for a call: every input token and the whole output cap. */
  public static long tokens(long inputTokens, long maxOutputTokens) {
    return Math.addExact(inputTokens, maxOutputTokens);
  }
}
