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
 * How a committed-spend agreement is drawn down month by month, as FOCUS has a spend-based
 * commitment discount: the period's amount is paid whatever happens; the provider's usage is
 * priced at the discount (list x (10,000 - discount bp) / 10,000, rounded once, half-even, to the
 * nano-USD) and draws the amount down while it lasts; usage beyond it is not covered and is paid
 * at list price; what a period leaves when it ends is unused (paid, lost). Nothing carries over
 * between periods.
 */
public final class CommitmentDrawdown {
  private static final BigInteger BASIS = BigInteger.valueOf(10_000);

  private CommitmentDrawdown() {}

  /**
   * One month of the agreement.
   *
   * @param periodStart the first month of the period the month is in
   * @param discountedNanoUsd the month's usage at the commitment's price
   * @param drawnNanoUsd what the month drew from the period's amount
   * @param coveredListNanoUsd the list value of the usage the drawn amount covered
   * @param overageNanoUsd the usage the amount did not cover, at list price (paid on top)
   * @param remainingNanoUsd the period's amount left after the month
   */
  public record Month(YearMonth month, YearMonth periodStart, long listNanoUsd, long discountedNanoUsd,
      long drawnNanoUsd, long coveredListNanoUsd, long overageNanoUsd, long remainingNanoUsd) {
    /** What the discount saved against list prices on the usage it covered. */
    public long savedNanoUsd() {
      return coveredListNanoUsd - drawnNanoUsd;
    }
  }

  /** A list cost at the commitment's price. */
  public static long discounted(Commitment commitment, long listNanoUsd) {
    return new BigDecimal(BigInteger.valueOf(listNanoUsd).multiply(factor(commitment))).divide(new BigDecimal(BASIS), 0,
        RoundingMode.HALF_EVEN).longValueExact();
  }

  /** The list value an amount at the commitment's price pays for: amount x 10,000 / (10,000 - bp), rounded once. */
  public static long listValue(Commitment commitment, long discountedNanoUsd) {
    return new BigDecimal(BigInteger.valueOf(discountedNanoUsd).multiply(BASIS)).divide(new BigDecimal(
        factor(commitment)), 0, RoundingMode.HALF_EVEN).longValueExact();
  }

  private static BigInteger factor(Commitment commitment) {
    return BASIS.subtract(BigInteger.valueOf(commitment.getDiscountBasisPoints()));
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
      long discounted = discounted(commitment, list);
      long drawn;
      long covered;
      if (discounted <= remaining) {
        drawn = discounted;
        covered = list;
      } else {
        drawn = remaining;
        covered = Math.min(list, listValue(commitment, remaining));
      }
      remaining -= drawn;
      months.add(new Month(month, periodStart, list, discounted, drawn, covered, list - covered, remaining));
    }
    return months;
  }

  /** Each provider's cost at the per-token prices, per calendar month (UTC), from ledger buckets. */
  public static Map<String, Map<YearMonth, Long>> listByProvider(Iterable<io.tokenledger.schemas.UsageAggregate> buckets) {
    Map<String, Map<YearMonth, Long>> list = new java.util.TreeMap<>();
    for (io.tokenledger.schemas.UsageAggregate b : buckets) {
      if (b.getProvider() != null) {
        list.computeIfAbsent(b.getProvider(), p -> new java.util.TreeMap<>())
            .merge(YearMonth.from(b.getWindowStart().atZone(ZoneOffset.UTC)), b.getCostNanoUsd(), Long::sum);
      }
    }
    return list;
  }

  /** The first month of the period {@code month} is in. */
  public static YearMonth periodOf(Commitment commitment, YearMonth month) {
    YearMonth first = YearMonth.from(commitment.getStart().atZone(ZoneOffset.UTC));
    long offset = java.time.temporal.ChronoUnit.MONTHS.between(first, month);
    return first.plusMonths(offset - Math.floorMod(offset, commitment.getPeriodMonths()));
  }

  /** The last month of the period {@code month} is in. */
  public static YearMonth periodEndOf(Commitment commitment, YearMonth month) {
    return periodOf(commitment, month).plusMonths(commitment.getPeriodMonths() - 1L);
  }

  /**
   * Where the period containing {@code asOf} is heading at the pace it has drawn so far: its usage
   * at the commitment's price by the period's end, projected in proportion to the time elapsed, and
   * the amount it would leave unused (0 when on track to use it all).
   *
   * @param discountedSoFarNanoUsd the period's usage at the commitment's price up to {@code asOf}
   */
  public record Outlook(YearMonth periodStart, Instant periodEnd, long amountNanoUsd, long discountedSoFarNanoUsd,
      long projectedNanoUsd, long projectedUnusedNanoUsd) {
    public boolean underUsed() {
      return projectedUnusedNanoUsd > 0;
    }
  }

  public static Optional<Outlook> outlook(Commitment commitment, long discountedSoFarNanoUsd, Instant asOf) {
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
    long projected = elapsed <= 0 ? 0 : new BigDecimal(BigInteger.valueOf(discountedSoFarNanoUsd)
        .multiply(BigInteger.valueOf(whole))).divide(BigDecimal.valueOf(elapsed), 0, RoundingMode.HALF_EVEN)
        .longValueExact();
    return Optional.of(new Outlook(periodStart, to, commitment.getAmountNanoUsd(), discountedSoFarNanoUsd, projected,
        Math.max(0, commitment.getAmountNanoUsd() - projected)));
  }
}
