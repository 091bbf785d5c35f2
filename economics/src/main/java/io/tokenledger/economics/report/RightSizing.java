package io.tokenledger.economics.report;

import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.economics.figures.Counters;
import io.tokenledger.economics.items.ItemState;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.ModelAdvice;
import io.tokenledger.schemas.ModelRecommendation;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Model right-sizing within a workflow: the model with the highest AI spend per item is the
 * current one; each cheaper model is compared with it by success rate (Newcombe's 95% interval
 * of the difference) and cost per success, escalations and person-time included. A cheaper
 * model is recommended when it is not worse by more than the margin and costs less per
 * success; kept out when it is measurably worse.
 */
public final class RightSizing {
  private RightSizing() {}

  public static ModelAdvice advise(Map<String, Counters> models, String unit, EconomicsPeriod period,
      LocalDate firstDay, long minOutcomes, long marginBasisPoints) {
    List<Map.Entry<String, Counters>> used = new ArrayList<>();
    for (Map.Entry<String, Counters> model : models.entrySet()) {
      if (!model.getKey().equals(ItemState.NO_MODEL) && model.getValue().started() > 0) {
        used.add(model);
      }
    }
    if (used.size() < 2) {
      return null;
    }
    used.sort(Comparator.comparing((Map.Entry<String, Counters> m) -> spendPerItem(m.getValue())).reversed());
    String current = used.get(0).getKey();
    Counters a = used.get(0).getValue();
    String per = " per " + (unit == null ? "unit" : unit);
    BigDecimal margin = BigDecimal.valueOf(marginBasisPoints).movePointLeft(4);
    ModelAdvice best = null;
    for (Map.Entry<String, Counters> candidate : used.subList(1, used.size())) {
      String cheaper = candidate.getKey();
      Counters b = candidate.getValue();
      ProviderModel currentModel = ProviderModel.parse(current);
      ProviderModel candidateModel = ProviderModel.parse(cheaper);
      ModelAdvice.Builder advice = ModelAdvice.newBuilder().setCurrentModel(currentModel.model())
          .setCurrentProvider(currentModel.provider()).setCandidateModel(candidateModel.model())
          .setCandidateProvider(candidateModel.provider()).setCurrentServiceTier(currentModel.serviceTier())
          .setCandidateServiceTier(candidateModel.serviceTier());
      if (a.decided() < minOutcomes || b.decided() < minOutcomes) {
        advice.setRecommendation(ModelRecommendation.NOT_ENOUGH_DATA).setSuccessDifferenceLowBasisPoints(-10_000)
            .setSuccessDifferenceHighBasisPoints(10_000).setMessage("compare " + cheaper + " with " + current
                + " once each has " + minOutcomes + " items with an outcome (now " + b.decided() + " and "
                + a.decided() + ")");
        best = better(best, advice.build());
        continue;
      }
      Rates.Interval pa = Rates.wilson(a.succeeded(), a.decided());
      Rates.Interval pb = Rates.wilson(b.succeeded(), b.decided());
      Rates.Interval difference = Rates.difference(pb, pa);
      advice.setSuccessDifferenceLowBasisPoints(Rates.basisPoints(difference.low()))
          .setSuccessDifferenceHighBasisPoints(Rates.basisPoints(difference.high()));
      BigDecimal cpsA = costPerSuccess(a);
      BigDecimal cpsB = costPerSuccess(b);
      boolean notWorse = difference.low().compareTo(margin.negate()) > 0;
      boolean worse = difference.high().compareTo(margin.negate()) < 0;
      String rates = cheaper + " succeeds " + Verdicts.percent(pb.rate()) + " against " + Verdicts.percent(pa.rate());
      if (notWorse && cpsB != null && (cpsA == null || cpsB.compareTo(cpsA) < 0)) {
        long saving = cpsA == null ? 0 : Rates.divide(cpsA.subtract(cpsB).multiply(BigDecimal.valueOf(a.unitsSucceeded()))
            .multiply(BigDecimal.valueOf(period == EconomicsPeriod.DAY ? firstDay.lengthOfMonth() : 1)), BigDecimal.ONE);
        advice.setRecommendation(ModelRecommendation.SWITCH).setExpectedMonthlySavingNanoUsd(saving)
            .setMessage("move " + current + " to " + cheaper + ": " + rates + " (not worse by more than "
                + Verdicts.percent(margin) + " at 95% confidence) and costs " + Verdicts.money(cpsB) + per
                + " against " + Verdicts.money(cpsA) + "; about " + Verdicts.money(BigDecimal.valueOf(saving))
                + " a month saved at " + (period == EconomicsPeriod.DAY ? "this day's" : "this month's") + " volume");
      } else if (worse || notWorse) {
        String why = worse ? cheaper + " fails " + failureRatio(pb, pa, current) + " (" + rates + ")"
            + (cpsB == null || cpsA == null || cpsB.compareTo(cpsA) >= 0
                ? ", which costs more in failures and escalations than it saves: " + (cpsB == null ? "no success"
                    : Verdicts.money(cpsB)) + per + " against " + (cpsA == null ? "no success" : Verdicts.money(cpsA))
                : "")
            : cheaper + " is as good (" + rates + ") but not cheaper per success: " + Verdicts.money(cpsB) + per
                + " against " + Verdicts.money(cpsA);
        advice.setRecommendation(ModelRecommendation.KEEP).setMessage("keep " + current + ": " + why);
      } else {
        advice.setRecommendation(ModelRecommendation.NOT_ENOUGH_DATA).setMessage("cannot tell yet whether "
            + cheaper + " is as good as " + current + ": " + rates + ", and the 95% interval of the difference ("
            + Verdicts.percent(difference.low()) + " to " + Verdicts.percent(difference.high())
            + ") spans the margin of " + Verdicts.percent(margin));
      }
      best = better(best, advice.build());
    }
    return best;
  }

  /** A switch beats a keep, which beats not knowing; of two switches, the larger saving. */
  private static ModelAdvice better(ModelAdvice best, ModelAdvice next) {
    if (best == null) {
      return next;
    }
    int rankBest = rank(best.getRecommendation());
    int rankNext = rank(next.getRecommendation());
    if (rankNext != rankBest) {
      return rankNext > rankBest ? next : best;
    }
    if (next.getRecommendation() == ModelRecommendation.SWITCH
        && next.getExpectedMonthlySavingNanoUsd() > best.getExpectedMonthlySavingNanoUsd()) {
      return next;
    }
    return best;
  }

  private static int rank(ModelRecommendation r) {
    return switch (r) {
      case SWITCH -> 2;
      case KEEP -> 1;
      case NOT_ENOUGH_DATA -> 0;
    };
  }

  static BigDecimal costPerSuccess(Counters c) {
    return c.unitsSucceeded() == 0 ? null
        : BigDecimal.valueOf(c.aiPathNanoUsd()).divide(BigDecimal.valueOf(c.unitsSucceeded()), Rates.EXACT);
  }

  private static BigDecimal spendPerItem(Counters c) {
    return BigDecimal.valueOf(c.aiSpendNanoUsd()).divide(BigDecimal.valueOf(c.started()), Rates.EXACT);
  }

  private static String failureRatio(Rates.Interval candidate, Rates.Interval current, String currentModel) {
    BigDecimal failA = BigDecimal.ONE.subtract(current.rate());
    BigDecimal failB = BigDecimal.ONE.subtract(candidate.rate());
    if (failA.signum() == 0) {
      return "where " + currentModel + " never does";
    }
    return failB.divide(failA, 1, java.math.RoundingMode.HALF_EVEN).toPlainString() + "x as often";
  }
}
