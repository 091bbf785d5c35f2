package io.tokenledger.pricing.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.pricing.capacity.CommitmentDrawdown.Month;
import io.tokenledger.schemas.Commitment;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Committed spend drawn down month by month, worked out by hand. */
class CommitmentDrawdownTest {
  static final long USD = 1_000_000_000L;
  static final YearMonth NOV = YearMonth.of(2026, 11);
  static final YearMonth DEC = YearMonth.of(2026, 12);
  static final YearMonth JAN = YearMonth.of(2027, 1);

  static Commitment commitment(long amountUsd, int periodMonths, int termMonths, int discountBp) {
    return Commitment.newBuilder().setCommitmentId("openai-msa-2026").setProvider("openai")
        .setAmountNanoUsd(amountUsd * USD).setPeriodMonths(periodMonths).setTermMonths(termMonths)
        .setDiscountBasisPoints(discountBp).setStart(Instant.parse("2026-11-01T00:00:00Z")).setOwnerTeam("finance-ops")
        .setSetBy("procurement").setUpdatedAt(Instant.parse("2026-10-20T00:00:00Z")).build();
  }

  @Test
  void aQuarterlyCommitmentIsDrawnDownAcrossTwoMonthsThenGoesOver() {
    // $10,000 a quarter at 20% off list. November: list $7,000 -> $5,600 at the commitment's price,
    // all drawn, $4,400 left. December: list $6,500 -> $5,200: the $4,400 left covers $5,500 of list
    // (4,400 / 0.8); the other $1,000 of list is not covered and is paid at list. January (the
    // quarter's last month): no usage, nothing drawn, nothing left.
    List<Month> months = CommitmentDrawdown.months(commitment(10_000, 3, 12, 2_000),
        Map.of(NOV, 7_000 * USD, DEC, 6_500 * USD), JAN);
    assertEquals(List.of(
        new Month(NOV, NOV, 7_000 * USD, 5_600 * USD, 5_600 * USD, 7_000 * USD, 0, 4_400 * USD),
        new Month(DEC, NOV, 6_500 * USD, 5_200 * USD, 4_400 * USD, 5_500 * USD, 1_000 * USD, 0),
        new Month(JAN, NOV, 0, 0, 0, 0, 0, 0)), months);
    assertEquals(1_400 * USD, months.get(0).savedNanoUsd());
    assertEquals(1_100 * USD, months.get(1).savedNanoUsd());
  }

  @Test
  void aMonthlyCommitmentStartsAfreshEachMonthAndLeavesTheUnusedBehind() {
    // $6,000 a month at 20% off: November's $5,600 leaves $400 unused (paid, not carried over);
    // December's $5,200 draws from a fresh $6,000 and leaves $800.
    List<Month> months = CommitmentDrawdown.months(commitment(6_000, 1, 12, 2_000),
        Map.of(NOV, 7_000 * USD, DEC, 6_500 * USD), DEC);
    assertEquals(List.of(
        new Month(NOV, NOV, 7_000 * USD, 5_600 * USD, 5_600 * USD, 7_000 * USD, 0, 400 * USD),
        new Month(DEC, DEC, 6_500 * USD, 5_200 * USD, 5_200 * USD, 6_500 * USD, 0, 800 * USD)), months);
  }

  @Test
  void theDiscountedCostIsRoundedOnceHalfEven() {
    Commitment fifteen = commitment(1, 1, 1, 1_500);
    assertEquals(1, CommitmentDrawdown.discounted(fifteen, 1)); // 0.85 -> 1
    assertEquals(3, CommitmentDrawdown.discounted(fifteen, 3)); // 2.55 -> 3 (above the half)
    assertEquals(2, CommitmentDrawdown.discounted(commitment(1, 1, 1, 7_500), 10)); // 2.5 -> 2 (half to even)
    // What is left covers list / 0.85: 100 nano-USD covers 117.647... -> 118 of list.
    assertEquals(118, CommitmentDrawdown.listValue(fifteen, 100));
  }

  @Test
  void aPeriodOnPaceToLeaveMoneyUnusedSaysHowMuch() {
    // The quarter November to January is 92 days. By November 11th (10 days) $1,000 is contracted:
    // at that pace $9,200 by the quarter's end, $800 of $10,000 unused.
    var outlook = CommitmentDrawdown.outlook(commitment(10_000, 3, 12, 2_000), 1_000 * USD,
        Instant.parse("2026-11-11T00:00:00Z")).orElseThrow();
    assertEquals(9_200 * USD, outlook.projectedNanoUsd());
    assertEquals(800 * USD, outlook.projectedUnusedNanoUsd());
    assertTrue(outlook.underUsed());
    assertEquals(Instant.parse("2027-02-01T00:00:00Z"), outlook.periodEnd());
    assertFalse(CommitmentDrawdown.outlook(commitment(10_000, 3, 12, 2_000), 1_100 * USD,
        Instant.parse("2026-11-11T00:00:00Z")).orElseThrow().underUsed()); // $10,120 projected
  }
}
