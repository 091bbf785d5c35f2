package io.tokenledger.ops.cli.budgets;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.Budget;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the budgets as alerting sees them.")
final class ListBudgets implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    Map<String, Budget> budgets = CompactedTopics.readLatest(kafka.settings(), kafka.appliedTopics().budgets);
    if (budgets.isEmpty()) {
      System.out.println("No budgets. Set one with 'tokenledger budgets set --id ... --team ... --limit-usd ...'.");
    }
    budgets.values().forEach(b -> System.out.println(BudgetsCommand.describe(b)));
    return 0;
  }
}
