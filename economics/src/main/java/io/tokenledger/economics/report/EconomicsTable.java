package io.tokenledger.economics.report;

import io.tokenledger.schemas.ModelAdvice;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.money.MoneyFormat;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * The economics as a table a leader reads in ten seconds: per workflow, units, success rate,
 * what an outcome costs on the AI path and from a person, the saving, Token ROI and the verdict;
 * then, where outcomes say more than cost, the recommendation on cost, time and quality, the
 * variants compared, and the model advice, in a sentence each. The CLI's report and the demo print the same table.
 */
public final class EconomicsTable {
  private static final String ROW = "%-22s %11s %8s %12s %12s %14s %9s  %s%n";

  private EconomicsTable() {}

  public static String render(String title, List<WorkflowEconomics> rows) {
    StringBuilder out = new StringBuilder(title).append(System.lineSeparator());
    // AGENT/OUTCOME is the agent path's cost per completed outcome: AI spend plus people's review
    // and escalation time, over the successes.
    out.append(String.format(Locale.ROOT, ROW, "WORKFLOW", "UNITS", "SUCCESS", "AGENT/OUTC.", "PERSON/OUTC.",
        "SAVING", "ROI", "VERDICT"));
    for (WorkflowEconomics e : rows) {
      out.append(String.format(Locale.ROOT, ROW, name(e), String.format(Locale.ROOT, "%,d", e.getUnitsSucceeded()),
          percent(e.getSuccessRateBasisPoints() == null ? null : e.getSuccessRateBasisPoints().longValue()),
          money(e.getCostPerSuccessNanoUsd()), money(e.getHumanCostPerOutcomeNanoUsd()),
          money(e.getSavingTotalNanoUsd()), roi(e.getTokenRoiBasisPoints()), e.getVerdict()));
    }
    // Agent or person on cost, time and quality: the workflows whose person has a turnaround or a quality score.
    boolean axes = false;
    for (WorkflowEconomics e : rows) {
      if (e.getPersonTurnaroundSeconds() != null || e.getPersonQualityBasisPoints() != null) {
        if (!axes) {
          out.append(System.lineSeparator()).append("On cost, time and quality:").append(System.lineSeparator());
          axes = true;
        }
        out.append("  ").append(name(e)).append(" [").append(e.getRecommendation()).append("] ")
            .append(e.getRecommendationReason()).append(System.lineSeparator());
      }
    }
    boolean compared = false;
    for (WorkflowEconomics e : rows) {
      if (e.getVariantComparison() != null) {
        if (!compared) {
          out.append(System.lineSeparator()).append("Variants:").append(System.lineSeparator());
          compared = true;
        }
        out.append("  ").append(name(e)).append(": ").append(e.getVariantComparison().getMessage())
            .append(System.lineSeparator());
      }
    }
    boolean advised = false;
    for (WorkflowEconomics e : rows) {
      ModelAdvice advice = e.getAdvice();
      if (advice != null) {
        if (!advised) {
          out.append(System.lineSeparator()).append("Model advice:").append(System.lineSeparator());
          advised = true;
        }
        out.append("  ").append(name(e)).append(" [").append(advice.getRecommendation()).append("] ")
            .append(advice.getMessage()).append(System.lineSeparator());
      }
    }
    return out.toString();
  }

  /** The workflow: a table holds one team's shares or the workflows across teams, as its title says. */
  private static String name(WorkflowEconomics e) {
    return e.getWorkflow();
  }

  private static String money(Long nanoUsd) {
    return nanoUsd == null ? "-" : MoneyFormat.usd(nanoUsd);
  }

  private static String percent(Long basisPoints) {
    return basisPoints == null ? "-" : BigDecimal.valueOf(basisPoints, 2).setScale(1, RoundingMode.HALF_EVEN) + "%";
  }

  private static String roi(Long basisPoints) {
    return basisPoints == null ? "-" : MoneyFormat.percent(BigDecimal.valueOf(basisPoints, 4));
  }
}
