package io.tokenledger.ops.cli.prices;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PriceRules;
import io.tokenledger.pricing.PriceUnits;
import io.tokenledger.schemas.PriceVersion;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * The price catalog as operators manage it: set, list, history, delete, import and missing. The
 * rules are the pricing's ({@link PriceRules}); this command parses, shows units and writes.
 */
@Command(name = "prices", mixinStandardHelpOptions = true,
    description = "Manages the price catalog (effective-dated, every version kept, " + PriceUnits.UNIT + ").",
    subcommands = {SetPrice.class, ListPrices.class, PriceHistory.class, DeletePrice.class, ImportPrices.class,
        MissingPrices.class, CorrectPrices.class})
public final class PricesCommand {
  private PricesCommand() {}

  /** Refuses what the pricing refuses, and what looks like a unit mistake unless forced; says why. */
  static boolean acceptable(PriceVersion price, boolean force) {
    String name = price.getProvider() + "/" + price.getModel();
    List<String> problems = PriceRules.problems(price);
    if (!problems.isEmpty()) {
      System.err.println(name + " refused: " + String.join("; ", problems));
      return false;
    }
    List<String> suspicions = PriceRules.suspicions(price);
    if (!suspicions.isEmpty() && !force) {
      System.err.println(name + " refused, it looks like a unit mistake: " + String.join("; ", suspicions)
          + ". If it is right, repeat with --force.");
      return false;
    }
    return true;
  }

  static Map<String, PriceVersion> catalog(KafkaOptions kafka) throws Exception {
    return CompactedTopics.readLatest(kafka.settings(), kafka.appliedTopics().prices);
  }

  static PriceBook book(java.util.Collection<PriceVersion> versions) {
    PriceBook book = new PriceBook();
    versions.stream().filter(p -> PriceRules.problems(p).isEmpty()).forEach(book::put);
    return book;
  }
}
