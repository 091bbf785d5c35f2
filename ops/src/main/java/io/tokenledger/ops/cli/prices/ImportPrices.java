package io.tokenledger.ops.cli.prices;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.Times;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.CatalogDiff;
import io.tokenledger.pricing.CatalogImport;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PriceUnits;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code prices import}: a LiteLLM price file or our CSV, as a diff against the catalog, written version by version. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Imports LiteLLM's model_prices_and_context_window.json (USD per token) or our CSV",
        "(provider,model,uncached_input,cache_read,cache_write,output,reasoning[,effective_from] in "
            + PriceUnits.UNIT + "). Only new and changed prices are written."})
final class ImportPrices implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "FILE")
  Path file;

  @Option(names = "--effective-from", required = true, description = "From when the imported prices are in force.")
  String effectiveFrom;

  @Option(names = "--provider", split = ",", description = "Only these providers (ours: openai, anthropic, gcp.gemini, ...).")
  java.util.Set<String> providers;

  @Option(names = "--models", split = ",", description = "Only these models.")
  java.util.Set<String> models;

  @Option(names = "--dry-run", description = "Print what would change against the catalog in force; write nothing.")
  boolean dryRun;

  @Option(names = "--force", description = "Import prices that look like unit mistakes too.")
  boolean force;

  @Option(names = "--set-by", description = "Who imports (default: the user running the command).")
  String setBy;

  @Option(names = "--list-skipped", description = "List every entry left out with its reason (default: a count and a "
      + "few examples per reason).")
  boolean listSkipped;

  @Override
  public Integer call() throws Exception {
    Predicate<String> provider = providers == null ? p -> true : providers::contains;
    Predicate<String> model = models == null ? m -> true : models::contains;
    CatalogImport.Options options = new CatalogImport.Options(Times.instant(effectiveFrom, "--effective-from"),
        provider, model, setBy != null ? setBy : System.getProperty("user.name", "unknown"), "import " + file.getFileName());
    CatalogImport.Result result = file.toString().endsWith(".csv")
        ? CatalogImport.csv(Files.readString(file), options)
        : CatalogImport.liteLlm(Files.readAllBytes(file), options);
    List<PriceVersion> usable = new ArrayList<>();
    for (PriceVersion p : result.prices()) {
      if (PricesCommand.acceptable(p, force)) {
        usable.add(p);
      }
    }
    Topics topics = kafka.appliedTopics();
    CatalogDiff.Diff diff = CatalogDiff.between(usable, PricesCommand.book(PricesCommand.catalog(kafka).values()));
    System.out.printf("%s: %d new, %d changed, %d unchanged, %d left out%n", file.getFileName(), diff.added().size(),
        diff.changed().size(), diff.unchanged().size(), result.skipped().size() + result.prices().size() - usable.size());
    diff.added().forEach(line -> System.out.println("  new      " + line));
    diff.changed().forEach(line -> System.out.println("  changed  " + line));
    if (listSkipped || result.byKind().isEmpty()) {
      result.skipped().forEach((entry, why) -> System.out.println("  skipped  " + entry + ": " + why));
    } else {
      result.summary().forEach(line -> System.out.println("  skipped  " + line));
    }
    if (dryRun) {
      System.out.println("Dry run: nothing written.");
      return 0;
    }
    int written = 0;
    for (PriceVersion p : usable) {
      if (!diff.unchanged().contains(p)) {
        CompactedTopics.write(kafka.settings(), topics.prices, PriceBook.catalogKey(p), p);
        written++;
      }
    }
    System.out.println("Wrote " + written + " price versions.");
    return 0;
  }
}
