package io.tokenledger.pricing.currency;

import io.tokenledger.schemas.FxRate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reference rates by day, and the conversion of USD amounts with them. A figure of a day is
 * converted with the rates of that day, or of the latest earlier day that has them (reference
 * rates are not published on weekends and holidays); the conversion says which day it used. Rates
 * quoted against another base (the ECB's are per 1 EUR) are crossed: an amount in USD is
 * amount x rate(currency) / rate(USD), one division, rounded once.
 */
public final class FxBook {
  /** Converted amounts keep this many decimals (a nano-unit); pages round them again to the currency's minor unit. */
  public static final int SCALE = 9;

  private final Map<String, NavigableMap<LocalDate, Map<String, FxRate>>> byBase = new HashMap<>();

  public void put(FxRate rate) {
    byBase.computeIfAbsent(rate.getBase().toString(), b -> new TreeMap<>())
        .computeIfAbsent(rate.getDate(), d -> new HashMap<>()).put(rate.getCurrency().toString(), rate);
  }

  public boolean isEmpty() {
    return byBase.isEmpty();
  }

  /**
   * An amount in USD (nano-USD) in {@code currency} on {@code day}, or empty when no day up to
   * it has a rate for it (and, crossing, for USD against the same base).
   */
  public Optional<Converted> convert(long nanoUsd, String currency, LocalDate day) {
    return rateOn(currency, day).map(rate -> rate.apply(nanoUsd));
  }

  /** The rate that converts USD to {@code currency} for figures of {@code day}. */
  public Optional<UsdRate> rateOn(String currency, LocalDate day) {
    if (currency.equals("USD")) {
      return Optional.of(new UsdRate(currency, BigDecimal.ONE, BigDecimal.ONE, "USD", day, "no conversion"));
    }
    UsdRate best = null;
    for (var entry : byBase.entrySet()) {
      String base = entry.getKey();
      for (var dayRates : entry.getValue().headMap(day, true).descendingMap().entrySet()) {
        Map<String, FxRate> rates = dayRates.getValue();
        BigDecimal perBaseUsd = base.equals("USD") ? BigDecimal.ONE : value(rates.get("USD"));
        BigDecimal perBaseCurrency = base.equals(currency) ? BigDecimal.ONE : value(rates.get(currency));
        if (perBaseUsd != null && perBaseCurrency != null) {
          FxRate quoted = rates.getOrDefault(currency, rates.get("USD"));
          if (best == null || dayRates.getKey().isAfter(best.day())) {
            best = new UsdRate(currency, perBaseUsd, perBaseCurrency, base, dayRates.getKey(),
                quoted.getSource().toString());
          }
          break;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static BigDecimal value(FxRate rate) {
    return rate == null ? null : new BigDecimal(rate.getRate().toString());
  }

  /**
   * USD to a currency on a day: one {@code base} buys {@code perBaseUsd} USD and
   * {@code perBaseCurrency} of the currency.
   */
  public record UsdRate(String currency, BigDecimal perBaseUsd, BigDecimal perBaseCurrency, String base, LocalDate day,
      String source) {
    public Converted apply(long nanoUsd) {
      BigDecimal amount = BigDecimal.valueOf(nanoUsd, 9).multiply(perBaseCurrency)
          .divide(perBaseUsd, SCALE, RoundingMode.HALF_EVEN);
      return new Converted(amount, this);
    }

    /** An exact USD decimal (a provider's unit price) in the currency, at {@code scale} decimals. */
    public BigDecimal apply(BigDecimal usd, int scale) {
      return usd.multiply(perBaseCurrency).divide(perBaseUsd, scale, RoundingMode.HALF_EVEN);
    }

    /** How the rate reads, as published: "1 EUR = 1.0812 USD (ECB ..., 2026-11-30)". */
    public String statement() {
      if (currency.equals("USD")) {
        return "in USD, not converted";
      }
      String quote = base.equals(currency) ? "1 " + base + " = " + perBaseUsd.toPlainString() + " USD"
          : base.equals("USD") ? "1 USD = " + perBaseCurrency.toPlainString() + " " + currency
          : "1 " + base + " = " + perBaseUsd.toPlainString() + " USD = " + perBaseCurrency.toPlainString() + " " + currency;
      return quote + " (" + source + ", " + day + ")";
    }
  }

  /** An amount converted, with the rate that converted it. */
  public record Converted(BigDecimal amount, UsdRate rate) {
    public String currency() {
      return rate.currency();
    }
  }
}
