package io.tokenledger.economics.query;

import io.tokenledger.economics.report.Rates;
import io.tokenledger.schemas.ModelAdvice;
import io.tokenledger.schemas.ModelEconomics;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.money.NanoUsd;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures as JSON people and scripts read: money as exact integer nano-USD and as an exact
 * decimal USD string, rates as basis points and as a percent string. Field names are the
 * schema's.
 */
public final class EconomicsJson {
  private EconomicsJson() {}

  public static Map<String, Object> of(WorkflowEconomics e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workflow", e.getWorkflow());
    m.put("team", e.getTeam());
    m.put("period", e.getPeriod().name().toLowerCase(java.util.Locale.ROOT));
    m.put("zone", e.getZone());
    m.put("first_day", e.getFirstDay());
    m.put("period_start", e.getPeriodStart().toString());
    m.put("period_end", e.getPeriodEnd().toString());
    m.put("outcome_unit", e.getOutcomeUnit());
    m.put("items_started", e.getItemsStarted());
    m.put("items_succeeded", e.getItemsSucceeded());
    m.put("items_failed", e.getItemsFailed());
    m.put("items_escalated", e.getItemsEscalated());
    m.put("items_abandoned", e.getItemsAbandoned());
    m.put("items_open", e.getItemsOpen());
    m.put("units_succeeded", e.getUnitsSucceeded());
    m.put("human_seconds", e.getHumanSeconds());
    money(m, "ai_spend", e.getAiSpendNanoUsd());
    money(m, "human_in_loop_cost", e.getHumanInLoopCostNanoUsd());
    money(m, "ai_path_cost", e.getAiPathCostNanoUsd());
    money(m, "cost_per_success", e.getCostPerSuccessNanoUsd());
    // cost_per_success's two parts, each rounded once (so they may differ from it by a nano-USD).
    money(m, "ai_spend_per_success", perSuccess(e.getAiSpendNanoUsd(), e.getUnitsSucceeded()));
    money(m, "human_in_loop_per_success", perSuccess(e.getHumanInLoopCostNanoUsd(), e.getUnitsSucceeded()));
    money(m, "human_cost_per_outcome", e.getHumanCostPerOutcomeNanoUsd());
    money(m, "human_cost_avoided", e.getHumanCostAvoidedNanoUsd());
    money(m, "saving_per_outcome", e.getSavingPerOutcomeNanoUsd());
    money(m, "saving_total", e.getSavingTotalNanoUsd());
    rate(m, "token_roi", e.getTokenRoiBasisPoints());
    rate(m, "success_rate", e.getSuccessRateBasisPoints() == null ? null : e.getSuccessRateBasisPoints().longValue());
    rate(m, "success_low", e.getSuccessLowBasisPoints() == null ? null : e.getSuccessLowBasisPoints().longValue());
    rate(m, "success_high", e.getSuccessHighBasisPoints() == null ? null : e.getSuccessHighBasisPoints().longValue());
    m.put("unvalued_outcomes", e.getUnvaluedOutcomes());
    m.put("verdict", e.getVerdict().name());
    m.put("verdict_reason", e.getVerdictReason());
    Map<String, Object> time = new LinkedHashMap<>();
    time.put("items", e.getTurnaroundItems());
    time.put("median_seconds", e.getTurnaroundMedianSeconds());
    time.put("median_low_seconds", e.getTurnaroundMedianLowSeconds());
    time.put("median_high_seconds", e.getTurnaroundMedianHighSeconds());
    time.put("p90_seconds", e.getTurnaroundP90Seconds());
    time.put("p90_low_seconds", e.getTurnaroundP90LowSeconds());
    time.put("p90_high_seconds", e.getTurnaroundP90HighSeconds());
    time.put("person_seconds", e.getPersonTurnaroundSeconds());
    m.put("turnaround", time);
    Map<String, Object> quality = new LinkedHashMap<>();
    quality.put("scored", e.getQualityScored());
    quality.put("unscored", e.getQualityUnscored());
    score(quality, "mean", e.getQualityMeanBasisPoints());
    score(quality, "low", e.getQualityLowBasisPoints());
    score(quality, "high", e.getQualityHighBasisPoints());
    score(quality, "person", e.getPersonQualityBasisPoints());
    m.put("quality", quality);
    Map<String, Object> axes = new LinkedHashMap<>();
    axes.put("cost", e.getCostAxis().name());
    axes.put("time", e.getTimeAxis().name());
    axes.put("quality", e.getQualityAxis().name());
    m.put("axes", axes);
    m.put("recommendation", e.getRecommendation().name());
    m.put("recommendation_reason", e.getRecommendationReason());
    List<Map<String, Object>> variants = new ArrayList<>();
    for (io.tokenledger.schemas.VariantEconomics v : e.getVariants()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("variant", v.getVariant());
      x.put("items_started", v.getItemsStarted());
      x.put("items_succeeded", v.getItemsSucceeded());
      x.put("items_decided", v.getItemsDecided());
      x.put("units_succeeded", v.getUnitsSucceeded());
      money(x, "path_cost", v.getPathCostNanoUsd());
      money(x, "cost_per_success", v.getCostPerSuccessNanoUsd());
      money(x, "cost_per_success_low", v.getCostPerSuccessLowNanoUsd());
      money(x, "cost_per_success_high", v.getCostPerSuccessHighNanoUsd());
      rate(x, "success_rate", v.getSuccessRateBasisPoints() == null ? null : v.getSuccessRateBasisPoints().longValue());
      rate(x, "success_low", v.getSuccessLowBasisPoints() == null ? null : v.getSuccessLowBasisPoints().longValue());
      rate(x, "success_high", v.getSuccessHighBasisPoints() == null ? null : v.getSuccessHighBasisPoints().longValue());
      x.put("turnaround_items", v.getTurnaroundItems());
      x.put("turnaround_median_seconds", v.getTurnaroundMedianSeconds());
      x.put("turnaround_median_low_seconds", v.getTurnaroundMedianLowSeconds());
      x.put("turnaround_median_high_seconds", v.getTurnaroundMedianHighSeconds());
      x.put("quality_scored", v.getQualityScored());
      x.put("quality_unscored", v.getQualityUnscored());
      score(x, "quality_mean", v.getQualityMeanBasisPoints());
      score(x, "quality_low", v.getQualityLowBasisPoints());
      score(x, "quality_high", v.getQualityHighBasisPoints());
      variants.add(x);
    }
    m.put("variants", variants);
    io.tokenledger.schemas.VariantComparison c = e.getVariantComparison();
    if (c == null) {
      m.put("variant_comparison", null);
    } else {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("cost_winner", c.getCostWinner());
      x.put("success_winner", c.getSuccessWinner());
      x.put("time_winner", c.getTimeWinner());
      x.put("quality_winner", c.getQualityWinner());
      x.put("enough_data", c.getEnoughData());
      x.put("items_needed", c.getItemsNeeded());
      x.put("message", c.getMessage());
      m.put("variant_comparison", x);
    }
    List<Map<String, Object>> models = new ArrayList<>();
    for (ModelEconomics model : e.getModels()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("provider", model.getProvider());
      x.put("model", model.getModel());
      x.put("service_tier", model.getServiceTier());
      x.put("items_started", model.getItemsStarted());
      x.put("items_succeeded", model.getItemsSucceeded());
      x.put("items_failed", model.getItemsFailed());
      x.put("items_escalated", model.getItemsEscalated());
      x.put("items_abandoned", model.getItemsAbandoned());
      x.put("items_open", model.getItemsOpen());
      x.put("units_succeeded", model.getUnitsSucceeded());
      money(x, "ai_spend", model.getAiSpendNanoUsd());
      money(x, "human_in_loop_cost", model.getHumanInLoopCostNanoUsd());
      money(x, "cost_per_success", model.getCostPerSuccessNanoUsd());
      rate(x, "success_rate", model.getSuccessRateBasisPoints() == null ? null
          : model.getSuccessRateBasisPoints().longValue());
      models.add(x);
    }
    m.put("models", models);
    m.put("advice", advice(e.getAdvice()));
    return m;
  }

  public static Map<String, Object> advice(ModelAdvice a) {
    if (a == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recommendation", a.getRecommendation().name());
    m.put("current_provider", a.getCurrentProvider());
    m.put("current_model", a.getCurrentModel());
    m.put("candidate_provider", a.getCandidateProvider());
    m.put("candidate_model", a.getCandidateModel());
    m.put("current_service_tier", a.getCurrentServiceTier());
    m.put("candidate_service_tier", a.getCandidateServiceTier());
    m.put("success_difference_low_basis_points", a.getSuccessDifferenceLowBasisPoints());
    m.put("success_difference_high_basis_points", a.getSuccessDifferenceHighBasisPoints());
    money(m, "expected_monthly_saving", a.getExpectedMonthlySavingNanoUsd());
    m.put("message", a.getMessage());
    return m;
  }

  private static Long perSuccess(long nanoUsd, long unitsSucceeded) {
    return unitsSucceeded == 0 ? null
        : Rates.divide(BigDecimal.valueOf(nanoUsd), BigDecimal.valueOf(unitsSucceeded));
  }

  /** A score on the 0-100 scale, as basis points of it and as an exact decimal ("87.25"). */
  private static void score(Map<String, Object> m, String name, Integer basisPoints) {
    m.put(name + "_basis_points", basisPoints);
    m.put(name + "_score", basisPoints == null ? null : BigDecimal.valueOf(basisPoints, 2).toPlainString());
  }

  static void money(Map<String, Object> m, String name, Long nanoUsd) {
    m.put(name + "_nano_usd", nanoUsd);
    m.put(name + "_usd", nanoUsd == null ? null : NanoUsd.toUsd(nanoUsd).toPlainString());
  }

  private static void rate(Map<String, Object> m, String name, Long basisPoints) {
    m.put(name + "_basis_points", basisPoints);
    m.put(name + "_percent", basisPoints == null ? null : BigDecimal.valueOf(basisPoints, 2).toPlainString());
  }
}
