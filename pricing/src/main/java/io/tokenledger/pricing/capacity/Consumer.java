package io.tokenledger.pricing.capacity;

import java.util.Comparator;

/** Who a pool's cost is allocated to: a team's workflow. Ordered by team, then workflow. */
public record Consumer(String team, String workflow) implements Comparable<Consumer> {
  private static final Comparator<Consumer> ORDER = Comparator.comparing(Consumer::team)
      .thenComparing(Consumer::workflow);

  @Override
  public int compareTo(Consumer other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return team + " / " + workflow;
  }
}
