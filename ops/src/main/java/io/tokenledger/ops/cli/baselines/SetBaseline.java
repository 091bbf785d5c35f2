package io.tokenledger.ops.cli.baselines;

import io.tokenledger.economics.baseline.BaselineRules;
import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.Times;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.topics.BaselineKeys;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "set", mixinStandardHelpOptions = true,
    description = {"Adds a baseline version; from its date on it supersedes earlier ones of the same scope.",
        "Example: baselines set --workflow ticket-triage --unit ticket --minutes-per-unit 12 --hourly-cost-usd 50 "
            + "--success-rate 95 --effective-from 2026-11-01 --source 'time study Q3'"})
final class SetBaseline implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--workflow", required = true, description = "The workflow whose work this prices.")
  String workflow;

  @Option(names = "--team", description = "Only this team's items (default: every team).")
  String team;

  @Option(names = "--unit", required = true, description = "The unit of work, as outcomes name it, e.g. ticket.")
  String unit;

  @Option(names = "--minutes-per-unit", required = true,
      description = "A person's time per unit in minutes, exact to the second, e.g. 12 or 2.5.")
  String minutesPerUnit;

  @Option(names = "--hourly-cost-usd", required = true,
      description = "Fully loaded cost of a person per HOUR in USD, e.g. 50 (a yearly salary is refused).")
  String hourlyCostUsd;

  @Option(names = "--success-rate", defaultValue = "100",
      description = "How often a person's unit succeeds, in percent, e.g. 95 or 97.5 (default 100).")
  String successRate;

  @Option(names = "--turnaround", description = "How long a unit takes a person from start to done, queueing "
      + "included, e.g. 4h, 90m, 2d (the time axis of the verdict; default: not known).",
      converter = io.tokenledger.ops.cli.DurationConverter.class)
  java.time.Duration turnaround;

  @Option(names = "--quality", description = "A person's quality score of a successful unit, 0 to 100, on the "
      + "scale outcomes report (default: not known).")
  Integer quality;

  @Option(names = "--quality-loss-allowed", defaultValue = "0",
      description = "Points of quality below a person's that still count as not worse (default 0).")
  int qualityLossAllowed;

  @Option(names = "--time-loss-allowed", defaultValue = "0",
      description = "Percent slower than a person that still counts as not worse (default 0).")
  int timeLossAllowed;

  @Option(names = "--effective-from", required = true,
      description = "From when it is in force: a date (UTC midnight) such as 2026-11-01, or an ISO instant.")
  String effectiveFrom;

  @Option(names = "--source", required = true, description = "The evidence: a time study, a report.")
  String source;

  @Option(names = "--set-by", description = "Who sets it (default: the user running the command).")
  String setBy;

  @Override
  public Integer call() throws Exception {
    HumanBaseline baseline;
    try {
      baseline = build();
    } catch (IllegalArgumentException e) {
      System.err.println("Baseline not set: " + e.getMessage());
      return 2;
    }
    CompactedTopics.write(kafka.settings(), kafka.appliedTopics().humanBaselines, BaselineKeys.of(baseline), baseline);
    System.out.println("Set baseline " + BaselinesCommand.describe(baseline));
    return 0;
  }

  /** Parses the options; the rules themselves are the economics' ({@link BaselineRules}). */
  HumanBaseline build() {
    return BaselineRules.checked(HumanBaseline.newBuilder().setWorkflow(workflow).setTeam(team).setOutcomeUnit(unit)
        .setSecondsPerUnit(exact(minutesPerUnit, 60, "--minutes-per-unit", "a whole number of seconds"))
        .setLoadedCostNanoUsdPerHour(io.tokenledger.ops.cli.UsdAmounts.parse("--hourly-cost-usd", hourlyCostUsd.strip()))
        .setSuccessRateBasisPoints((int) exact(successRate, 100, "--success-rate", "a whole basis point (0.01%)"))
        .setEffectiveFrom(Times.instant(effectiveFrom, "--effective-from")).setSource(source)
        .setSetBy(setBy != null ? setBy : System.getProperty("user.name", "unknown"))
        .setTurnaroundSecondsPerUnit(turnaround == null ? null : turnaround.toSeconds()).setQualityScorePercent(quality)
        .setQualityLossAllowedPoints(qualityLossAllowed).setTimeLossAllowedPercent(timeLossAllowed)
        .setUpdatedAt(Instant.now()).build());
  }

  /** A decimal times a factor, refused unless the result is a whole number. */
  private static long exact(String value, int factor, String option, String unitName) {
    try {
      return new BigDecimal(value.strip()).multiply(BigDecimal.valueOf(factor))
          .setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(option + " '" + value + "' is not " + unitName);
    }
  }
}
