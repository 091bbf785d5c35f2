package io.tokenledger.ops.cli.bills;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.reconciliation.mapping.BillMappingRules;
import io.tokenledger.schemas.BillMapping;
import java.util.Comparator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "mappings", mixinStandardHelpOptions = true, description = "Lists every mapping version, oldest first.")
final class ListMappings implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--provider", description = "Only this provider's.")
  String provider;

  @Override
  public Integer call() throws Exception {
    var all = CompactedTopics.readLatest(kafka.settings(), kafka.appliedTopics().billMappings).values().stream()
        .filter(m -> provider == null || m.getProvider().equals(provider))
        .sorted(Comparator.comparing(BillMapping::getProvider).thenComparing(BillMapping::getIdentity)
            .thenComparing(BillMapping::getEffectiveFrom)).toList();
    if (all.isEmpty()) {
      System.out.println("No mappings: every identity on a bill is unmapped (bills map ...).");
    }
    all.forEach(m -> System.out.println(BillMappingRules.describe(m)));
    return 0;
  }
}
