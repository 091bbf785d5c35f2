package io.tokenledger.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Prices as people enter and read them, converted exactly to the catalog's unit, micro-USD per
 * million tokens (which is pico-USD per token). A price that does not convert exactly is
 * refused, never rounded: a rounded price bills every event wrong.
 */
public final class PriceUnits {
  public static final String UNIT = "USD per 1M tokens";

  private PriceUnits() {}

  /** "2.50" (USD per 1M tokens) → 2,500,000. */
  public static long fromUsdPerMillion(String usdPerMillion) {
    return exact(new BigDecimal(usdPerMillion.strip()).movePointRight(6), usdPerMillion + " " + UNIT);
  }

  /** LiteLLM's USD per token, from the JSON text (2.5e-06) → 2,500,000. */
  public static long fromUsdPerToken(BigDecimal usdPerToken) {
    return exact(usdPerToken.movePointRight(12), usdPerToken.toPlainString() + " USD per token");
  }

  /** 2,500,000 → "2.50", with as many decimals as it needs (at least two). */
  public static String usdPerMillion(long microUsdPerMillion) {
    return usdPerMillion(BigDecimal.valueOf(microUsdPerMillion).movePointLeft(6));
  }

  /** USD per 1M tokens, exact: "2.50", "0.0046875". */
  public static String usdPerMillion(BigDecimal usdPerMillion) {
    BigDecimal usd = usdPerMillion.stripTrailingZeros();
    return usd.scale() < 2 ? usd.setScale(2, RoundingMode.UNNECESSARY).toPlainString() : usd.toPlainString();
  }

  private static long exact(BigDecimal micro, String what) {
    try {
      return micro.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(what + " is not a whole number of micro-USD per 1M tokens (at most six "
          + "decimals in USD per 1M tokens); it would have to be rounded");
    }
  }
}
