package io.tokenledger.economics.report;

import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.figures.Counters;
import io.tokenledger.economics.figures.EconomicsKey;
import io.tokenledger.economics.figures.Figures;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.ModelEconomics;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The published figures of one key, derived from its sums alone: every ratio computed exactly
 * and rounded once, half-even, to the nano-USD or basis point.
 */
public final class EconomicsReport {
  private static final BigDecimal BASIS_POINTS = BigDecimal.valueOf(10_000);

  private EconomicsReport() {}

  public static WorkflowEconomics of(EconomicsKey key, Figures figures, EconomicsSettings settings) {
    Counters t = figures.totals();
    CalendarPeriods.Period period = CalendarPeriods.containing(
        key.period() == EconomicsPeriod.DAY ? BudgetPeriod.DAY : BudgetPeriod.MONTH, key.zone(),
        key.firstDay().atStartOfDay(key.zone()).toInstant());
    Verdicts.Verdict verdict = Verdicts.decide(t, figures.unit(), settings.minOutcomes());
    BigDecimal aiPath = BigDecimal.valueOf(t.aiPathNanoUsd());
    BigDecimal person = Verdicts.personPerOutcome(t);
    BigDecimal perSuccess = RightSizing.costPerSuccess(t);
    WorkflowEconomics.Builder out = WorkflowEconomics.newBuilder()
        .setWorkflow(key.workflow()).setTeam(key.team()).setPeriod(key.period()).setZone(key.zone().getId())
        .setFirstDay(key.firstDay().toString()).setPeriodStart(period.start()).setPeriodEnd(period.end())
        .setOutcomeUnit(figures.unit())
        .setItemsStarted(t.started()).setItemsSucceeded(t.succeeded()).setItemsFailed(t.failed())
        .setItemsEscalated(t.escalated()).setItemsAbandoned(t.abandoned()).setItemsOpen(t.open())
        .setUnitsSucceeded(t.unitsSucceeded()).setHumanSeconds(t.humanSeconds())
        .setAiSpendNanoUsd(t.aiSpendNanoUsd()).setHumanInLoopCostNanoUsd(t.humanLoopNanoUsd())
        .setAiPathCostNanoUsd(t.aiPathNanoUsd())
        .setCostPerSuccessNanoUsd(perSuccess == null ? null : Rates.divide(perSuccess, BigDecimal.ONE))
        .setHumanCostPerOutcomeNanoUsd(person == null ? null : Rates.divide(person, BigDecimal.ONE))
        .setHumanCostAvoidedNanoUsd(t.humanAvoidedNanoUsd())
        .setSavingPerOutcomeNanoUsd(person == null || perSuccess == null ? null
            : Rates.divide(person.subtract(perSuccess), BigDecimal.ONE))
        .setSavingTotalNanoUsd(person == null ? null : t.humanAvoidedNanoUsd() - t.aiPathNanoUsd())
        .setTokenRoiBasisPoints(person == null || t.aiPathNanoUsd() == 0 ? null
            : Rates.divide(BigDecimal.valueOf(t.humanAvoidedNanoUsd()).subtract(aiPath).multiply(BASIS_POINTS), aiPath))
        .setUnvaluedOutcomes(t.unvaluedOutcomes())
        .setVerdict(verdict.verdict()).setVerdictReason(verdict.reason())
        .setModels(models(figures.models()))
        .setAdvice(RightSizing.advise(figures.models(), figures.unit(), key.period(), key.firstDay(),
            settings.minOutcomes(), settings.marginBasisPoints()));
    success(t, out);
    timeAndQuality(t, figures.turnarounds(), out);
    Axes.Decision axes = Axes.decide(t, figures.turnarounds(), verdict.verdict(), figures.unit(),
        settings.minOutcomes());
    out.setCostAxis(axes.cost()).setTimeAxis(axes.time()).setQualityAxis(axes.quality())
        .setRecommendation(axes.recommendation()).setRecommendationReason(axes.reason())
        .setVariants(Variants.figures(figures.variants()))
        .setVariantComparison(Variants.compare(figures.variants(), figures.unit(), settings.minOutcomes()));
    return out.build();
  }

  /** Turnaround median and p90 with their intervals, the quality score's mean and interval, a person's. */
  private static void timeAndQuality(Counters t, io.tokenledger.economics.figures.Turnarounds turnarounds,
      WorkflowEconomics.Builder out) {
    out.setTurnaroundItems(turnarounds.total());
    Quantiles.Quantile median = Quantiles.of(turnarounds, Axes.MEDIAN);
    if (median != null) {
      Quantiles.Quantile p90 = Quantiles.of(turnarounds, Axes.P90);
      out.setTurnaroundMedianSeconds(median.value()).setTurnaroundMedianLowSeconds(median.low())
          .setTurnaroundMedianHighSeconds(median.high()).setTurnaroundP90Seconds(p90.value())
          .setTurnaroundP90LowSeconds(p90.low()).setTurnaroundP90HighSeconds(p90.high());
    }
    if (t.personTurnarounds() > 0) {
      out.setPersonTurnaroundSeconds(Rates.divide(BigDecimal.valueOf(t.personTurnaroundSum()),
          BigDecimal.valueOf(t.personTurnarounds())));
    }
    out.setQualityScored(t.scored()).setQualityUnscored(t.unscored());
    Means.Mean quality = Means.of(t.scored(), t.qualitySum(), t.qualitySquares());
    if (quality != null) {
      out.setQualityMeanBasisPoints(Means.basisPoints(quality.mean()));
      if (quality.low() != null) {
        out.setQualityLowBasisPoints(Means.basisPoints(quality.low()))
            .setQualityHighBasisPoints(Means.basisPoints(quality.high()));
      }
    }
    if (t.personQualities() > 0) {
      out.setPersonQualityBasisPoints(Means.basisPoints(BigDecimal.valueOf(t.personQualitySum())
          .divide(BigDecimal.valueOf(t.personQualities()), Rates.EXACT)));
    }
  }

  private static void success(Counters t, WorkflowEconomics.Builder out) {
    if (t.decided() == 0) {
      return;
    }
    Rates.Interval rate = Rates.wilson(t.succeeded(), t.decided());
    out.setSuccessRateBasisPoints(Rates.basisPoints(rate.rate())).setSuccessLowBasisPoints(Rates.basisPoints(rate.low()))
        .setSuccessHighBasisPoints(Rates.basisPoints(rate.high()));
  }

  private static List<ModelEconomics> models(Map<String, Counters> models) {
    List<ModelEconomics> list = new ArrayList<>();
    models.forEach((model, c) -> {
      BigDecimal perSuccess = RightSizing.costPerSuccess(c);
      io.tokenledger.schemas.models.ProviderModel named = io.tokenledger.schemas.models.ProviderModel.parse(model);
      ModelEconomics.Builder m = ModelEconomics.newBuilder().setProvider(named.provider()).setModel(named.model())
          .setServiceTier(named.serviceTier())
          .setItemsStarted(c.started())
          .setItemsSucceeded(c.succeeded()).setItemsFailed(c.failed()).setItemsEscalated(c.escalated())
          .setItemsAbandoned(c.abandoned()).setItemsOpen(c.open()).setUnitsSucceeded(c.unitsSucceeded())
          .setAiSpendNanoUsd(c.aiSpendNanoUsd()).setHumanInLoopCostNanoUsd(c.humanLoopNanoUsd())
          .setCostPerSuccessNanoUsd(perSuccess == null ? null : Rates.divide(perSuccess, BigDecimal.ONE));
      if (c.decided() > 0) {
        Rates.Interval rate = Rates.wilson(c.succeeded(), c.decided());
        m.setSuccessRateBasisPoints(Rates.basisPoints(rate.rate()))
            .setSuccessLowBasisPoints(Rates.basisPoints(rate.low()))
            .setSuccessHighBasisPoints(Rates.basisPoints(rate.high()));
      }
      list.add(m.build());
    });
    return list;
  }
}
