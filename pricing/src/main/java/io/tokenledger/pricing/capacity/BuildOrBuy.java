package io.tokenledger.pricing.capacity;

import io.tokenledger.schemas.UsageAggregate;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A workflow's month (a calendar month, or any span of whole hours such as the last 30 days) on
 * the API against the same tokens on capacity of its own. The API side is
 * what the ledger priced the workflow's usage at. The capacity side is either GPUs by the hour,
 * as many as the month's busiest hour needs (its tokens over an hour at the GPU's throughput,
 * rounded up, at least one), running the whole month; or an existing pool's cost in the month.
 *
 * <p>Break-even: the monthly volume at which one unit of capacity costs what the API would charge
 * for the same tokens (the unit's monthly cost / the API's cost per token), provided one unit can
 * serve that volume in the workflow's hourly shape (its busiest hour at the unit's throughput);
 * when it cannot, no volume with this shape breaks even, since more units scale cost and capacity
 * together.
 *
 * @param apiCostNanoUsd the workflow's usage in the month at the ledger's prices
 * @param tokens every token of it (exclusive buckets summed)
 * @param peakHourTokens its busiest UTC hour's tokens
 * @param units GPUs needed (or 0 for a pool, whose size is its own)
 * @param capacityCostNanoUsd what the capacity costs in the month
 * @param capacityTokens what the capacity can serve in the month, if known
 * @param unitMonthCostNanoUsd one unit's month (a GPU's; the pool's whole cost for a pool)
 * @param unitMonthTokens the volume one unit serves in the month at the workflow's shape, if known
 * @param breakEvenTokens the monthly volume from which capacity is cheaper, if any
 */
public record BuildOrBuy(Instant from, Instant to, long apiCostNanoUsd, long tokens, long peakHourTokens, int units,
    long capacityCostNanoUsd, Optional<Long> capacityTokens, long unitMonthCostNanoUsd, Optional<Long> unitMonthTokens,
    Optional<Long> breakEvenTokens) {

  /** With GPUs rented by the hour, each serving {@code tokensPerSecond}, over a calendar month (UTC). */
  public static BuildOrBuy gpus(YearMonth month, Iterable<UsageAggregate> workflowBuckets, long gpuHourNanoUsd,
      long tokensPerSecond) {
    return gpus(start(month), start(month.plusMonths(1)), workflowBuckets, gpuHourNanoUsd, tokensPerSecond);
  }

  /** The same over any span of whole hours, e.g. the last 30 days. */
  public static BuildOrBuy gpus(Instant from, Instant to, Iterable<UsageAggregate> workflowBuckets, long gpuHourNanoUsd,
      long tokensPerSecond) {
    return gpus(Volume.of(from, to, workflowBuckets), gpuHourNanoUsd, tokensPerSecond);
  }

  /** From the volume measured apart (each instance its own teams' hours, added up). */
  public static BuildOrBuy gpus(Volume v, long gpuHourNanoUsd, long tokensPerSecond) {
    Instant from = v.from();
    Instant to = v.to();
    long hours = v.seconds() / 3600;
    long perGpuHour = Math.multiplyExact(tokensPerSecond, 3600L);
    int gpus = (int) Math.max(1, ceilDiv(v.peakHourTokens(), perGpuHour));
    long gpuMonth = Math.multiplyExact(gpuHourNanoUsd, hours);
    Optional<Long> oneGpuServes = v.peakHourTokens() == 0 ? Optional.empty()
        : Optional.of(BigInteger.valueOf(perGpuHour).multiply(BigInteger.valueOf(v.tokens()))
            .divide(BigInteger.valueOf(v.peakHourTokens())).longValueExact());
    return new BuildOrBuy(from, to, v.apiCost(), v.tokens(), v.peakHourTokens(), gpus, Math.multiplyExact(gpuMonth, gpus),
        Optional.of(Math.multiplyExact(perGpuHour, hours) * gpus), gpuMonth, oneGpuServes,
        breakEven(gpuMonth, v, oneGpuServes));
  }

  /** On an existing pool, its month's cost and capacity as its versions say. */
  public static BuildOrBuy pool(YearMonth month, Iterable<UsageAggregate> workflowBuckets, PoolCosts pool) {
    return pool(start(month), start(month.plusMonths(1)), workflowBuckets, pool);
  }

  /** The same over any span of whole hours. */
  public static BuildOrBuy pool(Instant from, Instant to, Iterable<UsageAggregate> workflowBuckets, PoolCosts pool) {
    Volume v = Volume.of(from, to, workflowBuckets);
    long cost = pool.cost(from, to);
    Optional<Long> capacity = pool.capacity(from, to);
    // The pool serves its capacity evenly over the month; the workflow's shape fits it at its busiest hour.
    Optional<Long> serves = capacity.filter(c -> v.peakHourTokens() > 0).map(c -> BigInteger.valueOf(c)
        .multiply(BigInteger.valueOf(v.tokens())).divide(BigInteger.valueOf(v.peakHourTokens())
            .multiply(BigInteger.valueOf(v.seconds() / 3600))).longValueExact());
    return new BuildOrBuy(from, to, v.apiCost(), v.tokens(), v.peakHourTokens(), 0, cost, capacity, cost, serves,
        breakEven(cost, v, serves));
  }

  private static Optional<Long> breakEven(long unitMonthCost, Volume v, Optional<Long> oneUnitServes) {
    if (v.apiCost() == 0 || v.tokens() == 0) {
      return Optional.empty();
    }
    long tokens = ceilDiv(BigInteger.valueOf(unitMonthCost).multiply(BigInteger.valueOf(v.tokens())),
        BigInteger.valueOf(v.apiCost()));
    return oneUnitServes.isPresent() && tokens > oneUnitServes.get() ? Optional.empty() : Optional.of(tokens);
  }

  /** What the capacity saves against the API in the month (negative: the API is cheaper). */
  public long savingNanoUsd() {
    return apiCostNanoUsd - capacityCostNanoUsd;
  }

  /** The share of the capacity the workflow's tokens would use, exact; empty when not known. */
  public Optional<BigDecimal> utilisation() {
    return capacityTokens.filter(c -> c > 0).map(c -> new BigDecimal(tokens).divide(new BigDecimal(c),
        MathContext.DECIMAL64));
  }

  /**
   * Cost per successful outcome on a side: its month's cost over the successes it would have, the
   * workflow's finished items times the success rate measured for it (basis points); rounded once.
   */
  public static Optional<Long> perSuccess(long costNanoUsd, long finishedItems, Integer successBasisPoints) {
    if (successBasisPoints == null || successBasisPoints == 0 || finishedItems == 0) {
      return Optional.empty();
    }
    return Optional.of(new BigDecimal(BigInteger.valueOf(costNanoUsd).multiply(BigInteger.valueOf(10_000)))
        .divide(new BigDecimal(BigInteger.valueOf(finishedItems).multiply(BigInteger.valueOf(successBasisPoints))), 0,
            RoundingMode.HALF_EVEN).longValueExact());
  }

  /**
   * The same with the rate as counted: {@code succeeded} of {@code outOf} items measured, so that
   * it is exact and rounded once: cost x outOf / (finished x succeeded).
   */
  public static Optional<Long> perSuccess(long costNanoUsd, long finishedItems, long succeeded, long outOf) {
    if (succeeded == 0 || outOf == 0 || finishedItems == 0) {
      return Optional.empty();
    }
    return Optional.of(new BigDecimal(BigInteger.valueOf(costNanoUsd).multiply(BigInteger.valueOf(outOf)))
        .divide(new BigDecimal(BigInteger.valueOf(finishedItems).multiply(BigInteger.valueOf(succeeded))), 0,
            RoundingMode.HALF_EVEN).longValueExact());
  }

  /**
   * A workflow's usage on the API over a span: its cost, its tokens by UTC hour. Parts measured
   * apart (each instance its own teams') add up, hour by hour, before the busiest hour is found.
   */
  public record Volume(Instant from, Instant to, long apiCost, Map<Instant, Long> tokensByHour) {
    public static Volume of(Instant from, Instant to, Iterable<UsageAggregate> buckets) {
      long cost = 0;
      Map<Instant, Long> byHour = new HashMap<>();
      for (UsageAggregate b : buckets) {
        if (b.getWindowStart().isBefore(from) || !b.getWindowStart().isBefore(to)) {
          continue;
        }
        cost += b.getCostNanoUsd();
        byHour.merge(b.getWindowStart().truncatedTo(ChronoUnit.HOURS), Measure.tokens(b), Long::sum);
      }
      return new Volume(from, to, cost, byHour);
    }

    public Volume plus(Volume other) {
      Map<Instant, Long> hours = new HashMap<>(tokensByHour);
      other.tokensByHour.forEach((h, t) -> hours.merge(h, t, Long::sum));
      return new Volume(from, to, apiCost + other.apiCost, hours);
    }

    long tokens() {
      return tokensByHour.values().stream().mapToLong(Long::longValue).sum();
    }

    long peakHourTokens() {
      return tokensByHour.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    long seconds() {
      return java.time.Duration.between(from, to).toSeconds();
    }
  }

  private static Instant start(YearMonth month) {
    return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The span's whole hours. */
  public long hours() {
    return java.time.Duration.between(from, to).toHours();
  }

  private static long ceilDiv(long a, long b) {
    return Math.floorDiv(a + b - 1, b);
  }

  private static long ceilDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    return (qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE)).longValueExact();
  }
}
