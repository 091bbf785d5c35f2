package io.tokenledger.pricing;

import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.SeriesKey;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A period's actual usage priced at a scenario: per (team, workflow, provider, model), what it cost
 * and what it would have cost. Read from the (team, workflow, provider, model) period ledger, so the
 * actual figures are the ledger's (late usage and corrections included). Models are named
 * {@code provider/model} or by the model alone (any provider); a name matches the ledger's model
 * as the catalog lists it or normalised ({@code gpt-4o} matches {@code gpt-4o-2024-08-06}). Rules,
 * applied to each 15-minute bucket:
 * <ol>
 *   <li>a move ({@code workflow:from->to}) prices the workflow's buckets of {@code from} at
 *       {@code to}'s price (the scenario's, else the catalog's in force then); a {@code to}
 *       without a provider keeps the bucket's provider;
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

  /**
   * Which models a change or a move names: {@code provider/model}, or a model of any provider. The
   * provider ends at the first '/', so an OpenRouter model is {@code openrouter/anthropic/claude-3.5-sonnet}.
   */
  public record Selector(ProviderModel named) {
    public static Selector parse(String text) {
      String name = text.strip().toLowerCase(java.util.Locale.ROOT);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a model is needed, e.g. openai/gpt-4o or gpt-4o");
      }
      return new Selector(ProviderModel.parse(name));
    }

    public boolean matches(ProviderModel model) {
      return (named.provider() == null || named.provider().equals(model.provider())) && model.isModel(named.model());
    }

    @Override
    public String toString() {
      return named.toString();
    }
  }

  /** {@code model:+10%} or {@code provider/model:-30%}: the model's cost scaled by that percent. */
  public record Change(Selector model, BigDecimal percent) {
    public static Change parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon < 0 || !text.endsWith("%")) {
        throw new IllegalArgumentException("a change is model:percent, e.g. openai/gpt-4o:-30%, not '" + text + "'");
      }
      BigDecimal percent = new BigDecimal(text.substring(colon + 1, text.length() - 1).strip());
      if (percent.compareTo(BigDecimal.valueOf(-100)) < 0) {
        throw new IllegalArgumentException("a price cannot fall by more than 100%: '" + text + "'");
      }
      return new Change(Selector.parse(text.substring(0, colon)), percent);
    }
  }

  /** {@code workflow:from->to}: the workflow's usage of one model moved to another. */
  public record Move(String workflow, Selector from, Selector to) {
    public static Move parse(String text) {
      int colon = text.indexOf(':');
      int arrow = text.indexOf("->");
      if (colon < 0 || arrow < colon) {
        throw new IllegalArgumentException("a move is workflow:from->to, e.g. "
            + "invoice-extraction:openai/gpt-4o->azure.ai.openai/gpt-4o-mini or invoice-extraction:gpt-4o->gpt-4o-mini, "
            + "not '" + text + "'");
      }
      return new Move(text.substring(0, colon).strip(), Selector.parse(text.substring(colon + 1, arrow)),
          Selector.parse(text.substring(arrow + 2)));
    }

    /** The model a bucket of {@code from} is priced as: {@code to}, with the bucket's provider if it names none. */
    ProviderModel target(ProviderModel from) {
      return to.named().hasProvider() ? to.named() : new ProviderModel(from.provider(), to.named().model());
    }
  }

  /** The scenario: prices (each for its provider and model), changes and moves. */
  public record Scenario(List<PriceVersion> prices, List<Change> changes, List<Move> moves) {
    /** The scenario's price of a model: listed for it exactly, else for its provider and normalised model. */
    Optional<PriceVersion> priceOf(ProviderModel model) {
      for (PriceVersion p : prices) {
        if (ProviderModel.of(p.getProvider(), p.getModel()).equals(model)) {
          return Optional.of(p);
        }
      }
      return prices.stream().filter(p -> (model.provider() == null || model.provider().equals(
          ProviderModel.of(p.getProvider(), p.getModel()).provider())) && model.isModel(p.getModel().strip()
          .toLowerCase(java.util.Locale.ROOT))).findFirst();
    }
  }

  /** One (team, workflow, provider/model) row: the model as used, the model it is priced as in the scenario. */
  public record Row(String team, String workflow, ProviderModel model, ProviderModel scenarioModel, long actualNanoUsd,
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
    Map<String, ProviderModel> names = new java.util.HashMap<>();
    // A version's price vectors are worked out once, not per bucket.
    Map<PriceVersion, PricedVersion> priced = new java.util.IdentityHashMap<>();
    for (UsageAggregate bucket : buckets) {
      SeriesKey series = SeriesKey.parse(bucket.getScope());
      ProviderModel model = series.providerModel();
      ProviderModel priceAs = model;
      long cost = bucket.getCostNanoUsd();
      Optional<Move> move = scenario.moves().stream()
          .filter(m -> m.workflow().equals(series.workflow()) && m.from().matches(model)).findFirst();
      if (move.isPresent()) {
        priceAs = move.get().target(model);
        cost = priced.computeIfAbsent(priceOf(priceAs, bucket, scenario, catalog), PricedVersion::of)
            .bucketNanoUsd(bucket);
      } else {
        Optional<PriceVersion> listed = scenario.priceOf(model);
        if (listed.isPresent()) {
          cost = priced.computeIfAbsent(listed.get(), PricedVersion::of).bucketNanoUsd(bucket);
        }
      }
      for (Change change : scenario.changes()) {
        if (change.model().matches(priceAs)) {
          cost = BigDecimal.valueOf(cost).multiply(BigDecimal.valueOf(100).add(change.percent()))
              .divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_EVEN).longValueExact();
        }
      }
      names.put(model.toString(), model);
      names.put(priceAs.toString(), priceAs);
      long[] row = sums.computeIfAbsent(new RowKey(series.team(), series.workflow(), model.toString(),
          priceAs.toString()), k -> new long[2]);
      row[0] = Math.addExact(row[0], bucket.getCostNanoUsd());
      row[1] = Math.addExact(row[1], cost);
    }
    List<Row> rows = new ArrayList<>();
    sums.forEach((key, s) -> rows.add(new Row(key.team(), key.workflow(), names.get(key.model()),
        names.get(key.priceAs()), s[0], s[1])));
    return rows;
  }

  private static PriceVersion priceOf(ProviderModel model, UsageAggregate bucket, Scenario scenario,
      PriceBook catalog) {
    return scenario.priceOf(model).or(() -> catalog.priceOf(model, bucket.getWindowStart().toEpochMilli()))
        .orElseThrow(() -> new IllegalArgumentException("no price of " + model + " in force at "
            + bucket.getWindowStart() + " to move usage to; set one in the catalog or give it in the scenario's prices"));
  }
}
