package io.tokenledger.devtools.demo;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.BudgetDowngrade;
import io.tokenledger.schemas.BudgetEnforcement;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.TokenPlan;
import io.tokenledger.schemas.money.NanoUsd;
import java.time.Instant;
import java.util.List;

/**
 * The demo's price list, budgets, human baselines and fleet: realistic shapes, budgets a month of
 * history uses a good part of (one team runs out mid-month). Three workloads
 * run work items with outcomes, for the three cases of the economics: support tickets the
 * agent handles far cheaper than a person, invoice disputes where it escalates so often that a
 * person is cheaper, and invoice extraction split between gpt-4o and gpt-4o-mini, nearly as good.
 */
final class DemoCatalog {
  private DemoCatalog() {}

  /**
   * A simulated AI service: who calls which model, how often, with what token mix. With
   * {@code items}, its calls serve work items that end with an outcome; without, a call now and
   * then reports its own outcome (a one-call item).
   */
  record Workload(String team, String workflow, String service, String provider, String model,
      double share, long uncachedInput, long cacheRead, long cacheWrite, long output, long reasoning,
      String outcomeUnit, double outcomeEvery, Items items) {
    Workload(String team, String workflow, String service, String provider, String model, double share,
        long uncachedInput, long cacheRead, long cacheWrite, long output, long reasoning, String outcomeUnit,
        double outcomeEvery) {
      this(team, workflow, service, provider, model, share, uncachedInput, cacheRead, cacheWrite, output, reasoning,
          outcomeUnit, outcomeEvery, null);
    }
  }

  /**
   * How a workload's items go: up to {@code maxCalls} calls each (retries, tool loops); then
   * SUCCEEDED with {@code success}, ESCALATED to a person for {@code escalationMinutes} with
   * {@code escalate}, else FAILED; a success gets a person's {@code reviewMinutes} one time in
   * five. With {@code altModel}, from day {@code altFromDay} of the month of history on (a trial
   * the team started), half the items run on it instead, succeeding with {@code altSuccess}.
   */
  record Items(int maxCalls, double success, double escalate, int escalationMinutes, int reviewMinutes,
      String altModel, double altSuccess, int altFromDay) {
    double averageCalls() {
      return (1 + maxCalls) / 2.0;
    }
  }

  /**
   * One way of doing a workflow's items, for the variant comparison: its share of the items,
   * whether an agent makes calls (a person-only item has none), its success rate, the person-time
   * every success takes (a review, or the whole work), the quality score range of a success, and
   * how long after its last call the outcome is known.
   */
  record Variant(String name, double share, boolean calls, double success, int personMinutes, int qualityLow,
      int qualityHigh, int outcomeAfterSeconds) {}

  /**
   * ticket-triage's three variants: the agent alone (cheapest and fastest, lower quality), the
   * agent with a person's review of each answer (the best quality), and a person alone.
   */
  static final List<Variant> TICKET_VARIANTS = List.of(
      new Variant("agent-only", 0.6, true, 0.92, 0, 70, 86, 30),
      new Variant("hybrid-review", 0.25, true, 0.97, 4, 85, 97, 20 * 60),
      new Variant("person-only", 0.15, false, 0.95, 12, 80, 96, 0));

  /** The variant of a new item of {@code w}; null for workloads that have one way. */
  static Variant variantOf(Workload w, java.util.Random random) {
    if (!w.workflow().equals("ticket-triage")) {
      return null;
    }
    double r = random.nextDouble();
    for (Variant v : TICKET_VARIANTS) {
      r -= v.share();
      if (r < 0) {
        return v;
      }
    }
    return TICKET_VARIANTS.get(0);
  }

  /**
   * A model tried on a share of a workflow's items from the start of the month of history: its
   * provider and model, the share of items and how often they succeed.
   */
  record Trial(String workflow, String provider, String model, double share, double success) {}

  /**
   * Invoice extraction on an internal small model, self-hosted on a GPU of platform's
   * ({@link #capacityPools}): a quarter of the invoices, nearly as good as gpt-4o. Its per-token
   * price is the power it draws; the GPU's hours are the pool's.
   */
  static final Trial SLM_TRIAL = new Trial("invoice-extraction", "selfhosted", "llama-3.1-8b", 0.25, 0.95);

  /** The trial a new item of {@code w} runs on, or null for the workload's own model. */
  static Trial trialOf(Workload w, java.util.Random random) {
    return w.workflow().equals(SLM_TRIAL.workflow()) && random.nextDouble() < SLM_TRIAL.share() ? SLM_TRIAL : null;
  }

  /** What a GPU of the internal SLM costs per hour, and what it serves (the build-or-buy candidate's figures). */
  static final String GPU_HOUR_USD = "2.10";
  static final long GPU_TOKENS_PER_SECOND = 2_400;

  /** The self-hosted pool that serves the SLM: one GPU by the hour, from the month of history's first day. */
  static List<io.tokenledger.schemas.CapacityPool> capacityPools(Instant demoStart) {
    Instant from = MonthOfHistory.dayStart(demoStart, 1).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    return List.of(io.tokenledger.schemas.CapacityPool.newBuilder().setPoolId("internal-slm")
        .setServes(List.of(SLM_TRIAL.provider() + "/" + SLM_TRIAL.model())).setOwnerTeam("platform")
        .setHourlyCostNanoUsd(NanoUsd.fromUsd(GPU_HOUR_USD)).setUnits(1)
        .setCapacityTokensPerSecond(GPU_TOKENS_PER_SECOND).setEffectiveFrom(from).setSetBy("demo")
        .setNote("one GPU serving invoice extraction's small model").setUpdatedAt(demoStart).build());
  }

  /**
   * A committed-spend discount with OpenAI: $75,000 a month at 15% off list, for a year from the
   * month of history's first month (its first month, only partly in the history, leaves some unused).
   */
  static List<io.tokenledger.schemas.Commitment> commitments(Instant demoStart) {
    java.time.YearMonth first = java.time.YearMonth.from(MonthOfHistory.dayStart(demoStart, 1)
        .atZone(java.time.ZoneOffset.UTC));
    return List.of(io.tokenledger.schemas.Commitment.newBuilder().setCommitmentId("openai-commit-2026")
        .setProvider("openai").setAmountNanoUsd(NanoUsd.fromUsd("75000")).setPeriodMonths(1)
        .setDiscountBasisPoints(1_500).setStart(first.atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant())
        .setTermMonths(12).setOwnerTeam("finance-ops").setSetBy("demo").setNote("the demo's committed spend")
        .setUpdatedAt(demoStart).build());
  }

  /** The live fleet's default rate, events per second: the company at its busiest hour. */
  static final double RATE = 32;

  /**
   * The company's AI services. Shares are of the live events; work items are rarer than chat
   * calls (a ticket every two minutes against a dozen completions a second), as in any real company.
   */
  static final List<Workload> WORKLOADS = List.of(
      new Workload("support", "ticket-triage", "support-bot", "anthropic", "claude-sonnet-4-20250514",
          0.0005, 1_500, 6_000, 400, 350, 0, "ticket", 0, new Items(3, 0.92, 0.05, 8, 2, null, 0, 0)),
      new Workload("support", "reply-drafting", "support-bot", "openai", "gpt-4o-mini-2024-07-18",
          0.43705, 900, 1_200, 0, 420, 0, "reply", 1),
      new Workload("finance-ops", "invoice-extraction", "billing-agent", "openai", "gpt-4o-2024-08-06",
          0.0007, 12_000, 1_000, 0, 2_000, 0, "invoice", 0, new Items(2, 0.97, 0.02, 6, 1, "gpt-4o-mini", 0.975, 20)),
      new Workload("growth", "content-generation", "content-studio", "gcp.gemini", "gemini-2.5-flash",
          0.3750, 1_200, 0, 0, 900, 300, "article", 50),
      new Workload("platform", "code-review", "review-agent", "openai", "o4-mini",
          0.1866, 2_000, 2_500, 0, 500, 2_000, "pull-request", 200),
      new Workload("finance-ops", "invoice-disputes", "disputes-agent", "openai", "gpt-4o-2024-08-06",
          0.0002, 4_000, 2_000, 0, 700, 0, "dispute", 0, new Items(4, 0.25, 0.60, 25, 2, null, 0, 0)));

  /** The day of the month of history (1 to 30) gpt-4o's price is cut. */
  static final int PRICE_CUT_DAY = 12;

  /** The price list; gpt-4o's cut takes effect on day {@link #PRICE_CUT_DAY} of the month of history. */
  static List<PriceVersion> prices(Instant demoStart) {
    Instant listed = Instant.parse("2025-01-01T00:00:00Z");
    Instant cut = MonthOfHistory.dayStart(demoStart, PRICE_CUT_DAY);
    return List.of(
        price("anthropic", "claude-sonnet-4", listed, 3_000_000, 300_000, 3_750_000, 15_000_000, 15_000_000),
        price("openai", "gpt-4o-mini", listed, 150_000, 75_000, 150_000, 600_000, 600_000),
        price("openai", "gpt-4o", listed, 2_500_000, 1_250_000, 2_500_000, 10_000_000, 10_000_000),
        // A price cut mid-month: usage before it keeps the old price.
        price("openai", "gpt-4o", cut, 2_000_000, 1_000_000, 2_000_000, 8_000_000, 8_000_000),
        price("gcp.gemini", "gemini-2.5-flash", listed, 300_000, 30_000, 300_000, 2_500_000, 2_500_000),
        price("openai", "o4-mini", listed, 1_100_000, 275_000, 1_100_000, 4_400_000, 4_400_000),
        // The self-hosted model's price per token is the power a token draws: its GPU is a capacity pool.
        price(SLM_TRIAL.provider(), SLM_TRIAL.model(), listed, 10_000, 10_000, 10_000, 10_000, 10_000));
  }

  /** What the same work costs when a person does it, for the workloads that report outcomes. */
  static List<HumanBaseline> baselines(Instant now) {
    Instant since = Instant.parse("2026-01-01T00:00:00Z");
    return List.of(
        // A person answers a ticket within 4 hours at a quality of 90; 3 points less is acceptable.
        HumanBaseline.newBuilder(baseline("ticket-triage", "ticket", 12, "50.00", 9_500, since,
            "support ticket time study, Q3", now)).setTurnaroundSecondsPerUnit(4 * 3_600L).setQualityScorePercent(90)
            .setQualityLossAllowedPoints(3).build(),
        baseline("invoice-disputes", "dispute", 15, "45.00", 9_000, since, "AP team ticketing report", now),
        baseline("invoice-extraction", "invoice", 6, "40.00", 9_800, since, "AP team ticketing report", now),
        baseline("code-review", "pull-request", 20, "95.00", 9_000, since, "engineering survey", now));
  }

  private static HumanBaseline baseline(String workflow, String unit, long minutes, String usdPerHour, int successBp,
      Instant from, String source, Instant now) {
    return HumanBaseline.newBuilder().setWorkflow(workflow).setOutcomeUnit(unit).setSecondsPerUnit(minutes * 60)
        .setLoadedCostNanoUsdPerHour(NanoUsd.fromUsd(usdPerHour)).setSuccessRateBasisPoints(successBp)
        .setEffectiveFrom(from).setSetBy("demo").setSource(source).setUpdatedAt(now).build();
  }

  /** The code-review agent that gets stuck in a loop during live traffic, and the daily cap that stops it. */
  static final String LOOPING_AGENT = "review-agent-loop";
  /** The workload whose agent the demo sends into a loop (its team's rate spike is the runaway's anomaly). */
  static final Workload LOOPING = WORKLOADS.get(4);

  /**
   * Monthly budgets against the month of history: support, growth and finance-ops use most of
   * theirs; platform's code-review agent spends about twice its budget, so it runs out mid-month.
   * growth's is HARD: its live calls ask before they are made. The looping agent has a HARD daily
   * cap of $26: its o4-mini calls (about $0.014 each, 40 to 60 a second) run for most of a minute, enough
   * for the anomaly, then from 95% of the cap go to gpt-4o-mini, and once it is used up they are
   * denied.
   */
  static List<Budget> budgets(Instant now) {
    return List.of(
        budget("support-monthly", "support", "9500.00", now),
        budget("finance-ops-monthly", "finance-ops", "1200.00", now),
        Budget.newBuilder(budget("growth-monthly", "growth", "55000.00", now))
            .setEnforcement(BudgetEnforcement.HARD).build(),
        budget("platform-monthly", "platform", "36000.00", now),
        Budget.newBuilder(budget(LOOPING_AGENT + "-daily", "platform", "26.00", now)).setAgentId(LOOPING_AGENT)
            .setPeriod(BudgetPeriod.DAY).setEnforcement(BudgetEnforcement.HARD)
            .setDowngrades(List.of(new BudgetDowngrade("o4-mini", "gpt-4o-mini", 95))).build());
  }

  /**
   * The quarter's token plan (the quarter holding {@code now}): ticket-triage planned below what its
   * agent spends in a month of history (it is cheaper than a person: fund it), invoice-disputes
   * above (a person is cheaper: its unspent plan can move), and support's plan as a whole.
   */
  static List<TokenPlan> plans(Instant now) {
    String quarter = io.tokenledger.pricing.plan.Quarter.of(now.atOffset(java.time.ZoneOffset.UTC).toLocalDate())
        .toString();
    Instant from = now.minus(java.time.Duration.ofDays(40));
    return List.of(plan("support", "ticket-triage", quarter, "150.00", from, now),
        plan("support", null, quarter, "20000.00", from, now),
        plan("finance-ops", "invoice-disputes", quarter, "300.00", from, now),
        plan("finance-ops", "invoice-extraction", quarter, "1500.00", from, now));
  }

  private static TokenPlan plan(String team, String workflow, String quarter, String usd, Instant from, Instant now) {
    return TokenPlan.newBuilder().setTeam(team).setWorkflow(workflow).setQuarter(quarter)
        .setAmountNanoUsd(NanoUsd.fromUsd(usd)).setEffectiveFrom(from).setSetBy("demo").setNote("quarter planning")
        .setUpdatedAt(now).build();
  }

  private static PriceVersion price(String provider, String model, Instant from, long input, long cacheRead,
      long cacheWrite, long output, long reasoning) {
    return PriceVersion.newBuilder().setProvider(provider).setModel(model).setEffectiveFrom(from)
        .setUncachedInputMicroUsdPerMtok(input).setCacheReadMicroUsdPerMtok(cacheRead)
        .setCacheWriteMicroUsdPerMtok(cacheWrite).setOutputMicroUsdPerMtok(output)
        .setReasoningMicroUsdPerMtok(reasoning).setSource("demo list price").build();
  }

  private static Budget budget(String id, String team, String usd, Instant now) {
    return Budget.newBuilder().setBudgetId(id).setTeam(team).setLimitNanoUsd(NanoUsd.fromUsd(usd))
        .setPeriod(BudgetPeriod.MONTH).setTimezone("UTC").setUpdatedAt(now).build();
  }
}
