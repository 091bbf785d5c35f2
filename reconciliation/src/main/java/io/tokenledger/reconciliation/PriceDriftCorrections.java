package io.tokenledger.reconciliation;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.Rerating;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.models.ProviderModel;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The catalog corrections a reconciliation's price drifts imply: per provider, model and token
 * type, each run of consecutive days whose bill price (rounded to a micro-USD per 1M tokens, the
 * catalog's unit) is the same and in force under one catalog version becomes one correction of
 * that version's price of the type, for those days. The re-rating ({@link Rerating}) applies it
 * to the ledger as any correction. A drift in another tier than the standard one, or of a version
 * with exact prices finer than the catalog's unit, is said, never guessed.
 */
public final class PriceDriftCorrections {
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  /** A proposed correction, or why there is none for a drift. */
  public record Proposal(Optional<Rerating.Spec> spec, String description) {}

  private record Series(String provider, String model, String tier, String type) implements Comparable<Series> {
    @Override
    public int compareTo(Series o) {
      return (provider + "\u0000" + model + "\u0000" + tier + "\u0000" + type)
          .compareTo(o.provider + "\u0000" + o.model + "\u0000" + o.tier + "\u0000" + o.type);
    }
  }

  private PriceDriftCorrections() {}

  public static List<Proposal> propose(Reconciliation.Report report, PriceBook catalog, String by) {
    Map<Series, TreeMap<String, Long>> byDay = new TreeMap<>();
    for (Finding f : report.findings()) {
      if (f.kind() == DifferenceClass.PRICE_DRIFT && f.impliedUsdPerMillion() != null) {
        Cell c = f.cell();
        long micro = f.impliedUsdPerMillion().movePointRight(6).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        byDay.computeIfAbsent(new Series(c.provider(), c.model(), c.tier(), c.type()), s -> new TreeMap<>())
            .put(c.day(), micro);
      }
    }
    List<Proposal> out = new ArrayList<>();
    byDay.forEach((series, days) -> {
      if (series.tier() != null) {
        out.add(new Proposal(Optional.empty(), series.provider() + "/" + series.model() + " " + series.type()
            + " in the " + series.tier() + " tier: correct a tier's price with prices correct by hand"));
        return;
      }
      LocalDate runStart = null;
      LocalDate runEnd = null;
      long runPrice = 0;
      String runVersion = null;
      for (Map.Entry<String, Long> day : days.entrySet()) {
        LocalDate d = LocalDate.parse(day.getKey());
        Optional<PriceVersion> version = catalog.priceOf(new ProviderModel(series.provider(), series.model()),
            start(d).toEpochMilli());
        String key = version.map(PriceBook::catalogKey).orElse(null);
        boolean continues = runStart != null && d.equals(runEnd.plusDays(1)) && day.getValue() == runPrice
            && java.util.Objects.equals(key, runVersion);
        if (!continues && runStart != null) {
          out.add(proposal(series, runStart, runEnd, runPrice, catalog, by));
        }
        if (!continues) {
          runStart = d;
          runPrice = day.getValue();
          runVersion = key;
        }
        runEnd = d;
      }
      if (runStart != null) {
        out.add(proposal(series, runStart, runEnd, runPrice, catalog, by));
      }
    });
    return out;
  }

  private static Proposal proposal(Series s, LocalDate first, LocalDate last, long micro, PriceBook catalog, String by) {
    Instant from = start(first);
    Instant to = start(last.plusDays(1));
    String what = s.provider() + "/" + s.model() + " " + s.type() + " from " + first + " to " + last + ": the bill's "
        + BigDecimal.valueOf(micro, 6).stripTrailingZeros().toPlainString() + " USD per 1M";
    Optional<PriceVersion> inForce = catalog.priceOf(new ProviderModel(s.provider(), s.model()), from.toEpochMilli());
    if (inForce.isEmpty()) {
      return new Proposal(Optional.empty(), what + ": no catalog price is in force to correct; set one (prices set)");
    }
    PriceVersion v = inForce.get();
    if (v.getExactPrices() != null) {
      return new Proposal(Optional.empty(), what + ": the catalog's price has exact prices finer than a micro-USD per "
          + "1M; correct it with prices correct by hand");
    }
    PriceVersion.Builder corrected = PriceVersion.newBuilder(v).setEffectiveFrom(from).setSetBy(by)
        .setSource("reconciliation with the " + s.provider() + " bill");
    switch (s.type()) {
      case "uncached_input" -> corrected.setUncachedInputMicroUsdPerMtok(micro);
      case "cache_read" -> corrected.setCacheReadMicroUsdPerMtok(micro);
      case "cache_write" -> corrected.setCacheWriteMicroUsdPerMtok(micro);
      case "cache_write_1h" -> corrected.setCacheWrite1hMicroUsdPerMtok(micro);
      case "output" -> {
        // The bill prices thinking as output: a reasoning price equal to the output price moves with it.
        if (v.getReasoningMicroUsdPerMtok() == v.getOutputMicroUsdPerMtok()) {
          corrected.setReasoningMicroUsdPerMtok(micro);
        }
        corrected.setOutputMicroUsdPerMtok(micro);
      }
      case "audio_input" -> corrected.setAudioInputMicroUsdPerMtok(micro);
      case "audio_output" -> corrected.setAudioOutputMicroUsdPerMtok(micro);
      default -> {
        return new Proposal(Optional.empty(), what + ": no catalog price of type " + s.type());
      }
    }
    Rerating.Spec spec = new Rerating.Spec(corrected.build(), from, to, "the " + s.provider() + " bill's price of "
        + s.type() + " tokens (reconciliation)", by);
    return new Proposal(Optional.of(spec), what + " (the catalog's " + BigDecimal.valueOf(micro(v, s.type()), 6)
        .stripTrailingZeros().toPlainString() + ")");
  }

  private static long micro(PriceVersion v, String type) {
    return switch (type) {
      case "uncached_input" -> v.getUncachedInputMicroUsdPerMtok();
      case "cache_read" -> v.getCacheReadMicroUsdPerMtok();
      case "cache_write" -> v.getCacheWriteMicroUsdPerMtok();
      case "cache_write_1h" -> v.getCacheWrite1hMicroUsdPerMtok() == null ? v.getCacheWriteMicroUsdPerMtok()
          : v.getCacheWrite1hMicroUsdPerMtok();
      case "output" -> v.getOutputMicroUsdPerMtok();
      case "audio_input" -> v.getAudioInputMicroUsdPerMtok() == null ? v.getUncachedInputMicroUsdPerMtok()
          : v.getAudioInputMicroUsdPerMtok();
      case "audio_output" -> v.getAudioOutputMicroUsdPerMtok() == null ? v.getOutputMicroUsdPerMtok()
          : v.getAudioOutputMicroUsdPerMtok();
      default -> 0;
    };
  }

  private static Instant start(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
