package io.tokenledger.pricing;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ModelNames;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A period's actual usage priced at a scenario: per (team, workflow, model), what it cost and
 * what it would have cost. Read from the (team, workflow, model) period ledger, so the actual
 * figures are the ledger's (late usage and corrections included). Rules, applied to each
 * 15-minute bucket:
 * <ol>
 *   <li>a move ({@code workflow:from->to}) prices the workflow's buckets of {@code from} at
 *       {@code to}'s price (the scenario's, else the catalog's in force then);
 *   <li>otherwise a model the scenario lists is priced at the scenario's price;
 *   <li>then a change ({@code model:-30%}) scales the bucket's scenario cost of that model;
 *   <li>everything else costs what it cost.
 * </ol>
 * Re-priced buckets are the bucket's tokens at the base prices, rounded half-up once per bucket
 * (as a correction is); a change rounds half-even once per bucket. Long-context tiers are not
 * applied to re-priced buckets (the ledger keeps no event sizes).
 */
public final class WhatIf {
  private WhatIf() {}

  /** {@code model:+10%} or {@code provider/model:-30%}: the model's cost scaled by that percent. */
  public record Change(String model, BigDecimal percent) {
    public static Change parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || !text.endsWith("%")) {
        throw new IllegalArgumentException("a change is model:percent, e.g. openai/gpt-4o:-30%, not '" + text + "'");
      }
      BigDecimal percent = new BigDecimal(text.substring(colon + 1, text.length() - 1).strip());
      if (percent.compareTo(BigDecimal.valueOf(-100)) < 0) {
        throw new IllegalArgumentException("a price cannot fall by more than 100%: '" + text + "'");
      }
      return new Change(canonical(text.substring(0, colon)), percent);
    }
  }

  /** {@code workflow:from->to}: the workflow's usage of one model moved to another. */
  public record Move(String workflow, String from, String to) {
    public static Move parse(String text) {
      int colon = text.indexOf(':');
      int arrow = text.indexOf("->");
      if (colon < 0 || arrow < colon) {
        throw new IllegalArgumentException("a move is workflow:from->to, e.g. invoice-extraction:gpt-4o->gpt-4o-mini, "
            + "not '" + text + "'");
      }
      return new Move(text.substring(0, colon).strip(), canonical(text.substring(colon + 1, arrow)),
          canonical(text.substring(arrow + 2)));
    }
  }

  /** The scenario: prices by canonical model, changes and moves. */
  public record Scenario(Map<String, PriceVersion> prices, List<Change> changes, List<Move> moves) {}

  /** One (team, workflow, model) row: the model as used, the model it is priced as in the scenario. */
  public record Row(String team, String workflow, String model, String scenarioModel, long actualNanoUsd,
      long scenarioNanoUsd) {
    public long differenceNanoUsd() {
      return scenarioNanoUsd - actualNanoUsd;
    }
  }

  /** A row's identity; names may hold any printable character, so it is never a joined string. */
  private record RowKey(String team, String workflow, String model, String priceAs) {
    static final java.util.Comparator<RowKey> ORDER = java.util.Comparator.comparing(RowKey::team)
        .thenComparing(RowKey::workflow).thenComparing(RowKey::model).thenComparing(RowKey::priceAs);
  }

  public static List<Row> price(Iterable<UsageAggregate> buckets, Scenario scenario, PriceBook catalog) {
    Map<RowKey, long[]> sums = new TreeMap<>(RowKey.ORDER);
    for (UsageAggregate bucket : buckets) {
      SeriesKey series = SeriesKey.parse(bucket.getScope());
      String model = series.model();
      String priceAs = model;
      long cost = bucket.getCostNanoUsd();
      Optional<Move> move = scenario.moves().stream()
          .filter(m -> m.workflow().equals(series.workflow()) && m.from().equals(model)).findFirst();
      if (move.isPresent()) {
        priceAs = move.get().to();
        cost = Cost.bucketNanoUsd(bucket, priceOf(priceAs, bucket, scenario, catalog));
      } else if (scenario.prices().containsKey(model)) {
        cost = Cost.bucketNanoUsd(bucket, scenario.prices().get(model));
      }
      for (Change change : scenario.changes()) {
        if (change.model().equals(priceAs)) {
          cost = BigDecimal.valueOf(cost).multiply(BigDecimal.valueOf(100).add(change.percent()))
              .divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_EVEN).longValueExact();
        }
      }
      long[] row = sums.computeIfAbsent(new RowKey(series.team(), series.workflow(), model, priceAs), k -> new long[2]);
      row[0] = Math.addExact(row[0], bucket.getCostNanoUsd());
      row[1] = Math.addExact(row[1], cost);
    }
    List<Row> rows = new ArrayList<>();
    sums.forEach((key, s) -> rows.add(new Row(key.team(), key.workflow(), key.model(), key.priceAs(), s[0], s[1])));
    return rows;
  }

  private static PriceVersion priceOf(String model, UsageAggregate bucket, Scenario scenario, PriceBook catalog) {
    PriceVersion listed = scenario.prices().get(model);
    if (listed != null) {
      return listed;
    }
    return catalog.priceOfModel(model, bucket.getWindowStart().toEpochMilli()).orElseThrow(() ->
        new IllegalArgumentException("no single price of " + model + " in force at " + bucket.getWindowStart()
            + " to move usage to; give it in the scenario's prices"));
  }

  /** A model as the ledgers name it: normalised, without a provider. */
  private static String canonical(String text) {
    return ModelNames.normalise(text.strip());
  }
}
