package io.tokenledger.ops.cli;

import io.tokenledger.schemas.money.NanoUsd;

/** An amount of USD as people type it on a command line: {@code 2500}, {@code 2,500.50}, {@code $12.5}. */
public final class UsdAmounts {
  private UsdAmounts() {}

  /**
   * The amount in nano-USD, exactly; sub-nano precision is refused, never rounded.
   *
   * @param option the option it came from, named in the error
   */
  public static long parse(String option, String text) {
    try {
      return NanoUsd.fromUsd(text.replace("$", "").replace(",", ""));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a decimal amount of USD with at most 9 decimals, not '"
          + text + "'");
    }
  }
}
