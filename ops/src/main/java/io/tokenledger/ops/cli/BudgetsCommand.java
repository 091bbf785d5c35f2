package io.tokenledger.ops.cli;

import io.tokenledger.alerting.budget.BudgetRules;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.topics.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Sets, lists and deletes budgets on the compacted budgets topic, which alerting reads. */
@Command(name = "budgets", mixinStandardHelpOptions = true, description = "Manages team budgets.",
    subcommands = {BudgetsCommand.Set.class, BudgetsCommand.ListBudgets.class, BudgetsCommand.Delete.class})
public final class BudgetsCommand {
  private BudgetsCommand() {}

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = {"Creates or replaces a budget. A change mid-period is evaluated at once against the spend so far.",
          "Example: budgets set --id support-monthly --team support --limit-usd 2500 --timezone Europe/Berlin"})
  static final class Set implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--id", required = true, description = "Budget id, e.g. support-monthly.")
    String id;

    @Option(names = "--team", required = true, description = "The team whose usage counts.")
    String team;

    @Option(names = "--workflow", description = "Count only this workflow.")
    String workflow;

    @Option(names = "--model", description = "Count only this model (normalised: gpt-4o-2024-08-06 counts as gpt-4o).")
    String model;

    @Option(names = "--limit-usd", description = "Spend limit per period in USD, exact decimal, e.g. 2500 or 12.50.")
    String limitUsd;

    @Option(names = "--limit-tokens", description = "Token limit per period (all five buckets summed).")
    Long limitTokens;

    @Option(names = "--period", defaultValue = "month", description = "day, week (from Monday) or month (default).")
    String period;

    @Option(names = "--timezone", defaultValue = "UTC", description = "IANA time zone periods align to (default UTC).")
    String timezone;

    @Option(names = "--thresholds", split = ",", defaultValue = "50,80,100",
        description = "Percentages of the limit that raise an alert, once each per period (default 50,80,100).")
    List<Integer> thresholds;

    @Option(names = "--hard", description = "Hard budget: services read its status to throttle or downgrade.")
    boolean hard;

    @Override
    public Integer call() throws Exception {
      Budget budget;
      try {
        budget = build();
      } catch (IllegalArgumentException e) {
        System.err.println("Budget not set: " + e.getMessage());
        return 2;
      }
      CompactedTopics.write(kafka.settings(), kafka.appliedTopics().budgets, budget.getBudgetId(), budget);
      System.out.println("Set budget " + describe(budget));
      return 0;
    }

    /** Parses the options; the budget rules themselves are alerting's ({@link BudgetRules}). */
    Budget build() {
      BudgetPeriod budgetPeriod;
      try {
        budgetPeriod = BudgetPeriod.valueOf(period.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--period must be day, week or month, not '" + period + "'");
      }
      return BudgetRules.checked(Budget.newBuilder().setBudgetId(id).setTeam(team).setWorkflow(workflow)
          .setModel(model).setLimitNanoUsd(limitUsd == null ? null : parseUsd(limitUsd)).setLimitTokens(limitTokens)
          .setPeriod(budgetPeriod).setTimezone(timezone).setThresholdsPercent(thresholds)
          .setEnforcement(hard ? BudgetEnforcement.HARD : BudgetEnforcement.SOFT).setUpdatedAt(Instant.now()).build());
    }

    private static long parseUsd(String usd) {
      try {
        return NanoUsd.fromUsd(usd.replace("$", "").replace(",", ""));
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("--limit-usd must be a decimal amount of USD with at most 9 decimals, not '"
            + usd + "'");
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the budgets as alerting sees them.")
  static final class ListBudgets implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Map<String, Budget> budgets = CompactedTopics.readLatest(kafka.settings(), kafka.appliedTopics().budgets);
      if (budgets.isEmpty()) {
        System.out.println("No budgets. Set one with 'tokenledger budgets set --id ... --team ... --limit-usd ...'.");
      }
      budgets.values().forEach(b -> System.out.println(describe(b)));
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a budget (its status is removed too).")
  static final class Delete implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Parameters(paramLabel = "BUDGET_ID", description = "The id shown by 'budgets list'.")
    String id;

    @Override
    public Integer call() throws Exception {
      return TableDelete.delete(kafka, topics -> topics.budgets, id, "budget", "tokenledger budgets list");
    }
  }

  static String describe(Budget b) {
    String scope = b.getTeam() + (b.getWorkflow() == null ? "" : " / workflow " + b.getWorkflow())
        + (b.getModel() == null ? "" : " / model " + b.getModel());
    String limits = (b.getLimitNanoUsd() == null ? "" : NanoUsd.toUsd(b.getLimitNanoUsd()).toPlainString() + " USD")
        + (b.getLimitNanoUsd() != null && b.getLimitTokens() != null ? " and " : "")
        + (b.getLimitTokens() == null ? "" : String.format("%,d tokens", b.getLimitTokens()));
    return String.format("%s: %s, %s per %s (%s), alerts at %s%%, %s, updated %s", b.getBudgetId(), scope, limits,
        b.getPeriod().name().toLowerCase(Locale.ROOT), b.getTimezone(), b.getThresholdsPercent(),
        b.getEnforcement().name().toLowerCase(Locale.ROOT), b.getUpdatedAt());
  }
}
