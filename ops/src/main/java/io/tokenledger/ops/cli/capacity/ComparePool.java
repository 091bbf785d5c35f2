package io.tokenledger.ops.cli.capacity;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.ops.cli.UsdAmounts;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.capacity.BuildOrBuy;
import io.tokenledger.pricing.capacity.Outcomes;
import io.tokenledger.pricing.capacity.PoolCosts;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.Topics;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Build or buy: a workflow's month on the API against the same tokens on GPUs of your own (or a pool):",
        "cost on each, utilisation, the break-even volume, and cost per successful outcome where the economics has",
        "a success rate for the candidate model (run it as a variant of the workflow first).",
        "Example: capacity compare --workflow invoice-extraction --candidate selfhosted/llama-3.1-8b \\",
        "    --gpu-hour-usd 2.10 --tokens-per-second 2400 --month 2026-11      (or --last-days 30)"})
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

  @Option(names = "--last-days", description = "Instead of a month: the last N whole days (UTC), today left out.")
  Integer lastDays;

  @Override
  public Integer call() throws Exception {
    if ((pool == null) == (gpuHour == null || tokensPerSecond == null)) {
      System.err.println("Nothing compared: give either --gpu-hour-usd and --tokens-per-second, or --pool.");
      return 2;
    }
    if (month != null && lastDays != null || lastDays != null && lastDays < 1) {
      System.err.println("Nothing compared: give --month or --last-days (at least 1), not both.");
      return 2;
    }
    Span span = lastDays != null ? Span.lastDays(LocalDate.now(ZoneOffset.UTC), lastDays)
        : Span.of(month != null ? month : YearMonth.now(ZoneOffset.UTC).minusMonths(1));
    Topics topics = kafka.appliedTopics();
    PoolCosts costs = null;
    if (pool != null) {
      costs = CapacityCommand.pools(kafka.settings(), topics).get(pool);
      if (costs == null) {
        System.err.println("No pool named " + pool + ". 'tokenledger capacity list' shows the pools.");
        return 1;
      }
    }
    long perHour = 0;
    if (gpuHour != null) {
      try {
        perHour = UsdAmounts.parse("--gpu-hour-usd", gpuHour);
      } catch (IllegalArgumentException e) {
        System.err.println("Nothing compared: " + e.getMessage());
        return 2;
      }
    }
    System.out.print(compare(kafka.settings(), topics, workflow, team, candidate, span, costs, pool, perHour,
        tokensPerSecond == null ? 0 : tokensPerSecond));
    return 0;
  }

  /**
   * The comparison as the command prints it, from the ledger and the economics: on {@code pool}
   * when given, else on GPUs at {@code gpuHourNanoUsd} serving {@code tokensPerSecond} each.
   */
  public static String compare(java.util.Map<String, ?> settings, Topics topics, String workflow, String team,
      String candidate, Span span, PoolCosts pool, String poolName, long gpuHourNanoUsd, long tokensPerSecond) {
    // The workflow's usage on the API: every model but the candidate's own.
    Collection<UsageAggregate> buckets = LedgerReads.buckets(settings, topics,
        b -> workflow.equals(b.getWorkflow()) && (team == null || team.equals(b.getTeam()))
            && !b.getWindowStart().isBefore(span.from()) && b.getWindowStart().isBefore(span.to())
            && !candidate.equals(b.getProvider() + "/" + b.getModel())).values();
    BuildOrBuy compared;
    String capacity;
    if (pool != null) {
      compared = BuildOrBuy.pool(span.from(), span.to(), buckets, pool);
      capacity = "pool " + poolName;
    } else {
      compared = BuildOrBuy.gpus(span.from(), span.to(), buckets, gpuHourNanoUsd, tokensPerSecond);
      capacity = String.format("%d GPU%s at %s, %,d tokens/s each", compared.units(), compared.units() == 1 ? "" : "s",
          MoneyFormat.perHour(gpuHourNanoUsd), tokensPerSecond);
    }
    List<WorkflowEconomics> rows = CompactedTopics.readLatest(settings, topics.economics).values().stream()
        .filter(e -> e.getZone().equals("UTC") && e.getWorkflow().equals(workflow) && Objects.equals(e.getTeam(), team)
            && span.covers(e))
        .toList();
    return render(workflow + (team == null ? "" : " (" + team + ")"), candidate, compared,
        Outcomes.of(rows, candidate), capacity, span.text());
  }

  /** What is measured: a calendar month (its MONTH figures) or whole days (their DAY figures summed). */
  public record Span(Instant from, Instant to, EconomicsPeriod period, String text) {
    /** A calendar month; one still running up to the end of the current hour (the usage so far, not a whole month's). */
    public static Span of(YearMonth month) {
      Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant hourEnd = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS).plusSeconds(3600);
      boolean running = hourEnd.isBefore(end);
      return new Span(month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(), running ? hourEnd : end,
          EconomicsPeriod.MONTH, month + (running ? " to " + hourEnd : ""));
    }

    public static Span lastDays(LocalDate today, int days) {
      LocalDate first = today.minusDays(days);
      return new Span(first.atStartOfDay(ZoneOffset.UTC).toInstant(), today.atStartOfDay(ZoneOffset.UTC).toInstant(),
          EconomicsPeriod.DAY, "the " + days + " days from " + first + " to " + today.minusDays(1) + " (UTC)");
    }

    boolean covers(WorkflowEconomics e) {
      return e.getPeriod() == period && !e.getPeriodStart().isBefore(from) && e.getPeriodStart().isBefore(to);
    }
  }

  /** The comparison as the command prints it. */
  public static String render(String workflow, String candidate, BuildOrBuy c, Optional<Outcomes> outcomes,
      String capacity, String span) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("Build or buy for %s, %s: %,d tokens, busiest hour %,d%n", workflow, span, c.tokens(),
        c.peakHourTokens()));
    out.append(String.format("  API (as priced):          %14s  (exact %s)%n", MoneyFormat.usd(c.apiCostNanoUsd()),
        MoneyFormat.exact(c.apiCostNanoUsd())));
    out.append(String.format("  %s on %s: %14s  (exact %s)%s%n", candidate, capacity,
        MoneyFormat.usd(c.capacityCostNanoUsd()), MoneyFormat.exact(c.capacityCostNanoUsd()),
        c.utilisation().map(u -> ", " + MoneyFormat.share(u) + " used").orElse("")));
    out.append(c.savingNanoUsd() >= 0
        ? String.format("  Capacity is cheaper by %s over the %,d hours.%n", MoneyFormat.usd(c.savingNanoUsd()), c.hours())
        : String.format("  The API is cheaper by %s over the %,d hours.%n", MoneyFormat.usd(-c.savingNanoUsd()), c.hours()));
    out.append(c.breakEvenTokens().map(t -> String.format(
            "  Break-even: %,d tokens over the %,d hours (one unit's %s against the API's %s per 1M tokens).%n", t,
            c.hours(), MoneyFormat.usd(c.unitMonthCostNanoUsd()), PoolReport.perMillion(c.apiCostNanoUsd(), c.tokens())))
        .orElse(c.tokens() == 0 ? "  Break-even: no usage on the API to compare with.\n" : String.format(
            "  Break-even: none in this shape; one unit serves at most %s tokens over the %,d hours at the busiest%n"
                + "  hour's pace, less than its %s would buy on the API.%n",
            c.unitMonthTokens().map(t -> String.format("%,d", t)).orElse("?"), c.hours(),
            MoneyFormat.usd(c.unitMonthCostNanoUsd()))));
    if (outcomes.isEmpty()) {
      out.append("  Per successful outcome: the economics has no figures of the workflow for it.\n");
      return out.toString();
    }
    Outcomes o = outcomes.get();
    // The API side's successes are counted; the candidate's are its measured rate over the same items.
    Optional<Long> api = o.apiPerSuccess(c.apiCostNanoUsd());
    Optional<Long> own = o.candidatePerSuccess(c.capacityCostNanoUsd());
    out.append(String.format("  Per successful %s (%,d finished, %,d succeeded): API %s; %s%n", o.unit(), o.finished(),
        o.succeeded(), api.map(MoneyFormat::usd).orElse("-"),
        own.map(v -> String.format("%s %s (it succeeded on %,d of %,d items)", candidate, MoneyFormat.usd(v),
            o.candidateSucceeded(), o.candidateFinished()))
            .orElse(candidate + ": no success measured yet (run it as a variant of the workflow first)")));
    return out.toString();
  }
}
