package io.tokenledger.pricing.capacity;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A pool's cost in a period, split between the usage it served and its idle capacity, and the
 * usage's part between its consumers, to the nano-USD:
 * <ol>
 *   <li>the usage's part is cost x used / capacity, rounded down (all of the cost when the usage
 *       fills the capacity or the capacity is not known and there is usage); idle is the rest, the
 *       owner's line;
 *   <li>each consumer gets the usage's part x its measure / the used measure, rounded down; the
 *       nano-USD left over (fewer than the consumers) go one each to the largest remainders, ties
 *       to the consumer first in key order (the largest-remainder method). So the lines always sum
 *       to the pool's cost exactly.
 * </ol>
 *
 * @param consumers the allocated cost per consumer key, in key order
 */
public record PoolAllocation<K extends Comparable<K>>(long costNanoUsd, Optional<Long> capacity, long used, long allocatedNanoUsd,
    long idleNanoUsd, Map<K, Long> consumers) {

  /**
   * @param measured each consumer's measure in the period (key order decides ties)
   * @param capacity the pool's capacity in the period, in the same units, if known
   */
  public static <K extends Comparable<K>> PoolAllocation<K> of(long costNanoUsd, Optional<Long> capacity,
      SortedMap<K, Long> measured) {
    long used = measured.values().stream().mapToLong(Long::longValue).sum();
    long allocated;
    if (used == 0) {
      allocated = 0;
    } else if (capacity.isEmpty() || used >= capacity.get()) {
      allocated = costNanoUsd;
    } else {
      allocated = BigInteger.valueOf(costNanoUsd).multiply(BigInteger.valueOf(used))
          .divide(BigInteger.valueOf(capacity.get())).longValueExact();
    }
    return new PoolAllocation<>(costNanoUsd, capacity, used, allocated, costNanoUsd - allocated,
        split(allocated, measured, used));
  }

  private static <K extends Comparable<K>> Map<K, Long> split(long amount, SortedMap<K, Long> measured, long used) {
    Map<K, Long> shares = new LinkedHashMap<>();
    if (used == 0) {
      measured.keySet().forEach(k -> shares.put(k, 0L));
      return shares;
    }
    record Part<K>(K key, long floor, BigInteger remainder) {}
    List<Part<K>> parts = new ArrayList<>();
    long given = 0;
    for (var entry : measured.entrySet()) {
      BigInteger[] division = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(entry.getValue()))
          .divideAndRemainder(BigInteger.valueOf(used));
      parts.add(new Part<>(entry.getKey(), division[0].longValueExact(), division[1]));
      given += division[0].longValueExact();
    }
    long left = amount - given;
    List<Part<K>> byRemainder = new ArrayList<>(parts);
    byRemainder.sort(Comparator.<Part<K>, BigInteger>comparing(Part::remainder).reversed()
        .thenComparing(Part::key));
    Map<K, Long> extra = new LinkedHashMap<>();
    for (int i = 0; i < left; i++) {
      extra.put(byRemainder.get(i).key(), 1L);
    }
    parts.forEach(p -> shares.put(p.key(), p.floor() + extra.getOrDefault(p.key(), 0L)));
    return shares;
  }

  /** The share of the capacity the usage used, exact; empty when the capacity is not known or is 0. */
  public Optional<java.math.BigDecimal> utilisation() {
    if (capacity.isEmpty() || capacity.get() == 0) {
      return Optional.empty();
    }
    return Optional.of(new java.math.BigDecimal(used).divide(new java.math.BigDecimal(capacity.get()),
        java.math.MathContext.DECIMAL64));
  }
}
