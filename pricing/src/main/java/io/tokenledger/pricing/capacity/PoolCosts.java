package io.tokenledger.pricing.capacity;

import io.tokenledger.schemas.CapacityPool;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a pool costs and can serve over a span of time, from its effective-dated versions: each
 * version holds from its effective_from until the next one, and costs its hourly rate times its
 * units per second held, or its monthly cost times the share of each calendar month (UTC) it
 * holds. The parts are summed as exact fractions and rounded once, half-even, to the nano-USD.
 */
public final class PoolCosts {
  private static final BigInteger SECONDS_PER_HOUR = BigInteger.valueOf(3600);

  private final List<CapacityPool> versions;

  /** @param versions every version of one pool, in any order */
  public PoolCosts(List<CapacityPool> versions) {
    this.versions = versions.stream().sorted(Comparator.comparing(CapacityPool::getEffectiveFrom)).toList();
  }

  public String poolId() {
    return versions.get(0).getPoolId();
  }

  /** The oldest version. */
  public CapacityPool first() {
    return versions.get(0);
  }

  /** The version in force at {@code at}, if any. */
  public Optional<CapacityPool> at(Instant at) {
    CapacityPool inForce = null;
    for (CapacityPool version : versions) {
      if (!version.getEffectiveFrom().isAfter(at)) {
        inForce = version;
      }
    }
    return Optional.ofNullable(inForce);
  }

  /** The parts of {@code [from, to)} each version holds, oldest first. */
  public List<Held> held(Instant from, Instant to) {
    List<Held> parts = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      Instant start = max(from, versions.get(i).getEffectiveFrom());
      Instant end = i + 1 < versions.size() ? min(to, versions.get(i + 1).getEffectiveFrom()) : to;
      if (start.isBefore(end)) {
        parts.add(new Held(versions.get(i), start, end));
      }
    }
    return parts;
  }

  /** The pool's cost over {@code [from, to)}, nano-USD, rounded once. */
  public long cost(Instant from, Instant to) {
    Fraction total = Fraction.ZERO;
    for (Held part : held(from, to)) {
      total = total.plus(part.cost());
    }
    return total.roundHalfEven();
  }

  /**
   * What the pool can serve over {@code [from, to)} in its measure's units, or empty when a
   * version held in it does not say (its capacity is then unknown for the whole span).
   */
  public Optional<Long> capacity(Instant from, Instant to) {
    long units = 0;
    for (Held part : held(from, to)) {
      Long perSecond = part.version().getCapacityTokensPerSecond();
      if (perSecond == null) {
        return Optional.empty();
      }
      units = Math.addExact(units, Math.multiplyExact(perSecond, part.seconds()));
    }
    return Optional.of(units);
  }

  /** A part of a span that one version holds. */
  public record Held(CapacityPool version, Instant from, Instant to) {
    public long seconds() {
      return Duration.between(from, to).toSeconds();
    }

    /** Its cost as an exact fraction of a nano-USD. */
    Fraction cost() {
      if (version.getHourlyCostNanoUsd() != null) {
        return new Fraction(BigInteger.valueOf(version.getHourlyCostNanoUsd()).multiply(BigInteger.valueOf(version.getUnits()))
            .multiply(BigInteger.valueOf(seconds())), SECONDS_PER_HOUR);
      }
      Fraction sum = Fraction.ZERO;
      YearMonth month = YearMonth.from(from.atZone(ZoneOffset.UTC));
      while (month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(to)) {
        Instant monthStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        long held = Duration.between(max(from, monthStart), min(to, monthEnd)).toSeconds();
        sum = sum.plus(new Fraction(BigInteger.valueOf(version.getMonthlyCostNanoUsd()).multiply(BigInteger.valueOf(held)),
            BigInteger.valueOf(Duration.between(monthStart, monthEnd).toSeconds())));
        month = month.plusMonths(1);
      }
      return sum;
    }
  }

  /** An exact non-negative fraction: the parts of a cost are summed before the one rounding. */
  record Fraction(BigInteger numerator, BigInteger denominator) {
    static final Fraction ZERO = new Fraction(BigInteger.ZERO, BigInteger.ONE);

    Fraction plus(Fraction other) {
      BigInteger n = numerator.multiply(other.denominator).add(other.numerator.multiply(denominator));
      BigInteger d = denominator.multiply(other.denominator);
      BigInteger gcd = n.gcd(d);
      return gcd.signum() == 0 ? ZERO : new Fraction(n.divide(gcd), d.divide(gcd));
    }

    long roundHalfEven() {
      return new java.math.BigDecimal(numerator).divide(new java.math.BigDecimal(denominator), 0,
          java.math.RoundingMode.HALF_EVEN).longValueExact();
    }
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
