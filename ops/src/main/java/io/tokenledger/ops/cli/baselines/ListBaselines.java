package io.tokenledger.ops.cli.baselines;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.topics.BaselineKeys;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every baseline version, oldest first.")
final class ListBaselines implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    Map<String, HumanBaseline> baselines = CompactedTopics.readLatest(kafka.settings(), kafka.appliedTopics().humanBaselines);
    if (baselines.isEmpty()) {
      System.out.println("No baselines. Set one with 'tokenledger baselines set --workflow ... --unit ...'.");
    }
    baselines.values().stream().sorted(Comparator.comparing(BaselineKeys::of))
        .forEach(b -> System.out.println(BaselinesCommand.describe(b)));
    return 0;
  }
}
