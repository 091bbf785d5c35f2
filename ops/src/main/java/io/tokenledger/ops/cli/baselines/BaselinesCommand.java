package io.tokenledger.ops.cli.baselines;

import io.tokenledger.economics.baseline.HumanCost;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.BaselineKeys;
import io.tokenledger.schemas.money.MoneyFormat;
import java.math.BigDecimal;
import java.math.RoundingMode;
import picocli.CommandLine.Command;

/** Sets, lists and deletes human baselines (what a unit of work costs when a person does it). */
@Command(name = "baselines", mixinStandardHelpOptions = true,
    description = "Manages human baselines: what a unit of a workflow's work costs when a person does it.",
    subcommands = {SetBaseline.class, ListBaselines.class, DeleteBaseline.class})
public final class BaselinesCommand {
  private BaselinesCommand() {}

  static String describe(HumanBaseline b) {
    BigDecimal minutes = BigDecimal.valueOf(b.getSecondsPerUnit()).divide(BigDecimal.valueOf(60), 2, RoundingMode.HALF_EVEN)
        .stripTrailingZeros();
    BigDecimal percent = BigDecimal.valueOf(b.getSuccessRateBasisPoints(), 2);
    return String.format("%s: %s min per %s at %s/h, a person succeeds %s%%: %s per successful %s (set by %s; %s)",
        BaselineKeys.of(b), minutes.toPlainString(), b.getOutcomeUnit(), MoneyFormat.usd(b.getLoadedCostNanoUsdPerHour()),
        percent.toPlainString(), MoneyFormat.usd(HumanCost.perSuccessfulUnitNanoUsd(b)), b.getOutcomeUnit(),
        b.getSetBy(), b.getSource())
        + (b.getTurnaroundSecondsPerUnit() == null ? "" : "; done in " + io.tokenledger.economics.report.Durations
            .text(b.getTurnaroundSecondsPerUnit()) + (b.getTimeLossAllowedPercent() == 0 ? ""
            : " (" + b.getTimeLossAllowedPercent() + "% slower allowed)"))
        + (b.getQualityScorePercent() == null ? "" : "; quality " + b.getQualityScorePercent()
            + (b.getQualityLossAllowedPoints() == 0 ? "" : " (" + b.getQualityLossAllowedPoints()
            + " points lower allowed)"));
  }
}
