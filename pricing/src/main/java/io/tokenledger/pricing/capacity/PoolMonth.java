package io.tokenledger.pricing.capacity;

import io.tokenledger.schemas.CapacityPool;
import io.tokenledger.schemas.UsageAggregate;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One pool in one calendar month (UTC), from the period ledger: the usage it served (the buckets
 * of the models the version in force at each bucket's start serves), measured as that version
 * says, its cost allocated to each team's workflow and its idle capacity to its owner; next to
 * what the same usage cost at the per-token prices the ledger priced it with (the API's price,
 * or whatever marginal price the operator set for a self-hosted model).
 *
 * @param until the end of what is counted: the month's end, or now for a month still running
 * @param listCostNanoUsd the ledger's cost of the usage the pool served
 */
public record PoolMonth(String poolId, YearMonth month, Instant until, String ownerTeam, PoolAllocation<Consumer> allocation,
    long listCostNanoUsd, long tokens) {

  public static PoolMonth of(PoolCosts pool, YearMonth month, Iterable<UsageAggregate> buckets) {
    return of(pool, month, Usage.of(pool, month, buckets), Instant.MAX);
  }

  /**
   * From the usage measured apart (each instance its own teams' part, summed); a month still
   * running is counted up to {@code until} (cost and capacity to date, not the whole month's).
   */
  public static PoolMonth of(PoolCosts pool, YearMonth month, Usage usage, Instant until) {
    Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = until.isBefore(monthEnd) ? until : monthEnd;
    CapacityPool last = pool.at(to.minusMillis(1)).orElse(pool.first());
    return new PoolMonth(pool.poolId(), month, to, last.getOwnerTeam(),
        PoolAllocation.of(pool.cost(from, to), pool.capacity(from, to), usage.measured()), usage.listCostNanoUsd(),
        usage.tokens());
  }

  /**
   * The usage a pool served in a month: each team's workflow's measure, what the ledger priced it
   * at, and its tokens. Parts measured apart add up.
   */
  public record Usage(SortedMap<Consumer, Long> measured, long listCostNanoUsd, long tokens) {
    public static Usage of(PoolCosts pool, YearMonth month, Iterable<UsageAggregate> buckets) {
      Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      SortedMap<Consumer, Long> measured = new TreeMap<>();
      long listCost = 0;
      long tokens = 0;
      for (UsageAggregate bucket : buckets) {
        if (bucket.getWindowStart().isBefore(from) || !bucket.getWindowStart().isBefore(to)) {
          continue;
        }
        Optional<CapacityPool> version = pool.at(bucket.getWindowStart());
        if (version.isEmpty() || !serves(version.get(), bucket)) {
          continue;
        }
        measured.merge(new Consumer(bucket.getTeam(), bucket.getWorkflow()), measure(version.get(), bucket), Long::sum);
        listCost += bucket.getCostNanoUsd();
        tokens += Measure.tokens(bucket);
      }
      return new Usage(measured, listCost, tokens);
    }

    public Usage plus(Usage other) {
      SortedMap<Consumer, Long> sum = new TreeMap<>(measured);
      other.measured.forEach((k, v) -> sum.merge(k, v, Long::sum));
      return new Usage(sum, listCostNanoUsd + other.listCostNanoUsd, tokens + other.tokens);
    }

    public static Usage none() {
      return new Usage(new TreeMap<>(), 0, 0);
    }
  }

  static boolean serves(CapacityPool version, UsageAggregate bucket) {
    if (version.getUnits() == 0) {
      return false;
    }
    String model = bucket.getProvider() + "/" + bucket.getModel();
    return version.getServes().stream().anyMatch(served -> served.toString().equals(model));
  }

  static long measure(CapacityPool version, UsageAggregate bucket) {
    return Measure.input(bucket) + (long) version.getOutputTokenWeight() * Measure.output(bucket);
  }
}
