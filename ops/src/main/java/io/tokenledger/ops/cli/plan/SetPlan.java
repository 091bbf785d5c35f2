package io.tokenledger.ops.cli.plan;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.UsdAmounts;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.plan.PlanRules;
import io.tokenledger.schemas.TokenPlan;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.PlanKeys;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "set", mixinStandardHelpOptions = true,
    description = {"Sets a team's (or one workflow's) plan for a quarter, from a date on; earlier versions are kept.",
        "Example: plan set --team support --workflow ticket-triage --quarter 2027-Q1 --usd 18000 --set-by cfo"})
final class SetPlan implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--team", required = true, description = "The team.")
  String team;

  @Option(names = "--workflow", description = "One workflow of the team (default: the team's plan as a whole).")
  String workflow;

  @Option(names = "--quarter", required = true, description = "The calendar quarter (UTC), e.g. 2027-Q1.")
  String quarter;

  @Option(names = "--usd", description = "Planned spend in USD, exact decimal, e.g. 18000 or 18,000.50.")
  String usd;

  @Option(names = "--tokens", description = "Planned tokens, all buckets summed.")
  Long tokens;

  @Option(names = "--effective-from", description = "From when this version holds (a UTC date; default: now).")
  LocalDate effectiveFrom;

  @Option(names = "--set-by", required = true, description = "Who sets it.")
  String setBy;

  @Option(names = "--note", description = "Why, for the record.")
  String note;

  @Override
  public Integer call() throws Exception {
    TokenPlan plan;
    try {
      Instant now = Instant.now();
      plan = PlanRules.checked(TokenPlan.newBuilder().setTeam(team).setWorkflow(workflow).setQuarter(quarter)
          .setAmountNanoUsd(usd == null ? null : UsdAmounts.parse("--usd", usd)).setTokens(tokens)
          .setEffectiveFrom(effectiveFrom == null ? now : effectiveFrom.atStartOfDay(ZoneOffset.UTC).toInstant())
          .setSetBy(setBy).setNote(note).setUpdatedAt(now).build());
    } catch (IllegalArgumentException e) {
      System.err.println("Plan not set: " + e.getMessage());
      return 2;
    }
    CompactedTopics.write(kafka.settings(), kafka.appliedTopics().plans, PlanKeys.of(plan), plan);
    System.out.println("Set the " + plan.getQuarter() + " plan of " + team + (workflow == null ? "" : " / " + workflow)
        + ": " + (plan.getAmountNanoUsd() == null ? "" : MoneyFormat.usd(plan.getAmountNanoUsd()))
        + (plan.getAmountNanoUsd() != null && plan.getTokens() != null ? " and " : "")
        + (plan.getTokens() == null ? "" : String.format("%,d tokens", plan.getTokens())) + ", from "
        + plan.getEffectiveFrom() + " (set by " + setBy + ")");
    return 0;
  }
}
