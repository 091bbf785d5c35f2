package io.tokenledger.ops.cli.prices;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.TableDelete;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code prices delete}: removes one version (a tombstone on the catalog topic). */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Deletes one version (a mistake never in force); to change a price, set a new version.")
final class DeletePrice implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "KEY", description = "provider/model@effective_from, as 'prices history' shows it.")
  String key;

  @Override
  public Integer call() throws Exception {
    return TableDelete.delete(kafka, topics -> topics.prices, key, "price version", "tokenledger prices history");
  }
}
