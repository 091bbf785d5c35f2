package io.tokenledger.ops.cli.budgets;

import io.tokenledger.alerting.budget.BudgetRules;
import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.UsdAmounts;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetDowngrade;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.BudgetUnreachable;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "set", mixinStandardHelpOptions = true,
    description = {"Creates or replaces a budget. A change mid-period is evaluated at once against the spend so far.",
        "Example: budgets set --id support-monthly --team support --limit-usd 2500 --timezone Europe/Berlin",
        "An agent's daily cap that stops it: budgets set --id triage-bot-daily --team support --agent triage-bot "
            + "--limit-usd 20 --period day --hard --downgrade claude-opus-4-1=claude-sonnet-4-5@90"})
final class SetBudget implements Callable<Integer> {
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

  @Option(names = "--user", description = "A person's allowance: count only usage recorded with this user_id.")
  String user;

  @Option(names = "--agent", description = "An agent's allowance: count only usage recorded with this agent_id.")
  String agent;

  @Option(names = "--hard", description = "Hard budget: admission (UsageRecorder.admit, POST /v1/admit) denies or "
      + "downgrades calls that would pass its limit.")
  boolean hard;

  @Option(names = "--fail-closed", description = "When the team's task cannot answer admission in time, deny calls "
      + "(default: allow them, fail-open).")
  boolean failClosed;

  @Option(names = "--downgrade", description = "FROM=TO@PERCENT: from PERCENT of the limit (or when a FROM call no "
      + "longer fits) send FROM calls to the cheaper TO, e.g. gpt-4o=gpt-4o-mini@90. Repeatable.")
  List<String> downgrades = List.of();

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
    System.out.println("Set budget " + BudgetsCommand.describe(budget));
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
        .setModel(model).setLimitNanoUsd(limitUsd == null ? null : UsdAmounts.parse("--limit-usd", limitUsd))
        .setLimitTokens(limitTokens)
        .setPeriod(budgetPeriod).setTimezone(timezone).setThresholdsPercent(thresholds)
        .setUserId(user).setAgentId(agent).setDowngrades(downgrades.stream().map(SetBudget::downgrade).toList())
        .setWhenUnreachable(failClosed ? BudgetUnreachable.FAIL_CLOSED : BudgetUnreachable.FAIL_OPEN)
        .setEnforcement(hard ? BudgetEnforcement.HARD : BudgetEnforcement.SOFT).setUpdatedAt(Instant.now()).build());
  }

  private static BudgetDowngrade downgrade(String text) {
    int equals = text.indexOf('=');
    int at = text.lastIndexOf('@');
    if (equals <= 0 || at < equals + 2 || at == text.length() - 1) {
      throw new IllegalArgumentException("--downgrade must be FROM=TO@PERCENT, e.g. gpt-4o=gpt-4o-mini@90, not '"
          + text + "'");
    }
    try {
      return new BudgetDowngrade(text.substring(0, equals).strip(), text.substring(equals + 1, at).strip(),
          Integer.parseInt(text.substring(at + 1).strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--downgrade's PERCENT must be a whole number, not '"
          + text.substring(at + 1) + "'");
    }
  }
}
