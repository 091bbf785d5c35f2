package io.tokenledger.pricing;

import io.tokenledger.schemas.tokens.TokenKind;

import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What publishing some versions would change against the catalog in force at their times: new
 * models, changed prices (each with its percent change), and how many are unchanged. The
 * text of {@code prices import --dry-run}.
 */
public final class CatalogDiff {
  private CatalogDiff() {}

  /** New models, changed prices (in words), and the versions that change nothing. */
  public record Diff(List<String> added, List<String> changed, List<PriceVersion> unchanged) {}

  public static Diff between(List<PriceVersion> incoming, PriceBook inForce) {
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<PriceVersion> unchanged = new ArrayList<>();
    for (PriceVersion price : incoming) {
      String name = price.getProvider() + "/" + price.getModel();
      Optional<PriceVersion> current = inForce.priceAt(price.getProvider(), price.getModel(),
          price.getEffectiveFrom().toEpochMilli());
      if (current.isEmpty()) {
        added.add(name + ": " + describe(price));
      } else if (samePrices(current.get(), price)) {
        unchanged.add(price);
      } else {
        changed.add(name + ": " + changes(current.get(), price));
      }
    }
    return new Diff(added, changed, unchanged);
  }

  public static boolean samePrices(PriceVersion a, PriceVersion b) {
    // The base vector holds every kind, exact prices and fallbacks included.
    return PricedVersion.of(a).base().equals(PricedVersion.of(b).base())
        && Objects.equals(a.getLongContextTier(), b.getLongContextTier())
        && Objects.equals(a.getServiceTiers(), b.getServiceTiers());
  }

  /** "input 2.50, cache read 1.25, cache write 2.50, output 10.00, reasoning 10.00 USD per 1M tokens". */
  public static String describe(PriceVersion p) {
    Rates rates = PricedVersion.of(p).base();
    String base = "input " + PriceUnits.usdPerMillion(rates.usdPerMillion(TokenKind.UNCACHED_INPUT)) + ", cache read "
        + PriceUnits.usdPerMillion(rates.usdPerMillion(TokenKind.CACHE_READ)) + ", cache write "
        + PriceUnits.usdPerMillion(rates.usdPerMillion(TokenKind.CACHE_WRITE)) + ", output "
        + PriceUnits.usdPerMillion(rates.usdPerMillion(TokenKind.OUTPUT)) + ", reasoning "
        + PriceUnits.usdPerMillion(rates.usdPerMillion(TokenKind.REASONING))
        + (p.getCacheWrite1hMicroUsdPerMtok() == null ? "" : ", 1-hour cache write "
            + PriceUnits.usdPerMillion(rates.usdPerMillion(TokenKind.CACHE_WRITE_1H)))
        + (p.getAudioInputMicroUsdPerMtok() == null ? "" : ", audio input "
            + PriceUnits.usdPerMillion(rates.usdPerMillion(TokenKind.AUDIO_INPUT)))
        + (p.getAudioOutputMicroUsdPerMtok() == null ? "" : ", audio output "
            + PriceUnits.usdPerMillion(rates.usdPerMillion(TokenKind.AUDIO_OUTPUT)))
        + " " + PriceUnits.UNIT;
    for (io.tokenledger.schemas.ServiceTierPrice tier : p.getServiceTiers()) {
      base += "; " + tier.getTier() + ": input " + PriceUnits.usdPerMillion(tier.getUncachedInputMicroUsdPerMtok())
          + ", output " + PriceUnits.usdPerMillion(tier.getOutputMicroUsdPerMtok());
    }
    PriceTier t = p.getLongContextTier();
    return t == null ? base : base + "; above " + t.getAboveInputTokens() + " input tokens: input "
        + PriceUnits.usdPerMillion(t.getUncachedInputMicroUsdPerMtok()) + ", output "
        + PriceUnits.usdPerMillion(t.getOutputMicroUsdPerMtok());
  }

  private static String changes(PriceVersion from, PriceVersion to) {
    List<String> parts = new ArrayList<>();
    change(parts, "input", from.getUncachedInputMicroUsdPerMtok(), to.getUncachedInputMicroUsdPerMtok());
    change(parts, "cache read", from.getCacheReadMicroUsdPerMtok(), to.getCacheReadMicroUsdPerMtok());
    change(parts, "cache write", from.getCacheWriteMicroUsdPerMtok(), to.getCacheWriteMicroUsdPerMtok());
    change(parts, "output", from.getOutputMicroUsdPerMtok(), to.getOutputMicroUsdPerMtok());
    change(parts, "reasoning", from.getReasoningMicroUsdPerMtok(), to.getReasoningMicroUsdPerMtok());
    if (parts.isEmpty() && !PricedVersion.of(from).base().equals(PricedVersion.of(to).base())) {
      parts.add("now " + PricedVersion.of(to).base()); // a 1-hour, audio or exact price changed
    }
    if (!Objects.equals(from.getServiceTiers(), to.getServiceTiers())) {
      parts.add("service tiers changed");
    }
    if (!Objects.equals(from.getLongContextTier(), to.getLongContextTier())) {
      parts.add("long-context tier " + (to.getLongContextTier() == null ? "removed" : "changed"));
    }
    return String.join(", ", parts) + " (" + PriceUnits.UNIT + ")";
  }

  private static void change(List<String> parts, String name, long from, long to) {
    if (from == to) {
      return;
    }
    String percent = from == 0 ? "new" : (to > from ? "+" : "") + BigDecimal.valueOf(to - from).multiply(BigDecimal.valueOf(100))
        .divide(BigDecimal.valueOf(from), 1, RoundingMode.HALF_EVEN).toPlainString() + "%";
    parts.add(name + " " + PriceUnits.usdPerMillion(from) + " -> " + PriceUnits.usdPerMillion(to) + " (" + percent + ")");
  }
}
