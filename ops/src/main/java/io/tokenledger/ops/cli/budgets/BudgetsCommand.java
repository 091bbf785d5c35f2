package io.tokenledger.ops.cli.budgets;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.money.MoneyFormat;
import java.util.Locale;
import picocli.CommandLine.Command;

/** Sets, lists and deletes budgets on the compacted budgets topic, which alerting reads. */
@Command(name = "budgets", mixinStandardHelpOptions = true, description = "Manages team budgets.",
    subcommands = {SetBudget.class, ListBudgets.class, DeleteBudget.class})
public final class BudgetsCommand {
  private BudgetsCommand() {}

  static String describe(Budget b) {
    String scope = b.getTeam() + (b.getWorkflow() == null ? "" : " / workflow " + b.getWorkflow())
        + (b.getModel() == null ? "" : " / model " + b.getModel());
    String limits = (b.getLimitNanoUsd() == null ? "" : MoneyFormat.usd(b.getLimitNanoUsd()))
        + (b.getLimitNanoUsd() != null && b.getLimitTokens() != null ? " and " : "")
        + (b.getLimitTokens() == null ? "" : String.format("%,d tokens", b.getLimitTokens()));
    return String.format("%s: %s, %s per %s (%s), alerts at %s%%, %s, updated %s", b.getBudgetId(), scope, limits,
        b.getPeriod().name().toLowerCase(Locale.ROOT), b.getTimezone(), b.getThresholdsPercent(),
        b.getEnforcement().name().toLowerCase(Locale.ROOT), b.getUpdatedAt());
  }
}
