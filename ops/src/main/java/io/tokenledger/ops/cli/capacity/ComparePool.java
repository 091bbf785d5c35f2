package io.tokenledger.ops.cli.capacity;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.ops.cli.UsdAmounts;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.capacity.BuildOrBuy;
import io.tokenledger.pricing.capacity.PoolCosts;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.ModelEconomics;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.Topics;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Build or buy: a workflow's month on the API against the same tokens on GPUs of your own (or a pool):",
        "monthly cost on each, utilisation, the break-even volume, and cost per successful outcome where the",
        "economics has a success rate for the candidate model.",
        "Example: capacity compare --workflow invoice-extraction --candidate selfhosted/llama-3.1-8b \\",
        "    --gpu-hour-usd 2.10 --tokens-per-second 2400 --month 2026-11"})
public final class ComparePool implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--workflow", required = true, description = "The workflow.")
  String workflow;

  @Option(names = "--team", description = "Only this team's part of it (default: every team's).")
  String team;

  @Option(names = "--candidate", required = true, description = "The model the capacity would serve, provider/model.")
  String candidate;

  @Option(names = "--gpu-hour-usd", description = "A GPU's cost per hour, USD.")
  String gpuHour;

  @Option(names = "--tokens-per-second", description = "What one GPU serves of the candidate per second.")
  Long tokensPerSecond;

  @Option(names = "--pool", description = "An existing pool instead of GPUs by the hour.")
  String pool;

  @Option(names = "--month", description = "The calendar month (UTC) measured, e.g. 2026-11 (default: last month).")
  YearMonth month;

  @Override
  public Integer call() throws Exception {
    if ((pool == null) == (gpuHour == null || tokensPerSecond == null)) {
      System.err.println("Nothing compared: give either --gpu-hour-usd and --tokens-per-second, or --pool.");
      return 2;
    }
    YearMonth m = month != null ? month : YearMonth.now(ZoneOffset.UTC).minusMonths(1);
    Topics topics = kafka.appliedTopics();
    Instant from = m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = m.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    // The workflow's usage on the API: every model but the candidate's own.
    Collection<UsageAggregate> buckets = LedgerReads.buckets(kafka.settings(), topics,
        b -> workflow.equals(b.getWorkflow()) && (team == null || team.equals(b.getTeam()))
            && !b.getWindowStart().isBefore(from) && b.getWindowStart().isBefore(to)
            && !candidate.equals(b.getProvider() + "/" + b.getModel())).values();
    BuildOrBuy compared;
    if (pool != null) {
      PoolCosts costs = CapacityCommand.pools(kafka.settings(), topics).get(pool);
      if (costs == null) {
        System.err.println("No pool named " + pool + ". 'tokenledger capacity list' shows the pools.");
        return 1;
      }
      compared = BuildOrBuy.pool(m, buckets, costs);
    } else {
      long perHour;
      try {
        perHour = UsdAmounts.parse("--gpu-hour-usd", gpuHour);
      } catch (IllegalArgumentException e) {
        System.err.println("Nothing compared: " + e.getMessage());
        return 2;
      }
      compared = BuildOrBuy.gpus(m, buckets, perHour, tokensPerSecond);
    }
    Optional<WorkflowEconomics> economics = CompactedTopics.readLatest(kafka.settings(), topics.economics).values()
        .stream().filter(e -> e.getPeriod() == EconomicsPeriod.MONTH && e.getZone().equals("UTC")
            && e.getFirstDay().equals(m.atDay(1).toString()) && e.getWorkflow().equals(workflow)
            && java.util.Objects.equals(e.getTeam(), team)).findFirst();
    System.out.print(render(workflow + (team == null ? "" : " (" + team + ")"), candidate, compared, economics,
        pool == null ? String.format("%d GPU%s at %s, %,d tokens/s each", compared.units(), compared.units() == 1 ? "" : "s",
            MoneyFormat.perHour(UsdAmounts.parse("--gpu-hour-usd", gpuHour)), tokensPerSecond) : "pool " + pool));
    return 0;
  }

  /** The comparison as the command prints it; the economics give the outcomes, when they have the month. */
  public static String render(String workflow, String candidate, BuildOrBuy c, Optional<WorkflowEconomics> economics,
      String capacity) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("Build or buy for %s, %s: %,d tokens, busiest hour %,d%n", workflow, c.month(), c.tokens(),
        c.peakHourTokens()));
    out.append(String.format("  API (as priced):          %14s a month  (exact %s)%n", MoneyFormat.usd(c.apiCostNanoUsd()),
        MoneyFormat.exact(c.apiCostNanoUsd())));
    out.append(String.format("  %s on %s: %14s a month  (exact %s)%s%n", candidate, capacity,
        MoneyFormat.usd(c.capacityCostNanoUsd()), MoneyFormat.exact(c.capacityCostNanoUsd()),
        c.utilisation().map(u -> ", " + MoneyFormat.share(u) + " used").orElse("")));
    out.append(c.savingNanoUsd() >= 0
        ? String.format("  Capacity is cheaper by %s a month.%n", MoneyFormat.usd(c.savingNanoUsd()))
        : String.format("  The API is cheaper by %s a month.%n", MoneyFormat.usd(-c.savingNanoUsd())));
    out.append(c.breakEvenTokens().map(t -> String.format(
            "  Break-even: %,d tokens a month (one unit's %s against the API's %s per 1M tokens).%n", t,
            MoneyFormat.usd(c.unitMonthCostNanoUsd()), perMillion(c)))
        .orElse(c.tokens() == 0 ? "  Break-even: no usage on the API to compare with.\n" : String.format(
            "  Break-even: none in this shape; one unit serves at most %s tokens a month at the busiest hour's pace,%n"
                + "  less than the %s its month costs would buy on the API.%n",
            c.unitMonthTokens().map(t -> String.format("%,d", t)).orElse("?"), MoneyFormat.usd(c.unitMonthCostNanoUsd()))));
    if (economics.isEmpty()) {
      out.append("  Per successful outcome: the economics has no figures of this month for the workflow.\n");
      return out.toString();
    }
    WorkflowEconomics e = economics.get();
    long finished = e.getItemsSucceeded() + e.getItemsFailed() + e.getItemsEscalated() + e.getItemsAbandoned();
    // The API side's successes are counted; the candidate's are its measured rate over the same items.
    Optional<Long> api = BuildOrBuy.perSuccess(c.apiCostNanoUsd(), e.getItemsSucceeded(), 10_000);
    Optional<ModelEconomics> measured = e.getModels().stream()
        .filter(me -> candidate.equals(me.getProvider() + "/" + me.getModel())).findFirst();
    Optional<Long> own = measured.flatMap(me -> BuildOrBuy.perSuccess(c.capacityCostNanoUsd(), finished,
        me.getSuccessRateBasisPoints()));
    out.append(String.format("  Per successful %s (%,d finished items): API %s at %s success; %s%n",
        e.getOutcomeUnit() == null ? "outcome" : e.getOutcomeUnit(), finished,
        api.map(MoneyFormat::usd).orElse("-"), rate(e.getSuccessRateBasisPoints()),
        own.map(v -> candidate + " " + MoneyFormat.usd(v) + " at " + rate(measured.get().getSuccessRateBasisPoints())
            + " success (measured on " + measured.get().getItemsStarted() + " items)")
            .orElse(candidate + ": no success rate measured yet (run it as a variant of the workflow first)")));
    return out.toString();
  }

  private static String rate(Integer basisPoints) {
    return basisPoints == null ? "?" : java.math.BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString()
        + "%";
  }

  private static String perMillion(BuildOrBuy c) {
    return MoneyFormat.usd(new java.math.BigDecimal(c.apiCostNanoUsd()).movePointLeft(9)
        .multiply(java.math.BigDecimal.valueOf(1_000_000))
        .divide(java.math.BigDecimal.valueOf(c.tokens()), 9, java.math.RoundingMode.HALF_EVEN));
  }
}
