package io.tokenledger.ops.cli.capacity;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.capacity.BuildOrBuy;
import io.tokenledger.pricing.capacity.Consumer;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.pricing.capacity.PoolCosts;
import io.tokenledger.pricing.capacity.PoolMonth;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.Topics;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"A month of every pool: its cost, the usage it served and what that would have cost at the per-token",
        "prices, its cost allocated to each team's workflow, and its idle capacity (the owner's line)."})
public final class PoolReport implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--month", description = "The calendar month (UTC), e.g. 2026-11 (default: this month).")
  YearMonth month;

  @Override
  public Integer call() throws Exception {
    YearMonth m = month != null ? month : YearMonth.now(ZoneOffset.UTC);
    Topics topics = kafka.appliedTopics();
    Map<String, PoolCosts> pools = CapacityCommand.pools(kafka.settings(), topics);
    if (pools.isEmpty()) {
      System.out.println("No capacity pools. Set one with 'tokenledger capacity set'.");
      return 0;
    }
    Instant from = m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = m.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Collection<UsageAggregate> buckets = LedgerReads.buckets(kafka.settings(), topics,
        b -> !b.getWindowStart().isBefore(from) && b.getWindowStart().isBefore(to)).values();
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Map<Consumer, WorkflowEconomics> outcomes = outcomes(kafka.settings(), topics, m);
    for (PoolCosts pool : pools.values()) {
      if (pool.held(from, to.isBefore(now) ? to : now).isEmpty()) {
        continue;
      }
      // A month still running is counted to now: its cost so far, against its usage so far.
      System.out.print(render(PoolMonth.of(pool, m, PoolMonth.Usage.of(pool, m, buckets), now), outcomes));
    }
    return 0;
  }

  /** Each team's workflow's economics of the month (UTC), for a line's cost per successful outcome. */
  public static Map<Consumer, WorkflowEconomics> outcomes(Map<String, ?> settings, Topics topics, YearMonth month) {
    Map<Consumer, WorkflowEconomics> byConsumer = new java.util.HashMap<>();
    CompactedTopics.readLatest(settings, topics.economics).values().stream()
        .filter(e -> e.getPeriod() == EconomicsPeriod.MONTH && e.getZone().equals("UTC") && e.getTeam() != null
            && e.getFirstDay().equals(month.atDay(1).toString()))
        .forEach(e -> byConsumer.put(new Consumer(e.getTeam(), e.getWorkflow()), e));
    return byConsumer;
  }

  /** A pool's month as the report prints it, each line per successful outcome where the economics has the month. */
  public static String render(PoolMonth pm, Map<Consumer, WorkflowEconomics> outcomes) {
    var a = pm.allocation();
    StringBuilder out = new StringBuilder();
    boolean whole = pm.until().equals(pm.month().plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    out.append(String.format("%s, %s%s: %s (exact %s)%n", pm.poolId(), pm.month(), whole ? "" : " to " + pm.until(),
        MoneyFormat.usd(a.costNanoUsd()), MoneyFormat.exact(a.costNanoUsd())));
    out.append(String.format("  served %,d tokens (measured %,d%s)%s; at the per-token prices: %s%n", pm.tokens(),
        a.used(), a.capacity().map(c -> String.format(" of a capacity of %,d", c)).orElse(", capacity not stated"),
        a.utilisation().map(u -> ", " + MoneyFormat.share(u) + " used").orElse(""), MoneyFormat.usd(pm.listCostNanoUsd())));
    a.consumers().forEach((consumer, cost) -> {
      WorkflowEconomics e = outcomes.get(consumer);
      String perSuccess = e == null || e.getItemsSucceeded() == 0 ? "" : String.format(", %s per successful %s (%,d)",
          MoneyFormat.usd(BuildOrBuy.perSuccess(cost, 1, e.getItemsSucceeded(), 1).orElseThrow()),
          e.getOutcomeUnit() == null ? "outcome" : e.getOutcomeUnit(), e.getItemsSucceeded());
      out.append(String.format("  %-40s %14s  (exact %s)%s%n", consumer, MoneyFormat.usd(cost), MoneyFormat.exact(cost),
          perSuccess));
    });
    out.append(String.format("  %-40s %14s  (exact %s)%n", "idle capacity (" + pm.ownerTeam() + ")",
        MoneyFormat.usd(a.idleNanoUsd()), MoneyFormat.exact(a.idleNanoUsd())));
    if (a.used() > 0) {
      out.append(String.format("  per 1M tokens served: %s with idle capacity, %s without%n",
          perMillion(a.costNanoUsd(), pm.tokens()), perMillion(a.allocatedNanoUsd(), pm.tokens())));
    }
    return out.toString();
  }

  /** USD per 1M tokens, as people read it; '-' for no tokens. */
  static String perMillion(long nanoUsd, long tokens) {
    if (tokens == 0) {
      return "-";
    }
    return MoneyFormat.usd(new BigDecimal(nanoUsd).movePointLeft(9).multiply(BigDecimal.valueOf(1_000_000))
        .divide(BigDecimal.valueOf(tokens), 9, java.math.RoundingMode.HALF_EVEN));
  }
}
