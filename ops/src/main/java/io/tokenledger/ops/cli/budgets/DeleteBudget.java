package io.tokenledger.ops.cli.budgets;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.TableDelete;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a budget (its status is removed too).")
final class DeleteBudget implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "BUDGET_ID", description = "The id shown by 'budgets list'.")
  String id;

  @Override
  public Integer call() throws Exception {
    return TableDelete.delete(kafka, topics -> topics.budgets, id, "budget", "tokenledger budgets list");
  }
}
