package io.tokenledger.pricing.capacity;

import io.tokenledger.schemas.Commitment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a committed-spend agreement is drawn down month by month. A month's list cost of the
 * provider's usage is discounted to its contracted cost (list x (10,000 - discount bp) / 10,000,
 * rounded once, half-even, to the nano-USD); the contracted cost draws the period's committed
 * amount down; what goes beyond the amount is overage (paid at the contracted price); what a period
 * leaves is unused once it has ended (still paid). Nothing carries over between periods.
 */
public final class CommitmentDrawdown {
  private static final BigInteger BASIS = BigInteger.valueOf(10_000);

  private CommitmentDrawdown() {}

  /**
   * One month of the agreement.
   *
   * @param periodStart the first month of the period the month is in
   * @param drawnNanoUsd what the month drew from the period's amount
   * @param remainingNanoUsd the period's amount left after the month
   */
  public record Month(YearMonth month, YearMonth periodStart, long listNanoUsd, long contractedNanoUsd,
      long drawnNanoUsd, long overageNanoUsd, long remainingNanoUsd) {
    /** What the discount saved against list prices. */
    public long savedNanoUsd() {
      return listNanoUsd - contractedNanoUsd;
    }
  }

  /** The contracted cost of a list cost under the agreement. */
  public static long contracted(Commitment commitment, long listNanoUsd) {
    return new BigDecimal(BigInteger.valueOf(listNanoUsd).multiply(BASIS.subtract(
        BigInteger.valueOf(commitment.getDiscountBasisPoints())))).divide(new BigDecimal(BASIS), 0,
        RoundingMode.HALF_EVEN).longValueExact();
  }

  /**
   * Every month of the agreement up to {@code until} (inclusive, or its last month), from the
   * provider's list cost per month (a month with no entry had none).
   */
  public static List<Month> months(Commitment commitment, Map<YearMonth, Long> listByMonth, YearMonth until) {
    YearMonth first = YearMonth.from(commitment.getStart().atZone(ZoneOffset.UTC));
    YearMonth last = first.plusMonths(commitment.getTermMonths() - 1L);
    YearMonth end = until.isBefore(last) ? until : last;
    List<Month> months = new ArrayList<>();
    long remaining = 0;
    YearMonth periodStart = first;
    for (YearMonth month = first; !month.isAfter(end); month = month.plusMonths(1)) {
      if (periodOf(commitment, month).equals(month)) {
        periodStart = month;
        remaining = commitment.getAmountNanoUsd();
      }
      long list = listByMonth.getOrDefault(month, 0L);
      long contracted = contracted(commitment, list);
      long drawn = Math.min(contracted, remaining);
      remaining -= drawn;
      months.add(new Month(month, periodStart, list, contracted, drawn, contracted - drawn, remaining));
    }
    return months;
  }

  /** The first month of the period {@code month} is in. */
  public static YearMonth periodOf(Commitment commitment, YearMonth month) {
    YearMonth first = YearMonth.from(commitment.getStart().atZone(ZoneOffset.UTC));
    long offset = java.time.temporal.ChronoUnit.MONTHS.between(first, month);
    return first.plusMonths(offset - Math.floorMod(offset, commitment.getPeriodMonths()));
  }

  /**
   * Where the period containing {@code asOf} is heading at the pace it has drawn so far: its
   * contracted cost by the period's end, projected in proportion to the time elapsed, and the
   * amount it would leave unused (0 when on track to use it all).
   *
   * @param contractedSoFarNanoUsd the period's contracted cost up to {@code asOf}
   */
  public record Outlook(YearMonth periodStart, Instant periodEnd, long amountNanoUsd, long contractedSoFarNanoUsd,
      long projectedNanoUsd, long projectedUnusedNanoUsd) {
    public boolean underUsed() {
      return projectedUnusedNanoUsd > 0;
    }
  }

  public static Optional<Outlook> outlook(Commitment commitment, long contractedSoFarNanoUsd, Instant asOf) {
    YearMonth month = YearMonth.from(asOf.atZone(ZoneOffset.UTC));
    YearMonth first = YearMonth.from(commitment.getStart().atZone(ZoneOffset.UTC));
    if (month.isBefore(first) || month.isAfter(first.plusMonths(commitment.getTermMonths() - 1L))) {
      return Optional.empty();
    }
    YearMonth periodStart = periodOf(commitment, month);
    Instant from = periodStart.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = periodStart.plusMonths(commitment.getPeriodMonths()).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    long elapsed = java.time.Duration.between(from, asOf).toSeconds();
    long whole = java.time.Duration.between(from, to).toSeconds();
    long projected = elapsed <= 0 ? 0 : new BigDecimal(BigInteger.valueOf(contractedSoFarNanoUsd)
        .multiply(BigInteger.valueOf(whole))).divide(BigDecimal.valueOf(elapsed), 0, RoundingMode.HALF_EVEN)
        .longValueExact();
    return Optional.of(new Outlook(periodStart, to, commitment.getAmountNanoUsd(), contractedSoFarNanoUsd, projected,
        Math.max(0, commitment.getAmountNanoUsd() - projected)));
  }
}
