package io.tokenledger.pricing.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.CapacityPool;
import io.tokenledger.schemas.UsageAggregate;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Pools' costs and their allocation, every figure worked out by hand in the comments. */
class PoolAllocationTest {
  static final long USD = 1_000_000_000L;
  static final YearMonth NOVEMBER = YearMonth.of(2026, 11); // 30 days: 720 h, 2,592,000 s

  static CapacityPool.Builder pool(String id, String from) {
    return CapacityPool.newBuilder().setPoolId(id).setServes(List.of("selfhosted/llama-3.1-8b"))
        .setOwnerTeam("platform").setEffectiveFrom(Instant.parse(from)).setSetBy("test")
        .setUpdatedAt(Instant.parse(from));
  }

  static UsageAggregate bucket(String team, String workflow, String model, String start, long input, long output,
      long costNanoUsd) {
    Instant at = Instant.parse(start);
    return UsageAggregate.newBuilder().setScope(team).setTeam(team).setWorkflow(workflow)
        .setProvider(model.substring(0, model.indexOf('/'))).setModel(model.substring(model.indexOf('/') + 1))
        .setWindowStart(at).setWindowEnd(at.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(input).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(output)
        .setReasoningTokens(0).setCostNanoUsd(costNanoUsd).setUnpricedEventCount(0).setOutcomeUnits(0)
        .setIsFinal(true).build();
  }

  @Test
  void aFlatMonthSplitThreeWaysGivesTheLeftOverNanoToTheLargestRemainderThenKeyOrder() {
    // $1,000.00 a month, no capacity stated: all of it goes to the usage. Three workflows of equal
    // measure get 333,333,333,333.33... nano-USD each: 333,333,333,333 each and 1 left over; the
    // remainders are equal, so it goes to the first in key order (finance-ops before growth).
    PoolCosts costs = new PoolCosts(List.of(pool("subscription", "2026-01-01T00:00:00Z")
        .setMonthlyCostNanoUsd(1_000 * USD).build()));
    PoolMonth month = PoolMonth.of(costs, NOVEMBER, List.of(
        bucket("growth", "campaigns", "selfhosted/llama-3.1-8b", "2026-11-02T10:00:00Z", 700, 300, 0),
        bucket("support", "ticket-triage", "selfhosted/llama-3.1-8b", "2026-11-03T10:00:00Z", 1_000, 0, 0),
        bucket("finance-ops", "invoice-extraction", "selfhosted/llama-3.1-8b", "2026-11-04T10:00:00Z", 0, 1_000, 0),
        bucket("support", "ticket-triage", "openai/gpt-4o", "2026-11-04T10:00:00Z", 5_000, 0, 12_500)));
    assertEquals(1_000 * USD, month.allocation().costNanoUsd());
    assertEquals(0, month.allocation().idleNanoUsd());
    assertEquals(Map.of(new Consumer("finance-ops", "invoice-extraction"), 333_333_333_334L,
        new Consumer("growth", "campaigns"), 333_333_333_333L,
        new Consumer("support", "ticket-triage"), 333_333_333_333L), month.allocation().consumers());
    assertEquals(3_000, month.tokens()); // gpt-4o is not the pool's
  }

  @Test
  void theLeftOverGoesToTheLargestRemainderFirst() {
    // $100 over measures 1, 2 and 4 (7 in all): 14.285714285714..., 28.571428571428..., 57.142857142857... USD:
    // floors 14,285,714,285 / 28,571,428,571 / 57,142,857,142 = 99,999,999,998, 2 nano left over; the
    // remainders (x 7) are 5, 3 and 6: the 4-measure (6) and the 1-measure (5) get one each.
    TreeMap<String, Long> measured = new TreeMap<>(Map.of("a", 1L, "b", 2L, "c", 4L));
    PoolAllocation<String> split = PoolAllocation.of(100 * USD, Optional.empty(), measured);
    assertEquals(Map.of("a", 14_285_714_286L, "b", 28_571_428_571L, "c", 57_142_857_143L), split.consumers());
    assertEquals(100 * USD, split.consumers().values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void whatTheUsageLeavesOfTheCapacityIsIdleAndTheOwners() {
    // 2 GPUs at $2.00/h for November: 2 x 2.00 x 720 h = $2,880.00. They serve 1,000 tokens/s
    // together: 2,592,000,000 tokens in the month. The usage measures 648,000,000 (25%), so it
    // carries $720.00 and $2,160.00 is idle.
    PoolCosts costs = new PoolCosts(List.of(pool("gpu-a", "2026-10-01T00:00:00Z").setHourlyCostNanoUsd(2 * USD)
        .setUnits(2).setCapacityTokensPerSecond(1_000L).build()));
    PoolMonth month = PoolMonth.of(costs, NOVEMBER, List.of(
        bucket("finance-ops", "invoice-extraction", "selfhosted/llama-3.1-8b", "2026-11-10T09:00:00Z", 400_000_000,
            100_000_000, 0),
        bucket("support", "ticket-triage", "selfhosted/llama-3.1-8b", "2026-11-11T09:00:00Z", 148_000_000, 0, 0),
        bucket("support", "ticket-triage", "selfhosted/llama-3.1-8b", "2026-12-01T00:00:00Z", 9_000_000, 0, 0)));
    assertEquals(2_880 * USD, month.allocation().costNanoUsd());
    assertEquals(Optional.of(2_592_000_000L), month.allocation().capacity());
    assertEquals(648_000_000L, month.allocation().used());
    assertEquals(720 * USD, month.allocation().allocatedNanoUsd());
    assertEquals(2_160 * USD, month.allocation().idleNanoUsd());
    assertEquals("platform", month.ownerTeam());
    // 500,000,000 and 148,000,000 of 648,000,000: $555.555555555... and $164.444444444...
    assertEquals(Map.of(new Consumer("finance-ops", "invoice-extraction"), 555_555_555_556L,
        new Consumer("support", "ticket-triage"), 164_444_444_444L), month.allocation().consumers());
    assertEquals(new java.math.BigDecimal("0.25"), month.allocation().utilisation().orElseThrow().stripTrailingZeros());
  }

  @Test
  void weightedOutputTokensMeasureTheGpusTime() {
    // Output weighs 4: 100 in + 50 out = 300 against 300 in + 0 out = 300: an even split of $10.
    PoolCosts costs = new PoolCosts(List.of(pool("gpu-w", "2026-11-01T00:00:00Z").setOutputTokenWeight(4)
        .setMonthlyCostNanoUsd(10 * USD).build()));
    PoolMonth month = PoolMonth.of(costs, NOVEMBER, List.of(
        bucket("a", "x", "selfhosted/llama-3.1-8b", "2026-11-10T09:00:00Z", 100, 50, 0),
        bucket("b", "y", "selfhosted/llama-3.1-8b", "2026-11-10T09:00:00Z", 300, 0, 0)));
    assertEquals(Map.of(new Consumer("a", "x"), 5 * USD, new Consumer("b", "y"), 5 * USD),
        month.allocation().consumers());
  }

  @Test
  void aPriceChangeMidMonthCostsEachVersionForTheTimeItHeld() {
    // 4 GPUs at $2.10/h from November 1st, renewed at $1.80/h from the 16th: 360 h x 4 x 2.10 =
    // $3,024.00, then 360 h x 4 x 1.80 = $2,592.00: $5,616.00. Usage before the change is served by the
    // first version's models, after it by the second's (which adds a model).
    PoolCosts costs = new PoolCosts(List.of(
        pool("gpu-b", "2026-11-01T00:00:00Z").setHourlyCostNanoUsd(2_100_000_000L).setUnits(4).build(),
        pool("gpu-b", "2026-11-16T00:00:00Z").setHourlyCostNanoUsd(1_800_000_000L).setUnits(4)
            .setServes(List.of("selfhosted/llama-3.1-8b", "selfhosted/qwen-2.5-7b")).build()));
    assertEquals(5_616 * USD, costs.cost(NOVEMBER.atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
        NOVEMBER.plusMonths(1).atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()));
    PoolMonth month = PoolMonth.of(costs, NOVEMBER, List.of(
        bucket("a", "x", "selfhosted/qwen-2.5-7b", "2026-11-10T09:00:00Z", 1_000, 0, 0), // not yet served
        bucket("a", "x", "selfhosted/qwen-2.5-7b", "2026-11-20T09:00:00Z", 1_000, 0, 0),
        bucket("b", "y", "selfhosted/llama-3.1-8b", "2026-11-10T09:00:00Z", 3_000, 0, 0)));
    assertEquals(Map.of(new Consumer("a", "x"), 1_404 * USD, new Consumer("b", "y"), 4_212 * USD),
        month.allocation().consumers());

    // A subscription of $1,000 a month from November 21st: 10 of 30 days, $333.333333333(3) -> 333,333,333,333 nano.
    PoolCosts late = new PoolCosts(List.of(pool("sub", "2026-11-21T00:00:00Z").setMonthlyCostNanoUsd(1_000 * USD)
        .build()));
    assertEquals(333_333_333_333L, late.cost(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z")));
    // Across a month boundary each month's share is of its own length: Nov 21 to Dec 11 = 10/30 + 10/31 of $1,000
    // = 333.3333333333... + 322.5806451612... = 655.913978494623... -> 655,913,978,495 nano.
    assertEquals(655_913_978_495L, late.cost(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-12-11T00:00:00Z")));
  }

  @Test
  void aPoolEndedWithZeroUnitsCostsNothingFromThenOn() {
    PoolCosts costs = new PoolCosts(List.of(
        pool("gpu-c", "2026-11-01T00:00:00Z").setHourlyCostNanoUsd(USD).setUnits(1).build(),
        pool("gpu-c", "2026-11-11T00:00:00Z").setHourlyCostNanoUsd(USD).setUnits(0).build()));
    // 10 days x 24 h x $1.00 = $240.00.
    PoolMonth month = PoolMonth.of(costs, NOVEMBER, List.of(
        bucket("a", "x", "selfhosted/llama-3.1-8b", "2026-11-20T09:00:00Z", 1_000, 0, 0)));
    assertEquals(240 * USD, month.allocation().costNanoUsd());
    assertEquals(240 * USD, month.allocation().idleNanoUsd()); // the only usage came after it ended
  }
}
