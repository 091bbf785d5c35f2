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
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Our side: the (team, workflow, model) period ledger's buckets (corrections included, as the
 * ledger holds them) summed into cells, and per team. A bucket's cost is split by token type at
 * the prices of its tier ({@link CostSplit}), so the cells of a day sum to the ledger's day.
 */
final class LedgerCells {
  /** One cell's figures: tokens, cost (USD, exact), events, and our price of a token (null when none). */
  static final class Figures {
    long tokens;
    BigDecimal cost = BigDecimal.ZERO;
    long events;
    BigDecimal unitPrice;
    /** Tokens per team. */
    final Map<String, Long> byTeam = new TreeMap<>();
  }

  /** Tokens per team, for naming who a difference is of. */
  record TeamCell(Cell.Group group, String team) {}

  final Map<Cell, Figures> cells = new TreeMap<>();
  final Map<TeamCell, Long> teamTokens = new HashMap<>();
  /** Buckets kept before figures named their provider: they cannot be matched with any bill. */
  long unqualifiedBuckets;

  static LedgerCells of(Iterable<UsageAggregate> buckets, PriceBook catalog, Instant from, Instant to) {
    LedgerCells out = new LedgerCells();
    for (UsageAggregate b : buckets) {
      Instant start = b.getWindowStart();
      if (start.isBefore(from) || !start.isBefore(to)) {
        continue;
      }
      SeriesKey series = SeriesKey.parse(b.getScope());
      if (series.provider() == null) {
        out.unqualifiedBuckets++;
        continue;
      }
      Optional<PricedVersion> price = catalog.pricedOf(series.providerModel().entry(), start.toEpochMilli());
      Optional<Rates> rates = price.map(p -> p.forTier(series.serviceTier()));
      long[] tokens = TokenKind.tokens(b);
      long[] split = CostSplit.byKind(tokens, rates, b.getCostNanoUsd());
      String day = start.atOffset(ZoneOffset.UTC).toLocalDate().toString();
      Cell.Group group = new Cell.Group(day, series.provider(), series.model());
      for (TokenKind kind : TokenKind.ALL) {
        int k = kind.ordinal();
        if (tokens[k] == 0 && split[k] == 0) {
          continue;
        }
        Cell cell = new Cell(day, series.provider(), series.model(), series.serviceTier(), BilledType.of(kind));
        Figures f = out.cells.computeIfAbsent(cell, c -> new Figures());
        f.tokens = Math.addExact(f.tokens, tokens[k]);
        f.cost = f.cost.add(NanoUsd.toUsd(split[k]));
        f.events += b.getEventCount();
        if (f.unitPrice == null && rates.isPresent()) {
          f.unitPrice = rates.get().usdPerMillion(kind).divide(BigDecimal.valueOf(1_000_000), MathContext.DECIMAL128);
        }
        f.byTeam.merge(series.team(), tokens[k], Math::addExact);
        out.teamTokens.merge(new TeamCell(group, series.team()), tokens[k], Math::addExact);
      }
    }
    return out;
  }

  private LedgerCells() {}
}
