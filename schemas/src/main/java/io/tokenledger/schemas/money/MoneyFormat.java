package io.tokenledger.schemas.money;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Money and ratios as a person reads them, one rule for every page, message and command (the
 * APIs and topics keep exact nano-USD and decimal strings; this is for display only, rounded once):
 * <ul>
 *   <li>{@link #usd}: symbol, thousands separators and cents ({@code $1,234.56}); an amount below a
 *       cent keeps two significant digits instead ({@code $0.00047}), so it never reads as zero;
 *   <li>{@link #compact}: where space is short, thousands, millions and billions with one decimal
 *       at most ({@code $12.3k}, {@code $1.2M}); below $10,000 as {@link #usd};
 *   <li>{@link #percent}: signed, with separators, no decimals from 10% on and one below
 *       ({@code +1,346%}, {@code -73%}, {@code +4.5%}); {@link #times}: a multiple ({@code 14x},
 *       {@code 5.3x});
 *   <li>{@link #perHour}, {@link #perDay}: a rate, {@code $43.85/h}, {@code $1,052.40/day};
 *   <li>{@link #exact}: every nano-USD digit, for the hover text next to a rounded figure and for
 *       messages that compare two figures to the unit ({@code $894,780.528142662}).
 * </ul>
 * Rounding is half-even, as everywhere money is shown.
 */
public final class MoneyFormat {
  private static final BigDecimal CENT = new BigDecimal("0.01");
  private static final BigDecimal TEN_THOUSAND = BigDecimal.valueOf(10_000);
  private static final BigDecimal TEN = BigDecimal.TEN;

  private MoneyFormat() {}

  /** {@code $1,234.56}; {@code $0.00047} below a cent; {@code $0.00} for nothing. */
  public static String usd(long nanoUsd) {
    BigDecimal usd = NanoUsd.toUsd(nanoUsd);
    BigDecimal abs = usd.abs();
    String digits;
    if (abs.signum() != 0 && abs.compareTo(CENT) < 0) {
      digits = abs.round(new MathContext(2, RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString();
    } else {
      digits = String.format(Locale.ROOT, "%,.2f", abs.setScale(2, RoundingMode.HALF_EVEN));
    }
    return (usd.signum() < 0 ? "-$" : "$") + digits;
  }

  /**
   * An exact USD decimal finer than a nano-USD (a provider's bill) as {@link #usd(long)} writes
   * it: rounded to the nano-USD once, half-even, then as any amount.
   */
  public static String usd(BigDecimal usd) {
    return usd(usd.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact());
  }

  /** A share of a whole, as an exact fraction ({@code 0.0125}), unsigned: {@code 1.2%} (as {@link #percent}). */
  public static String share(BigDecimal fraction) {
    return percent(fraction.abs()).replace("+", "");
  }

  /** {@code $12.3k}, {@code $1.2M}, {@code $3B}; below $10,000 as {@link #usd}. */
  public static String compact(long nanoUsd) {
    BigDecimal usd = NanoUsd.toUsd(nanoUsd);
    BigDecimal abs = usd.abs();
    if (abs.compareTo(TEN_THOUSAND) < 0) {
      return usd(nanoUsd);
    }
    String[] suffixes = {"k", "M", "B", "T"};
    int index = 0;
    BigDecimal scaled = abs.movePointLeft(3);
    while (index < suffixes.length - 1 && scaled.compareTo(BigDecimal.valueOf(1_000)) >= 0) {
      scaled = scaled.movePointLeft(3);
      index++;
    }
    BigDecimal shown = shown(scaled);
    if (shown.compareTo(BigDecimal.valueOf(1_000)) >= 0 && index < suffixes.length - 1) {
      // 999.96k rounds to 1000k: that is 1M.
      scaled = scaled.movePointLeft(3);
      shown = shown(scaled);
      index++;
    }
    return (usd.signum() < 0 ? "-$" : "$") + shown.toPlainString() + suffixes[index];
  }

  private static BigDecimal shown(BigDecimal scaled) {
    return scaled.setScale(scaled.compareTo(BigDecimal.valueOf(100)) >= 0 ? 0 : 1, RoundingMode.HALF_EVEN)
        .stripTrailingZeros();
  }

  /** Every digit, with separators and at least cents: {@code $894,780.528142662}, {@code $1,410.00}. */
  public static String exact(long nanoUsd) {
    BigDecimal abs = NanoUsd.toUsd(nanoUsd).abs().stripTrailingZeros();
    BigDecimal shown = abs.scale() < 2 ? abs.setScale(2) : abs;
    String whole = String.format(Locale.ROOT, "%,d", shown.toBigInteger());
    String fraction = shown.toPlainString().substring(shown.toPlainString().indexOf('.'));
    return (nanoUsd < 0 ? "-$" : "$") + whole + fraction;
  }

  /** A ratio as a signed percentage: 13.46 → {@code +1,346%}, -0.73 → {@code -73%}, 0.045 → {@code +4.5%}. */
  public static String percent(BigDecimal ratio) {
    BigDecimal percent = ratio.movePointRight(2);
    BigDecimal abs = percent.abs();
    String digits = abs.compareTo(TEN) >= 0
        ? String.format(Locale.ROOT, "%,d", abs.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact())
        : abs.setScale(1, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    String sign = percent.signum() > 0 && !"0".equals(digits) ? "+" : percent.signum() < 0 && !"0".equals(digits) ? "-"
        : "";
    return sign + digits + "%";
  }

  /** A multiple: 14.02 → {@code 14x}, 5.31 → {@code 5.3x}, 0.5 → {@code 0.5x}. */
  public static String times(BigDecimal multiple) {
    BigDecimal shown = multiple.setScale(multiple.abs().compareTo(TEN) >= 0 ? 0 : 1, RoundingMode.HALF_EVEN)
        .stripTrailingZeros();
    return (shown.scale() < 0 ? shown.setScale(0) : shown).toPlainString() + "x";
  }

  /** A spend rate: {@code $43.85/h}. */
  public static String perHour(long nanoUsdPerHour) {
    return usd(nanoUsdPerHour) + "/h";
  }

  /** A spend rate: {@code $1,052.40/day}. */
  public static String perDay(long nanoUsdPerDay) {
    return usd(nanoUsdPerDay) + "/day";
  }

  /**
   * An amount in another currency as a person reads it: its symbol where it has a common one
   * ({@code €4,624.49}, {@code £12.00}, {@code ₹421,913.15}), else its
   * code ({@code CHF 12.00}); its minor unit's decimals (none for JPY), rounded once, half-even.
   */
  public static String amount(BigDecimal amount, String currency) {
    if (currency.equals("USD")) {
      return usd(amount);
    }
    int digits = Math.max(0, java.util.Currency.getInstance(currency).getDefaultFractionDigits());
    String text = String.format(Locale.ROOT, "%,." + digits + "f", amount.abs().setScale(digits, RoundingMode.HALF_EVEN));
    String symbol = switch (currency) {
      case "EUR" -> "€";
      case "GBP" -> "£";
      case "JPY" -> "¥";
      case "INR" -> "₹";
      default -> currency + " ";
    };
    return (amount.signum() < 0 ? "-" : "") + symbol + text;
  }
}
