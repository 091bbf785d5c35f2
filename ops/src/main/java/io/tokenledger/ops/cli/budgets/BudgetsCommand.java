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
        + (b.getModel() == null ? "" : " / model " + b.getModel())
        + (b.getUserId() == null ? "" : " / person " + b.getUserId())
        + (b.getAgentId() == null ? "" : " / agent " + b.getAgentId());
    String limits = (b.getLimitNanoUsd() == null ? "" : MoneyFormat.usd(b.getLimitNanoUsd()))
        + (b.getLimitNanoUsd() != null && b.getLimitTokens() != null ? " and " : "")
        + (b.getLimitTokens() == null ? "" : String.format("%,d tokens", b.getLimitTokens()));
    return String.format("%s: %s, %s per %s (%s), alerts at %s%%, %s, updated %s", b.getBudgetId(), scope, limits,
        b.getPeriod().name().toLowerCase(Locale.ROOT), b.getTimezone(), b.getThresholdsPercent(),
        b.getEnforcement().name().toLowerCase(Locale.ROOT) + enforced(b), b.getUpdatedAt());
  }

  /** What a hard budget does at admission: its downgrades and whether it fails closed. */
  private static String enforced(Budget b) {
    if (b.getEnforcement() != io.tokenledger.schemas.BudgetEnforcement.HARD) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    b.getDowngrades().forEach(d -> out.append(", ").append(d.getFromModel()).append(" -> ").append(d.getToModel())
        .append(" from ").append(d.getAbovePercent()).append('%'));
    return out.append(b.getWhenUnreachable() == io.tokenledger.schemas.BudgetUnreachable.FAIL_CLOSED
        ? ", fails closed" : ", fails open").toString();
  }
}
