package io.tokenledger.pricing.capacity;

import static io.tokenledger.pricing.capacity.PoolAllocationTest.USD;
import static io.tokenledger.pricing.capacity.PoolAllocationTest.bucket;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.schemas.UsageAggregate;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The API against capacity of one's own for a workflow's month, worked out by hand. */
class BuildOrBuyTest {
  static final YearMonth NOVEMBER = YearMonth.of(2026, 11); // 720 h

  @Test
  void aSteadyWorkflowHalfFillsOneGpuAndBreaksEvenFarBelowItsVolume() {
    // Every hour of November: 4,320,000 tokens for $10.00 on the API: 3,110,400,000 tokens, $7,200.00.
    List<UsageAggregate> buckets = new ArrayList<>();
    Instant hour = Instant.parse("2026-11-01T00:00:00Z");
    for (int i = 0; i < 720; i++) {
      buckets.add(bucket("finance-ops", "invoice-extraction", "openai/gpt-4o", hour.toString(), 3_000_000, 1_320_000,
          10 * USD));
      hour = hour.plusSeconds(3600);
    }
    // A GPU at $2.10/h serving 2,400 tokens/s (8,640,000 an hour): the busiest hour needs 1; the
    // month costs 720 x 2.10 = $1,512.00 and can serve 6,220,800,000 tokens: 50% used. Break-even:
    // 1,512 / 7,200 x 3,110,400,000 = 653,184,000 tokens a month; one GPU serves up to 6,220,800,000
    // in this shape, so it holds.
    BuildOrBuy compared = BuildOrBuy.gpus(NOVEMBER, buckets, 2_100_000_000L, 2_400);
    assertEquals(7_200 * USD, compared.apiCostNanoUsd());
    assertEquals(3_110_400_000L, compared.tokens());
    assertEquals(1, compared.units());
    assertEquals(1_512 * USD, compared.capacityCostNanoUsd());
    assertEquals(Optional.of(6_220_800_000L), compared.capacityTokens());
    assertEquals(new BigDecimal("0.5"), compared.utilisation().orElseThrow().stripTrailingZeros());
    assertEquals(Optional.of(653_184_000L), compared.breakEvenTokens());
    assertEquals(5_688 * USD, compared.savingNanoUsd());
    // Per successful outcome: 1,000 finished items; the API's model succeeds 90%: $7,200 / 900 = $8.00;
    // the candidate 80%: $1,512 / 800 = $1.89.
    assertEquals(Optional.of(8 * USD), BuildOrBuy.perSuccess(compared.apiCostNanoUsd(), 1_000, 9_000));
    assertEquals(Optional.of(1_890_000_000L), BuildOrBuy.perSuccess(compared.capacityCostNanoUsd(), 1_000, 8_000));
    assertEquals(Optional.empty(), BuildOrBuy.perSuccess(compared.capacityCostNanoUsd(), 1_000, null));
  }

  @Test
  void aSpikyWorkflowNeedsGpusForItsBusiestHourAndNeverBreaksEvenInThatShape() {
    // Three buckets of 8,640,000 tokens for $20.00 each, two in the same hour: 25,920,000 tokens,
    // $60.00, busiest hour 17,280,000 tokens: 2 GPUs, $3,024.00 for the month. One GPU serves
    // 8,640,000 x 25,920,000 / 17,280,000 = 12,960,000 tokens a month in this shape, but breaking even
    // needs 1,512 / 60 x 25,920,000 = 653,184,000: never.
    List<UsageAggregate> buckets = List.of(
        bucket("growth", "campaigns", "openai/gpt-4o", "2026-11-10T09:00:00Z", 6_000_000, 2_640_000, 20 * USD),
        bucket("growth", "campaigns", "openai/gpt-4o", "2026-11-10T09:15:00Z", 6_000_000, 2_640_000, 20 * USD),
        bucket("growth", "campaigns", "openai/gpt-4o", "2026-11-11T14:00:00Z", 6_000_000, 2_640_000, 20 * USD),
        bucket("growth", "campaigns", "openai/gpt-4o", "2026-12-01T00:00:00Z", 6_000_000, 2_640_000, 20 * USD));
    BuildOrBuy compared = BuildOrBuy.gpus(NOVEMBER, buckets, 2_100_000_000L, 2_400);
    assertEquals(60 * USD, compared.apiCostNanoUsd());
    assertEquals(17_280_000L, compared.peakHourTokens());
    assertEquals(2, compared.units());
    assertEquals(3_024 * USD, compared.capacityCostNanoUsd());
    assertEquals(Optional.of(12_960_000L), compared.unitMonthTokens());
    assertEquals(Optional.empty(), compared.breakEvenTokens());
    assertEquals(-2_964 * USD, compared.savingNanoUsd());
  }
}
