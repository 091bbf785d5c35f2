package io.tokenledger.economics.plan;

import io.tokenledger.pricing.plan.PlanOutlook;
import io.tokenledger.schemas.EconomicsVerdict;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.money.MoneyFormat;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Where a quarter's token plan buys the most successful outcomes per dollar, from the plan's
 * outlook (plan, actuals, forecast per workflow) and the economics (cost per success on the agent
 * path against a person's cost per outcome, and the verdict):
 * <ul>
 *   <li><b>Fund</b>: a workflow whose agent is cheaper than a person and whose forecast passes its
 *       plan. The shortfall, at its cost per success, is outcomes the agent would deliver and
 *       people would otherwise do at their cost.
 *   <li><b>Cut</b>: a workflow where a person is cheaper than its agent: each dollar of its plan
 *       buys fewer outcomes than people would.
 *   <li><b>Move</b>: from each cut workflow's plan not yet spent to the fund workflows' shortfalls,
 *       largest saving per outcome first: what the receiving workflow gains in outcomes, what the
 *       giving one's people then do and what that costs.
 * </ul>
 * A workflow's cost per success is priced with its forecast's price trend: scaled by the price per
 * token of its forecast for the rest of the quarter against that of its actuals (a known price cut
 * makes its remaining outcomes cheaper). Outcomes are whole, rounded down; money is exact nano-USD
 * until it is printed.
 */
public final class PlanAdvice {
  private static final MathContext EXACT = MathContext.DECIMAL128;

  private PlanAdvice() {}

  public enum Kind { FUND, CUT, MOVE }

  /**
   * One piece of advice.
   *
   * @param amountNanoUsd the shortfall (FUND), the plan not yet spent (CUT) or the amount moved (MOVE)
   * @param outcomes outcomes the amount buys on the receiving agent path (FUND, MOVE), or the agent
   *     outcomes the giving workflow no longer buys (CUT)
   * @param peopleNanoUsd what people cost for the outcomes the giving workflow's agent no longer does
   *     (MOVE, CUT), or what people would cost for the fund's outcomes (FUND)
   */
  public record Advice(Kind kind, String team, String from, String to, long amountNanoUsd, long outcomes,
      long peopleNanoUsd, String text) {}

  /**
   * What the advice reads of a (team, workflow)'s economics: the agent path's cost per success,
   * a person's cost per outcome, the verdict, the outcome's unit, and the recommendation on cost,
   * time and quality (money moved to an agent a person should do the work of says so).
   */
  public record AgentPath(long costPerSuccessNanoUsd, long personPerOutcomeNanoUsd, EconomicsVerdict verdict,
      String unit, io.tokenledger.schemas.EconomicsRecommendation recommendation, String recommendationReason) {
    /** Empty when the economics has no cost per success or no person's cost (no verdict to act on). */
    public static java.util.Optional<AgentPath> of(WorkflowEconomics e) {
      if (e == null || e.getCostPerSuccessNanoUsd() == null || e.getHumanCostPerOutcomeNanoUsd() == null) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new AgentPath(e.getCostPerSuccessNanoUsd(), e.getHumanCostPerOutcomeNanoUsd(),
          e.getVerdict(), e.getOutcomeUnit() == null ? "outcome" : e.getOutcomeUnit(), e.getRecommendation(),
          e.getRecommendationReason()));
    }
  }

  /** A workflow's line of the plan with its economics: its cost per success at the forecast's prices. */
  private record Workflow(PlanOutlook.Line line, AgentPath path, long costPerSuccess, long personPerOutcome,
      String unit) {
    long gap() {
      return line.planNanoUsd() - line.forecastNanoUsd();
    }

    long unspent() {
      return Math.max(0, line.planNanoUsd() - line.actualNanoUsd());
    }

    String name() {
      return line.workflow();
    }
  }

  /**
   * Each team's workflow by its latest UTC month up to {@code asOf}, keyed "team|workflow": what
   * the agent path costs now, as the advice reads it.
   */
  public static Map<String, WorkflowEconomics> latestMonths(Iterable<WorkflowEconomics> economics,
      java.time.LocalDate asOf) {
    Map<String, WorkflowEconomics> latest = new java.util.HashMap<>();
    for (WorkflowEconomics e : economics) {
      if (e == null || e.getTeam() == null || e.getPeriod() != io.tokenledger.schemas.EconomicsPeriod.MONTH
          || !"UTC".equals(e.getZone()) || java.time.LocalDate.parse(e.getFirstDay()).isAfter(asOf)) {
        continue;
      }
      latest.merge(e.getTeam() + "|" + e.getWorkflow(), e,
          (a, b) -> a.getFirstDay().compareTo(b.getFirstDay()) >= 0 ? a : b);
    }
    return latest;
  }

  /**
   * @param lines the quarter's outlook; the workflow lines with a USD plan are advised on
   * @param economics each (team, workflow)'s latest economics, keyed "team|workflow" ({@link #latestMonths})
   */
  public static List<Advice> of(List<PlanOutlook.Line> lines, Map<String, WorkflowEconomics> economics) {
    Map<String, AgentPath> paths = new java.util.HashMap<>();
    economics.forEach((key, e) -> AgentPath.of(e).ifPresent(path -> paths.put(key, path)));
    return advise(lines, paths);
  }

  /**
   * @param lines the quarter's outlook; the workflow lines with a USD plan are advised on
   * @param paths each (team, workflow)'s agent path, keyed "team|workflow"
   */
  public static List<Advice> advise(List<PlanOutlook.Line> lines, Map<String, AgentPath> paths) {
    List<Workflow> fund = new ArrayList<>();
    List<Workflow> cut = new ArrayList<>();
    for (PlanOutlook.Line line : lines) {
      AgentPath e = paths.get(line.team() + "|" + line.workflow());
      if (line.workflow() == null || line.planNanoUsd() == null || e == null) {
        continue;
      }
      Workflow w = new Workflow(line, e, atForecastPrices(e.costPerSuccessNanoUsd(), line),
          e.personPerOutcomeNanoUsd(), e.unit());
      if (e.verdict() == EconomicsVerdict.AGENT_CHEAPER && w.gap() < 0) {
        fund.add(w);
      } else if (e.verdict() == EconomicsVerdict.PERSON_CHEAPER && w.unspent() > 0) {
        cut.add(w);
      }
    }
    // Largest saving per outcome first: where a dollar does the most.
    fund.sort(Comparator.comparingLong((Workflow w) -> w.costPerSuccess() - w.personPerOutcome())
        .thenComparing(Workflow::name));
    cut.sort(Comparator.comparingLong((Workflow w) -> w.personPerOutcome() - w.costPerSuccess())
        .thenComparing(Workflow::name));
    List<Advice> advice = new ArrayList<>();
    for (Workflow w : fund) {
      long shortfall = -w.gap();
      long outcomes = shortfall / w.costPerSuccess();
      long people = Math.multiplyExact(outcomes, w.personPerOutcome());
      advice.add(new Advice(Kind.FUND, w.line().team(), null, w.name(), shortfall, outcomes, people,
          w.line().name() + ": its agent is cheaper than a person (" + MoneyFormat.usd(w.costPerSuccess())
              + " per successful " + w.unit() + " at the forecast's prices, against " + MoneyFormat.usd(w.personPerOutcome())
              + ") and its forecast passes its plan by " + MoneyFormat.usd(shortfall) + ": that is " + count(outcomes)
              + " " + w.unit() + "s by the agent, which people would do for " + MoneyFormat.usd(people) + "."
              + caveat(w)));
    }
    for (Workflow w : cut) {
      long outcomes = w.unspent() / w.costPerSuccess();
      long people = Math.multiplyExact(outcomes, w.personPerOutcome());
      advice.add(new Advice(Kind.CUT, w.line().team(), w.name(), null, w.unspent(), outcomes, people,
          w.line().name() + ": a person is cheaper than its agent (" + MoneyFormat.usd(w.personPerOutcome())
              + " per " + w.unit() + " against " + MoneyFormat.usd(w.costPerSuccess()) + " per success at the "
              + "forecast's prices): the " + MoneyFormat.usd(w.unspent()) + " of its plan not yet spent buys "
              + count(outcomes) + " " + w.unit() + "s by the agent, which people would do for "
              + MoneyFormat.usd(people) + "."));
    }
    long[] left = cut.stream().mapToLong(Workflow::unspent).toArray();
    for (Workflow to : fund) {
      long need = -to.gap();
      for (int i = 0; i < cut.size() && need > 0; i++) {
        Workflow from = cut.get(i);
        long moved = Math.min(need, left[i]);
        if (moved <= 0) {
          continue;
        }
        left[i] -= moved;
        need -= moved;
        long gained = moved / to.costPerSuccess();
        long lost = moved / from.costPerSuccess();
        long people = Math.multiplyExact(lost, from.personPerOutcome());
        advice.add(new Advice(Kind.MOVE, to.line().team(), from.name(), to.name(), moved, gained, people,
            "Moving " + MoneyFormat.usd(moved) + " from " + from.line().name() + " to " + to.line().name() + ": "
                + to.name() + " gains " + count(gained) + " " + to.unit() + "s by its agent; " + from.name()
                + "'s agent does " + count(lost) + " fewer " + from.unit() + "s, which people do for "
                + MoneyFormat.usd(people) + " (" + MoneyFormat.usd(moved - people) + " less than the agent would "
                + "have cost)." + caveat(to)));
      }
    }
    return advice;
  }

  /**
   * The cost per success priced with the forecast's price trend: times the forecast's price per
   * token for the rest of the quarter over the actuals' (1 when either has no tokens).
   */
  static long atForecastPrices(long costPerSuccess, PlanOutlook.Line line) {
    long restTokens = line.forecastTokens() - line.actualTokens();
    long restNano = line.forecastNanoUsd() - line.actualNanoUsd();
    if (restTokens <= 0 || line.actualTokens() <= 0 || line.actualNanoUsd() <= 0) {
      return costPerSuccess;
    }
    BigDecimal trend = BigDecimal.valueOf(restNano).multiply(BigDecimal.valueOf(line.actualTokens()))
        .divide(BigDecimal.valueOf(restTokens).multiply(BigDecimal.valueOf(line.actualNanoUsd())), EXACT);
    return BigDecimal.valueOf(costPerSuccess).multiply(trend).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }

  /** Cheaper is not all: when time or quality make a person the recommendation, the advice says so. */
  private static String caveat(Workflow w) {
    AgentPath p = w.path();
    if (p.recommendation() != io.tokenledger.schemas.EconomicsRecommendation.PERSON || p.recommendationReason() == null) {
      return "";
    }
    return " Mind: on cost, time and quality " + w.name() + "'s recommendation is a person's (" + p.recommendationReason()
        + ").";
  }

  private static String count(long n) {
    return String.format("%,d", n);
  }
}
