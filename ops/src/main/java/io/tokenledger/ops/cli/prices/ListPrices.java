package io.tokenledger.ops.cli.prices;

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
        "OUTPUT", "REASON", "LONG CONTEXT");
    inForce.forEach((name, p) -> System.out.printf("%-40s %-20s %9s %10s %11s %9s %9s  %s%n", name,
        p.getEffectiveFrom(), PriceUnits.usdPerMillion(p.getUncachedInputMicroUsdPerMtok()),
        PriceUnits.usdPerMillion(p.getCacheReadMicroUsdPerMtok()), PriceUnits.usdPerMillion(p.getCacheWriteMicroUsdPerMtok()),
        PriceUnits.usdPerMillion(p.getOutputMicroUsdPerMtok()), PriceUnits.usdPerMillion(p.getReasoningMicroUsdPerMtok()),
        p.getLongContextTier() == null ? "-" : "above " + p.getLongContextTier().getAboveInputTokens() + " input: "
            + PriceUnits.usdPerMillion(p.getLongContextTier().getUncachedInputMicroUsdPerMtok()) + " / "
            + PriceUnits.usdPerMillion(p.getLongContextTier().getOutputMicroUsdPerMtok())));
    if (inForce.isEmpty()) {
      System.out.println("(none: set one with 'tokenledger prices set' or 'tokenledger prices import')");
    }
    return 0;
  }
}
