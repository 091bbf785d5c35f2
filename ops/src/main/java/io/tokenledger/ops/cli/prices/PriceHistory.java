package io.tokenledger.ops.cli.prices;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.pricing.CatalogDiff;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.models.ModelNames;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prices history}: every version of one model. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "Every version of one model, oldest first.")
final class PriceHistory implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--provider", required = true)
  String provider;

  @Option(names = "--model", required = true)
  String model;

  @Override
  public Integer call() throws Exception {
    String wanted = ModelNames.key(provider, model);
    List<Map.Entry<String, PriceVersion>> versions = PricesCommand.catalog(kafka).entrySet().stream()
        .filter(e -> ModelNames.key(e.getValue().getProvider(), e.getValue().getModel()).equals(wanted))
        .sorted(Comparator.comparing(e -> e.getValue().getEffectiveFrom())).toList();
    if (versions.isEmpty()) {
      System.out.println("No versions of " + wanted + ".");
      return 1;
    }
    for (Map.Entry<String, PriceVersion> v : versions) {
      PriceVersion p = v.getValue();
      System.out.printf("%s  from %s: %s (set by %s; %s)%n", v.getKey(), p.getEffectiveFrom(), CatalogDiff.describe(p),
          p.getSetBy() == null ? "?" : p.getSetBy(), p.getSource() == null ? "no source" : p.getSource());
    }
    return 0;
  }
}
