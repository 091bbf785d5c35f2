package io.tokenledger.reconciliation;

import io.tokenledger.pricing.CostSplit;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PricedVersion;
import io.tokenledger.pricing.Rates;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.tokens.TokenKind;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Our side: the (team, workflow, model) period ledger summed into cells, and per team. A
 * bucket's cost is split by token type at the prices of its tier ({@link CostSplit}), so the
 * cells of a day sum to the ledger's day; the ledger holds its corrections, so do the cells.
 */
public final class LedgerCells {
  /** One cell's figures: tokens, cost (USD, exact), events, and tokens per team. */
  static final class Figures {
    long tokens;
    BigDecimal cost = BigDecimal.ZERO;
    long events;
    final Map<String, Long> byTeam = new TreeMap<>();
  }

  /** Tokens per team, for naming who a difference is of. */
  record TeamCell(Cell.Group group, String team) {}

  /** One bucket's part of one cell and team: what is added (or, for a bucket's earlier total, taken off). */
  public record Contribution(Cell cell, String team, long tokens, long nanoUsd, long events) {
    public Contribution minus(Contribution earlier) {
      return new Contribution(cell, team, Math.subtractExact(tokens, earlier.tokens),
          Math.subtractExact(nanoUsd, earlier.nanoUsd), Math.subtractExact(events, earlier.events));
    }

    public boolean isZero() {
      return tokens == 0 && nanoUsd == 0 && events == 0;
    }
  }

  final Map<Cell, Figures> cells = new TreeMap<>();
  final Map<TeamCell, Long> teamTokens = new HashMap<>();
  /** Buckets kept before figures named their provider: they cannot be matched with any bill. */
  long unqualifiedBuckets;

  private LedgerCells() {}

  /**
   * A bucket's parts, one per billed type it has (reasoning counted with output); none for a
   * bucket whose provider was not recorded. Each part carries the bucket's events (a bound, not a count).
   */
  public static List<Contribution> contributions(UsageAggregate b, PriceBook catalog) {
    SeriesKey series = SeriesKey.parse(b.getScope());
    if (series.provider() == null) {
      return List.of();
    }
    Instant start = b.getWindowStart();
    Optional<PricedVersion> price = catalog.pricedOf(series.providerModel().entry(), start.toEpochMilli());
    Optional<Rates> rates = price.map(p -> p.forTier(series.serviceTier()));
    long[] tokens = TokenKind.tokens(b);
    long[] split = CostSplit.byKind(tokens, rates, b.getCostNanoUsd());
    String day = start.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    Map<Cell, long[]> parts = new LinkedHashMap<>();
    for (TokenKind kind : TokenKind.ALL) {
      int k = kind.ordinal();
      if (tokens[k] == 0 && split[k] == 0) {
        continue;
      }
      Cell cell = new Cell(day, series.provider(), series.model(), series.serviceTier(), BilledType.of(kind));
      long[] sums = parts.computeIfAbsent(cell, c -> new long[2]);
      sums[0] = Math.addExact(sums[0], tokens[k]);
      sums[1] = Math.addExact(sums[1], split[k]);
    }
    List<Contribution> out = new ArrayList<>();
    parts.forEach((cell, sums) -> out.add(new Contribution(cell, series.team(), sums[0], sums[1], b.getEventCount())));
    return out;
  }

  /** The cells of the ledger's buckets that start in [from, to). */
  public static LedgerCells of(Iterable<UsageAggregate> buckets, PriceBook catalog, Instant from, Instant to) {
    LedgerCells out = new LedgerCells();
    for (UsageAggregate b : buckets) {
      Instant start = b.getWindowStart();
      if (start.isBefore(from) || !start.isBefore(to)) {
        continue;
      }
      if (SeriesKey.parse(b.getScope()).provider() == null) {
        out.unqualifiedBuckets++;
        continue;
      }
      contributions(b, catalog).forEach(out::add);
    }
    return out;
  }

  /** Cells from parts already summed (as a store keeps them). */
  public static LedgerCells of(Iterable<Contribution> summed) {
    LedgerCells out = new LedgerCells();
    summed.forEach(out::add);
    return out;
  }

  private void add(Contribution c) {
    Figures f = cells.computeIfAbsent(c.cell(), x -> new Figures());
    f.tokens = Math.addExact(f.tokens, c.tokens());
    f.cost = f.cost.add(NanoUsd.toUsd(c.nanoUsd()));
    f.events += c.events();
    f.byTeam.merge(c.team(), c.tokens(), Math::addExact);
    teamTokens.merge(new TeamCell(c.cell().group(), c.team()), c.tokens(), Math::addExact);
  }
}
