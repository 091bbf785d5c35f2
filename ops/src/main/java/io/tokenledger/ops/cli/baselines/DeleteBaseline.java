package io.tokenledger.ops.cli.baselines;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.TableDelete;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Deletes one baseline version (a mistake); the other versions stay.")
final class DeleteBaseline implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "KEY", description = "The version's key, as 'baselines list' shows it.")
  String key;

  @Override
  public Integer call() throws Exception {
    return TableDelete.delete(kafka, topics -> topics.humanBaselines, key, "baseline version",
        "tokenledger baselines list");
  }
}
