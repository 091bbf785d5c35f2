package io.tokenledger.reconciliation;

import java.util.Comparator;

/**
 * What the reconciliation compares: one (UTC day, provider, model, service tier, billed token type)
 * of the ledger and of the bill. The tier is null for the standard tier.
 */
public record Cell(String day, String provider, String model, String tier, String type) implements Comparable<Cell> {
  private static final Comparator<String> NULLS_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());
  private static final Comparator<Cell> ORDER = Comparator.comparing(Cell::day).thenComparing(Cell::provider)
      .thenComparing(Cell::model).thenComparing(Cell::tier, NULLS_FIRST)
      .thenComparing(c -> BilledType.ALL.indexOf(c.type())).thenComparing(Cell::type);

  /** The (day, provider, model) the cell's tiers and types are compared within. */
  public Group group() {
    return new Group(day, provider, model);
  }

  /** A (day, provider, model): where tokens may have moved between tiers and cache types. */
  public record Group(String day, String provider, String model) implements Comparable<Group> {
    private static final Comparator<Group> ORDER = Comparator.comparing(Group::day).thenComparing(Group::provider)
        .thenComparing(Group::model);

    @Override
    public int compareTo(Group other) {
      return ORDER.compare(this, other);
    }
  }

  @Override
  public int compareTo(Cell other) {
    return ORDER.compare(this, other);
  }
}
