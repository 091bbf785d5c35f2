package io.tokenledger.ops.cli.prices;

import io.tokenledger.pricing.PricedVersion;
import io.tokenledger.pricing.Rates;
import io.tokenledger.schemas.tokens.TokenKind;
import java.util.ArrayList;
import java.util.List;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.Times;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PriceUnits;
import io.tokenledger.schemas.PriceVersion;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prices list}: the versions in force at a time. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "The prices in force now, or --at a time.")
final class ListPrices implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--at", description = "A date or ISO instant (default: now).")
  String at;

  @Override
  public Integer call() throws Exception {
    Instant when = at == null ? Instant.now() : Times.instant(at, "--at");
    Map<String, PriceVersion> versions = PricesCommand.catalog(kafka);
    PriceBook book = PricesCommand.book(versions.values());
    TreeMap<String, PriceVersion> inForce = new TreeMap<>();
    for (PriceVersion v : versions.values()) {
      book.priceAt(v.getProvider(), v.getModel(), when.toEpochMilli())
          .ifPresent(p -> inForce.put(p.getProvider() + "/" + p.getModel(), p));
    }
    System.out.printf("Prices in force at %s, %s:%n", when, PriceUnits.UNIT);
    System.out.printf("%-40s %-20s %9s %10s %11s %9s %9s  %s%n", "MODEL", "SINCE", "INPUT", "CACHE RD", "CACHE WR",
        "OUTPUT", "REASON", "ALSO");
    inForce.forEach((name, p) -> {
      // Exactly, a price finer than a micro-USD per 1M included.
      Rates r = PricedVersion.of(p).base();
      List<String> also = new ArrayList<>();
      if (p.getCacheWrite1hMicroUsdPerMtok() != null) {
        also.add("1-hour cache write " + PriceUnits.usdPerMillion(r.usdPerMillion(TokenKind.CACHE_WRITE_1H)));
      }
      if (p.getAudioInputMicroUsdPerMtok() != null || p.getAudioOutputMicroUsdPerMtok() != null) {
        also.add("audio " + PriceUnits.usdPerMillion(r.usdPerMillion(TokenKind.AUDIO_INPUT)) + " / "
            + PriceUnits.usdPerMillion(r.usdPerMillion(TokenKind.AUDIO_OUTPUT)));
      }
      p.getServiceTiers().forEach(t -> also.add(t.getTier() + " " + PriceUnits.usdPerMillion(
          t.getUncachedInputMicroUsdPerMtok()) + " / " + PriceUnits.usdPerMillion(t.getOutputMicroUsdPerMtok())));
      if (p.getLongContextTier() != null) {
        also.add("above " + p.getLongContextTier().getAboveInputTokens() + " input: "
            + PriceUnits.usdPerMillion(p.getLongContextTier().getUncachedInputMicroUsdPerMtok()) + " / "
            + PriceUnits.usdPerMillion(p.getLongContextTier().getOutputMicroUsdPerMtok()));
      }
      System.out.printf("%-40s %-20s %9s %10s %11s %9s %9s  %s%n", name, p.getEffectiveFrom(),
          PriceUnits.usdPerMillion(r.usdPerMillion(TokenKind.UNCACHED_INPUT)),
          PriceUnits.usdPerMillion(r.usdPerMillion(TokenKind.CACHE_READ)),
          PriceUnits.usdPerMillion(r.usdPerMillion(TokenKind.CACHE_WRITE)),
          PriceUnits.usdPerMillion(r.usdPerMillion(TokenKind.OUTPUT)),
          PriceUnits.usdPerMillion(r.usdPerMillion(TokenKind.REASONING)), also.isEmpty() ? "-" : String.join("; ", also));
    });
    if (inForce.isEmpty()) {
      System.out.println("(none: set one with 'tokenledger prices set' or 'tokenledger prices import')");
    }
    return 0;
  }
}
