package io.tokenledger.ops.cli.plan;

import picocli.CommandLine.Command;

/** The quarterly token plan: set per team and workflow, shown against actuals and the forecast. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "The quarterly token plan per team and workflow, next to actuals and the forecast.",
    subcommands = {SetPlan.class, ShowPlan.class, AdvisePlan.class})
public final class PlanCommand {
  private PlanCommand() {}
}
