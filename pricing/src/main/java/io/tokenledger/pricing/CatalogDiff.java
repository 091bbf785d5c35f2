package io.tokenledger.pricing;

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
    return a.getUncachedInputMicroUsdPerMtok() == b.getUncachedInputMicroUsdPerMtok()
        && a.getCacheReadMicroUsdPerMtok() == b.getCacheReadMicroUsdPerMtok()
        && a.getCacheWriteMicroUsdPerMtok() == b.getCacheWriteMicroUsdPerMtok()
        && a.getOutputMicroUsdPerMtok() == b.getOutputMicroUsdPerMtok()
        && a.getReasoningMicroUsdPerMtok() == b.getReasoningMicroUsdPerMtok()
        && Objects.equals(a.getLongContextTier(), b.getLongContextTier());
  }

  /** "input 2.50, cache read 1.25, cache write 2.50, output 10.00, reasoning 10.00 USD per 1M tokens". */
  public static String describe(PriceVersion p) {
    String base = "input " + PriceUnits.usdPerMillion(p.getUncachedInputMicroUsdPerMtok()) + ", cache read "
        + PriceUnits.usdPerMillion(p.getCacheReadMicroUsdPerMtok()) + ", cache write "
        + PriceUnits.usdPerMillion(p.getCacheWriteMicroUsdPerMtok()) + ", output "
        + PriceUnits.usdPerMillion(p.getOutputMicroUsdPerMtok()) + ", reasoning "
        + PriceUnits.usdPerMillion(p.getReasoningMicroUsdPerMtok()) + " " + PriceUnits.UNIT;
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
