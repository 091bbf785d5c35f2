package io.tokenledger.aggregation.query;

import io.tokenledger.schemas.ledger.LedgerBuckets;

import io.tokenledger.schemas.tokens.TotalTokens;
import io.tokenledger.aggregation.pricing.PriceCatalogLoader;
import io.tokenledger.aggregation.pricing.AppliedCorrectionsLog;
import io.tokenledger.schemas.serde.AvroJson;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PricedVersion;
import io.tokenledger.schemas.models.ModelNames;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.tokens.TokenKind;
import io.tokenledger.pricing.PriceUnits;
import io.tokenledger.pricing.WhatIf;
import io.tokenledger.aggregation.window.FineTotals;
import io.tokenledger.aggregation.window.Aggregate;
import io.tokenledger.aggregation.window.Scope;
import io.tokenledger.aggregation.window.Totals;
import io.tokenledger.aggregation.window.WindowRanges;
import io.tokenledger.platform.query.QueryAnswer;
import io.tokenledger.platform.query.QueryRequest;
import io.tokenledger.platform.query.QueryRouter;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import io.tokenledger.schemas.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Answers usage questions from the state stores with interactive queries (IQv2), routed to
 * the instance that owns the key by {@link QueryRouter}. Figures are as of the owner's last
 * commit.
 */
public final class UsageQueries {
  private final KafkaStreams streams;
  private final QueryRouter router;

  private final SeriesFreshness fresh;

  public UsageQueries(QueryRouter router) {
    this.streams = router.streams();
    this.router = router;
    this.fresh = new SeriesFreshness(streams, AggregateView.SERIES.storeName("1m"));
  }

  /** Spend and tokens of one scope's windows of one size whose start lies in [from, to]. */
  public QueryAnswer windows(QueryRequest request) {
    Map<String, String> params = request.params();
    AggregateView view = AggregateView.fromUrl(required(params, "scope"));
    String key = required(params, "key");
    boolean perTeam = view == AggregateView.TEAM || view == AggregateView.SERIES;
    if (perTeam ? !request.caller().reads(view.routingKey(key)) : !request.caller().readsAll()) {
      return request.forbidden(router, perTeam ? "team '" + view.routingKey(key) + "'" : "figures per " + view.urlName
          + " across teams");
    }
    WindowsAsked asked = WindowsAsked.of(params);
    String window = asked.window();
    Duration size = asked.size();
    Instant from = asked.from();
    Instant to = asked.to();
    String store = view.storeName(window);
    return router.route(store, view.routingKey(key), request, partition -> {
      List<KeyValue<Long, Totals>> found = fetch(store, key, partition, from, to, view.holdsFineTotals(window));
      if (view == AggregateView.SERIES && !view.holdsFineTotals(window)) {
        found = withOpenMinutes(found, key, partition, from, to, size);
      }
      List<Map<String, Object>> windows = new ArrayList<>();
      Totals sum = new Totals();
      for (KeyValue<Long, Totals> w : found) {
        windows.add(figures(WindowRanges.toAggregate(view.scope, key, w.key, size.toMillis(), w.value, false)));
        sum.add(w.value);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("scope", view.urlName);
      body.put("key", key);
      body.put("window", window);
      body.put("from", from.toString());
      body.put("to", to.toString());
      body.put("total", figures(WindowRanges.toAggregate(view.scope, key, from.toEpochMilli(), 0, sum, false)));
      body.put("windows", windows);
      return router.answer(200, body);
    });
  }

  /**
   * Every key of one scope with windows of one size starting in [from, to]: its total and its
   * windows, for tables and charts of spend over time. Gathered from every instance; a team key
   * gets its own team's rows (team and team-workflow-model scopes), figures per model or per
   * workflow across teams need a read-all key.
   */
  public QueryAnswer breakdown(QueryRequest request) {
    Map<String, String> params = request.params();
    AggregateView view = AggregateView.fromUrl(params.getOrDefault("scope", "team"));
    boolean perTeam = view == AggregateView.TEAM || view == AggregateView.SERIES;
    if (!perTeam && !request.caller().readsAll()) {
      return request.forbidden(router, "figures per " + view.urlName + " across teams");
    }
    WindowsAsked asked = WindowsAsked.of(params);
    String window = asked.window();
    Duration size = asked.size();
    Instant from = asked.from();
    Instant to = asked.to();
    String store = view.storeName(window);
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("scope", view.urlName);
    header.put("window", window);
    header.put("from", from.toString());
    header.put("to", to.toString());
    String provider = params.get("provider");
    if (provider != null && view != AggregateView.SERIES && view != AggregateView.MODEL) {
      throw new IllegalArgumentException("provider= filters the scopes that have a provider: team-workflow-model "
          + "and model");
    }
    java.util.function.Predicate<String> readable = key -> (!perTeam || request.caller().reads(view.routingKey(key)))
        && (provider == null || view.providerOf(key).filter(provider.strip().toLowerCase(Locale.ROOT)::equals)
            .isPresent());
    return router.gather(store, request, "rows", () -> localBreakdown(view, window, from, to, readable).entrySet()
        .stream().map(e -> row(view, e.getKey(), from, size, e.getValue())).toList(), header);
  }

  /**
   * This instance's windows of every key {@code readable} accepts, by key (sorted), then by window
   * start. Keys the caller may not read are passed over in the scan, never held.
   */
  private Map<String, java.util.TreeMap<Long, Totals>> localBreakdown(AggregateView view, String window,
      Instant from, Instant to, java.util.function.Predicate<String> readable) {
    String store = view.storeName(window);
    boolean fine = view.holdsFineTotals(window);
    Map<String, java.util.TreeMap<Long, Totals>> byKey = new java.util.TreeMap<>();
    int[] held = {0};
    forEachLocalWindow(store, from, to, (Windowed<String> w, Object value) -> {
      if (!readable.test(w.key())) {
        return;
      }
      if (++held[0] > MAX_WINDOWS) {
        throw new IllegalArgumentException("the answer would hold more than " + MAX_WINDOWS + " windows; narrow "
            + "from/to or use a larger window");
      }
      byKey.computeIfAbsent(w.key(), k -> new java.util.TreeMap<>())
          .put(w.window().start(), fine ? ((FineTotals) value).current() : (Totals) value);
    });
    if (view == AggregateView.SERIES && !fine) {
      fresh.addTo(byKey, null, readable, from, to, AggregateView.WINDOWS.get(window), Instant.now());
    }
    return byKey;
  }

  /** A series' hour or day windows with what its open minutes hold beyond them ({@link SeriesFreshness}). */
  private List<KeyValue<Long, Totals>> withOpenMinutes(List<KeyValue<Long, Totals>> windows, String key, int partition,
      Instant from, Instant to, Duration size) {
    Map<String, java.util.TreeMap<Long, Totals>> byKey = new java.util.HashMap<>();
    java.util.TreeMap<Long, Totals> starts = byKey.computeIfAbsent(key, k -> new java.util.TreeMap<>());
    windows.forEach(w -> starts.put(w.key, w.value));
    fresh.addTo(byKey, partition, key, from, to, size, Instant.now());
    List<KeyValue<Long, Totals>> merged = new ArrayList<>();
    starts.forEach((start, totals) -> merged.add(KeyValue.pair(start, totals)));
    return merged;
  }

  private static Map<String, Object> row(AggregateView view, String key, Instant from, Duration size,
      java.util.TreeMap<Long, Totals> windows) {
    Totals sum = new Totals();
    List<Map<String, Object>> listed = new ArrayList<>();
    windows.forEach((start, totals) -> {
      sum.add(totals);
      listed.add(figures(WindowRanges.toAggregate(view.scope, key, start, size.toMillis(), totals, false)));
    });
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("key", key);
    UsageAggregate.Builder named = UsageAggregate.newBuilder();
    view.scope.describe(key, named);
    putIfNamed(row, "team", named.getTeam());
    putIfNamed(row, "workflow", named.getWorkflow());
    if (named.getModel() != null) {
      row.put("provider", named.getProvider()); // null: kept before figures were provider-qualified
      row.put("model", named.getModel());
      row.put("service_tier", named.getServiceTier()); // null: the standard tier
    }
    row.put("total", figures(WindowRanges.toAggregate(view.scope, key, from.toEpochMilli(), 0, sum, false)));
    row.put("windows", listed);
    return row;
  }

  private static void putIfNamed(Map<String, Object> row, String name, String value) {
    if (value != null) {
      row.put(name, value);
    }
  }

  /**
   * The price catalog: every version, each with whether it is in force at {@code at} (default
   * now). Prices are no team's secret: any read key may read them.
   */
  public QueryAnswer prices(QueryRequest request) {
    Instant at = instant(request.params(), "at", Instant.now());
    PriceBook book = new PriceBook();
    List<PriceVersion> versions = new ArrayList<>();
    ReadOnlyKeyValueStore<String, PriceVersion> store = streams.store(StoreQueryParameters.fromNameAndType(
        PriceCatalogLoader.STORE, QueryableStoreTypes.<String, PriceVersion>keyValueStore()));
    try (KeyValueIterator<String, PriceVersion> all = store.all()) {
      all.forEachRemaining(kv -> {
        versions.add(kv.value);
        book.put(kv.value);
      });
    }
    versions.sort(java.util.Comparator.comparing((PriceVersion p) -> p.getProvider() + "/" + p.getModel())
        .thenComparing(PriceVersion::getEffectiveFrom));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PriceVersion p : versions) {
      boolean inForce = book.priceAt(p.getProvider(), p.getModel(), at.toEpochMilli())
          .map(current -> current.getEffectiveFrom().equals(p.getEffectiveFrom())).orElse(false);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("key", PriceBook.catalogKey(p));
      r.put("provider", p.getProvider());
      r.put("model", p.getModel());
      r.put("effective_from", p.getEffectiveFrom().toString());
      r.put("in_force", inForce);
      r.put("currency", p.getCurrency());
      r.put("unit", PriceUnits.UNIT);
      // Every kind, exactly (a price finer than a micro-USD per 1M shows all its digits).
      PricedVersion priced = PricedVersion.of(p);
      for (TokenKind kind : TokenKind.ALL) {
        r.put(kind.wireName(), PriceUnits.usdPerMillion(priced.base().usdPerMillion(kind)));
      }
      Map<String, Object> tiers = new LinkedHashMap<>();
      p.getServiceTiers().forEach(t -> tiers.put(t.getTier(), PriceUnits.usdPerMillion(t.getUncachedInputMicroUsdPerMtok())
          + " in / " + PriceUnits.usdPerMillion(t.getOutputMicroUsdPerMtok()) + " out"));
      r.put("service_tiers", tiers);
      r.put("long_context", p.getLongContextTier() == null ? null : "above "
          + p.getLongContextTier().getAboveInputTokens() + " input tokens: "
          + PriceUnits.usdPerMillion(p.getLongContextTier().getUncachedInputMicroUsdPerMtok()) + " in / "
          + PriceUnits.usdPerMillion(p.getLongContextTier().getOutputMicroUsdPerMtok()) + " out");
      r.put("set_by", p.getSetBy());
      r.put("source", p.getSource());
      rows.add(r);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("at", at.toString());
    body.put("prices", rows);
    return router.answer(200, body);
  }

  /**
   * A team's spend and tokens from the start of the calendar day, week (Monday) or month that
   * contains {@code at}, in a time zone, up to the 15-minute bucket containing {@code at}. Read
   * from the period ledger, so late events are included. {@code provider=} narrows the figures to
   * one provider's models; {@code by=provider} or {@code by=model} adds them per provider or per
   * provider and model ({@code provider/model}), from the team's (team, workflow, provider, model)
   * ledger in the same partition.
   */
  public QueryAnswer periodToDate(QueryRequest request) {
    Map<String, String> params = request.params();
    String team = required(params, "team");
    if (!request.caller().reads(team)) {
      return request.forbidden(router, "team '" + team + "'");
    }
    BudgetPeriod period = BudgetPeriod.valueOf(params.getOrDefault("period", "month").toUpperCase(Locale.ROOT));
    ZoneId zone = ZoneId.of(params.getOrDefault("zone", "UTC"));
    Instant at = instant(params, "at", Instant.now());
    CalendarPeriods.Period bounds = CalendarPeriods.containing(period, zone, at);
    String provider = params.containsKey("provider") ? params.get("provider").strip().toLowerCase(Locale.ROOT) : null;
    String by = params.get("by");
    if (by != null && !by.equals("provider") && !by.equals("model")) {
      throw new IllegalArgumentException("by= is 'provider' or 'model' (provider/model), not '" + by + "'");
    }
    return router.route(Aggregate.TEAM_LEDGER.store(), team, request, partition -> {
      Totals sum = new Totals();
      Map<String, Totals> groups = new java.util.TreeMap<>();
      if (provider == null) {
        for (KeyValue<Long, Totals> bucket : fetch(Aggregate.TEAM_LEDGER.store(), team, partition, bounds.start(), at,
            false)) {
          sum.add(bucket.value);
        }
      }
      if (provider != null || by != null) {
        seriesBuckets(team, partition, bounds.start(), at, (series, totals) -> {
          if (provider != null && !provider.equals(series.provider())) {
            return;
          }
          if (provider != null) {
            sum.add(totals);
          }
          if (by != null) {
            // "" groups figures kept before they were provider-qualified: no provider recorded
            String group = by.equals("provider") ? (series.provider() == null ? "" : series.provider())
                : series.providerModel().toString();
            groups.computeIfAbsent(group, g -> new Totals()).add(totals);
          }
        });
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("team", team);
      body.put("period", period.name().toLowerCase(Locale.ROOT));
      body.put("zone", zone.getId());
      body.put("period_start", bounds.start().toString());
      body.put("period_end", bounds.end().toString());
      body.put("at", at.toString());
      body.put("includes_late_events", true);
      if (provider != null) {
        body.put("provider", provider);
      }
      long length = bounds.end().toEpochMilli() - bounds.start().toEpochMilli();
      body.put("total", figures(WindowRanges.toAggregate(Scope.TEAM, team, bounds.start().toEpochMilli(), length, sum,
          false)));
      if (by != null) {
        List<Map<String, Object>> rows = new ArrayList<>();
        groups.forEach((group, totals) -> {
          Map<String, Object> row = new LinkedHashMap<>();
          ProviderModel named = ProviderModel.parse(group);
          row.put("provider", by.equals("provider") ? (group.isEmpty() ? null : group) : named.provider());
          if (by.equals("model")) {
            row.put("model", named.model());
            row.put("service_tier", named.serviceTier());
          }
          row.putAll(figures(WindowRanges.toAggregate(Scope.TEAM, team, bounds.start().toEpochMilli(), length, totals,
              false)));
          rows.add(row);
        });
        body.put("by_" + by, rows);
      }
      return router.answer(200, body);
    });
  }

  /**
   * Every 15-minute bucket of one team's (team, workflow, provider, model) ledger starting in
   * [from, to], from the partition that holds the team.
   */
  private void seriesBuckets(String team, int partition, Instant from, Instant to,
      java.util.function.BiConsumer<SeriesKey, Totals> each) {
    StateQueryResult<KeyValueIterator<Windowed<String>, Totals>> result = streams.query(StateQueryRequest
        .inStore(Aggregate.SERIES_LEDGER.store())
        .withQuery(WindowRangeQuery.<String, Totals>withWindowStartRange(from, to))
        .withPartitions(Set.of(partition)).requireActive());
    QueryResult<KeyValueIterator<Windowed<String>, Totals>> found = result.getPartitionResults().get(partition);
    if (found == null || found.isFailure()) {
      throw new QueryRouter.NotHereException(found == null ? "no result"
          : found.getFailureReason() + " " + found.getFailureMessage());
    }
    try (KeyValueIterator<Windowed<String>, Totals> it = found.getResult()) {
      it.forEachRemaining(kv -> {
        if (SeriesKey.teamOf(kv.key.key()).equals(team)) {
          each.accept(SeriesKey.parse(kv.key.key()), kv.value);
        }
      });
    }
    Map<String, java.util.TreeMap<Long, Totals>> open = new java.util.HashMap<>();
    fresh.addTo(open, partition, key -> SeriesKey.teamOf(key).equals(team), from, to, LedgerBuckets.SIZE,
        Instant.now());
    open.forEach((key, buckets) -> buckets.values().forEach(totals -> each.accept(SeriesKey.parse(key), totals)));
  }

  /**
   * A month's usage of every team the key reads, priced at a scenario ({@link WhatIf}): {@code period=2026-11},
   * {@code zone}, {@code change=model:percent,...} and {@code move=workflow:from->to,...}. Each
   * instance prices its own teams' ledger buckets; the rows of all are gathered, then totalled.
   */
  public QueryAnswer whatIf(QueryRequest request) {
    Map<String, String> params = request.params();
    YearMonth month = YearMonth.parse(required(params, "period"));
    ZoneId zone = ZoneId.of(params.getOrDefault("zone", "UTC"));
    Instant from = month.atDay(1).atStartOfDay(zone).toInstant();
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    WhatIf.Scenario scenario = new WhatIf.Scenario(List.of(),
        list(params.get("change")).stream().map(WhatIf.Change::parse).toList(),
        list(params.get("move")).stream().map(WhatIf.Move::parse).toList());
    // A team key gets its own team's rows; a read-all key every team's.
    QueryAnswer gathered = router.gather(Aggregate.SERIES_LEDGER.store(), request, "rows",
        () -> localWhatIf(from, to, scenario).stream().filter(r -> request.caller().reads((String) r.get("team")))
            .toList(), Map.of());
    if (gathered.status() != 200 || params.containsKey(QueryRouter.FORWARDED)) {
      return gathered;
    }
    try {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("period", month.toString());
      body.put("zone", zone.getId());
      List<Map<String, Object>> rows = new ArrayList<>();
      long actual = 0;
      long scenarioTotal = 0;
      for (com.fasterxml.jackson.databind.JsonNode row : new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(gathered.json()).path("rows")) {
        Map<String, Object> r = new LinkedHashMap<>();
        row.fields().forEachRemaining(f -> r.put(f.getKey(), f.getValue().isNumber() ? f.getValue().asLong()
            : f.getValue().asText()));
        actual += row.path("actual_nano_usd").asLong();
        scenarioTotal += row.path("scenario_nano_usd").asLong();
        rows.add(r);
      }
      body.put("actual_nano_usd", actual);
      body.put("scenario_nano_usd", scenarioTotal);
      body.put("difference_nano_usd", scenarioTotal - actual);
      body.put("difference_usd", NanoUsd.toUsd(scenarioTotal - actual).toPlainString());
      body.put("rows", rows);
      return router.answer(200, body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return router.unavailable("the gathered rows are not JSON: " + e.getMessage());
    }
  }

  private List<Map<String, Object>> localWhatIf(Instant from, Instant to, WhatIf.Scenario scenario) {
    PriceBook catalog = catalog();
    List<UsageAggregate> buckets = localLedgerBuckets(from, to);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (WhatIf.Row row : WhatIf.price(buckets, scenario, catalog)) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("team", row.team());
      r.put("workflow", row.workflow());
      r.put("provider", row.model().provider());
      r.put("model", row.model().model());
      r.put("scenario_provider", row.scenarioModel().provider());
      r.put("scenario_model", row.scenarioModel().model());
      r.put("actual_nano_usd", row.actualNanoUsd());
      r.put("scenario_nano_usd", row.scenarioNanoUsd());
      r.put("difference_nano_usd", row.differenceNanoUsd());
      rows.add(r);
    }
    return rows;
  }

  /**
   * A UTC month of the (team, workflow, model) period ledger as records, for programs that
   * render it (the FOCUS export): {@code period=2026-11}. Each item is {@code {"kind": "bucket" |
   * "correction" | "price", "record": <Avro JSON>}}: the 15-minute buckets starting in the month
   * (a bucket's cost includes every correction applied to it), every price correction applied to a
   * bucket of the month or made within it, and every catalog version of the buckets' models. A team key gets its own team's buckets and corrections; a read-all key
   * every team's. Corrections come from a global store of the applied-corrections topic.
   */
  public QueryAnswer ledger(QueryRequest request) {
    YearMonth month = YearMonth.parse(required(request.params(), "period"));
    Instant from = month.atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    return router.gather(Aggregate.SERIES_LEDGER.store(), request, "items",
        () -> localLedger(from, to, request.caller()::reads), Map.of("period", month.toString()));
  }

  /** This instance's buckets and corrections of the teams that {@code reads} accepts, and their models' prices. */
  private List<Map<String, Object>> localLedger(Instant from, Instant to, java.util.function.Predicate<String> reads) {
    java.util.function.Predicate<String> ownedHere = team -> {
      var owner = streams.queryMetadataForKey(Aggregate.SERIES_LEDGER.store(), team,
          org.apache.kafka.common.serialization.Serdes.String().serializer());
      return owner != null && router.servedBy().equals(owner.activeHost().host() + ":" + owner.activeHost().port());
    };
    List<Map<String, Object>> items = new ArrayList<>();
    // The catalog entries that priced the buckets (legacy buckets, with no provider, by model alone).
    java.util.Set<ProviderModel> models = new java.util.HashSet<>();
    for (UsageAggregate bucket : localLedgerBuckets(from, to)) {
      if (reads.test(SeriesKey.teamOf(bucket.getScope()))) {
        items.add(item("bucket", bucket));
        models.add(new ProviderModel(bucket.getProvider(), bucket.getModel()));
      }
    }
    Map<String, Boolean> owned = new java.util.HashMap<>();
    ReadOnlyKeyValueStore<String, io.tokenledger.schemas.PriceCorrection> applied = streams.store(
        StoreQueryParameters.fromNameAndType(AppliedCorrectionsLog.STORE, QueryableStoreTypes.keyValueStore()));
    try (KeyValueIterator<String, io.tokenledger.schemas.PriceCorrection> all = applied.all()) {
      all.forEachRemaining(kv -> {
        io.tokenledger.schemas.PriceCorrection c = kv.value;
        boolean ofTheMonth = !c.getBucketStart().isBefore(from) && c.getBucketStart().isBefore(to);
        boolean madeInTheMonth = !c.getCorrectedAt().isBefore(from) && c.getCorrectedAt().isBefore(to);
        if ((ofTheMonth || madeInTheMonth) && reads.test(c.getTeam())
            && owned.computeIfAbsent(c.getTeam(), ownedHere::test)) {
          items.add(item("correction", c));
          models.add(ProviderModel.of(c.getProvider(), c.getModel()));
        }
      });
    }
    ReadOnlyKeyValueStore<String, PriceVersion> prices = streams.store(StoreQueryParameters.fromNameAndType(
        PriceCatalogLoader.STORE, QueryableStoreTypes.<String, PriceVersion>keyValueStore()));
    try (KeyValueIterator<String, PriceVersion> all = prices.all()) {
      all.forEachRemaining(kv -> {
        ProviderModel entry = ProviderModel.of(
            kv.value.getProvider(), kv.value.getModel());
        if (models.contains(entry) || models.contains(new ProviderModel(null,
            ModelNames.normalise(entry.model())))) {
          items.add(item("price", kv.value));
        }
      });
    }
    return items;
  }

  private static Map<String, Object> item(String kind, org.apache.avro.specific.SpecificRecord record) {
    try {
      return Map.of("kind", kind, "record", JSON.readTree(AvroJson.encode(record)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Avro wrote JSON that does not parse", e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private PriceBook catalog() {
    PriceBook catalog = new PriceBook();
    ReadOnlyKeyValueStore<String, PriceVersion> prices = streams.store(StoreQueryParameters.fromNameAndType(
        PriceCatalogLoader.STORE, QueryableStoreTypes.<String, PriceVersion>keyValueStore()));
    try (KeyValueIterator<String, PriceVersion> all = prices.all()) {
      all.forEachRemaining(kv -> catalog.put(kv.value));
    }
    return catalog;
  }

  /** This instance's period-ledger buckets (15 minutes, per team, workflow and model) starting in [from, to). */
  private List<UsageAggregate> localLedgerBuckets(Instant from, Instant to) {
    Map<String, java.util.TreeMap<Long, Totals>> byKey = new java.util.TreeMap<>();
    forEachLocalWindow(Aggregate.SERIES_LEDGER.store(), from, to.minusMillis(1), (Windowed<String> w, Totals value) ->
        byKey.computeIfAbsent(w.key(), k -> new java.util.TreeMap<>()).put(w.window().start(), value));
    fresh.addTo(byKey, null, key -> true, from, to.minusMillis(1), LedgerBuckets.SIZE, Instant.now());
    List<UsageAggregate> buckets = new ArrayList<>();
    long size = LedgerBuckets.SIZE.toMillis();
    byKey.forEach((key, starts) -> starts.forEach((start, totals) ->
        buckets.add(WindowRanges.toAggregate(Scope.SERIES, key, start, size, totals, false))));
    return buckets;
  }

  /** Every window starting in [from, to] of this instance's active partitions of a window store. */
  private <V> void forEachLocalWindow(String store, Instant from, Instant to,
      java.util.function.BiConsumer<Windowed<String>, V> each) {
    StateQueryResult<KeyValueIterator<Windowed<String>, V>> result = streams.query(StateQueryRequest.inStore(store)
        .withQuery(WindowRangeQuery.<String, V>withWindowStartRange(from, to)).requireActive());
    for (QueryResult<KeyValueIterator<Windowed<String>, V>> partition : result.getPartitionResults().values()) {
      if (partition.isFailure()) {
        if (partition.getFailureReason() == org.apache.kafka.streams.query.FailureReason.NOT_ACTIVE) {
          continue;
        }
        throw new QueryRouter.NotHereException(partition.getFailureReason() + " " + partition.getFailureMessage());
      }
      try (KeyValueIterator<Windowed<String>, V> it = partition.getResult()) {
        it.forEachRemaining(kv -> each.accept(kv.key, kv.value));
      }
    }
  }

  /**
   * Which windows a question asks for: their size ({@code window=1m|1h|1d}) and starts in
   * [from, to]. The range is capped per size ({@link #MAX_RANGE}), so that no read key can make an
   * instance scan and hold years of minute windows.
   */
  record WindowsAsked(String window, Duration size, Instant from, Instant to) {
    static WindowsAsked of(Map<String, String> params) {
      String window = params.getOrDefault("window", "1h");
      Duration size = AggregateView.WINDOWS.get(window);
      if (size == null) {
        throw new IllegalArgumentException("unknown window '" + window + "': use 1m, 1h or 1d");
      }
      Instant to = instant(params, "to", Instant.now());
      Instant from = instant(params, "from", to.minus(size.multipliedBy(24)));
      if (from.isAfter(to)) {
        throw new IllegalArgumentException("from (" + from + ") is after to (" + to + ")");
      }
      Duration limit = MAX_RANGE.get(window);
      if (Duration.between(from, to).compareTo(limit) > 0) {
        throw new IllegalArgumentException("from " + from + " to " + to + " is longer than the " + limit.toDays()
            + " days that windows of " + window + " are answered for at a time; ask in parts"
            + (window.equals("1d") ? "" : " or use a larger window"));
      }
      return new WindowsAsked(window, size, from, to);
    }
  }

  /** The longest from..to answered per window size. */
  public static final Map<String, Duration> MAX_RANGE = Map.of("1m", Duration.ofDays(2), "1h", Duration.ofDays(62),
      "1d", Duration.ofDays(400));

  /** The most windows one answer (of one instance) holds; past it the question is refused as too large. */
  public static final int MAX_WINDOWS = 200_000;

  private static List<String> list(String commaSeparated) {
    return commaSeparated == null || commaSeparated.isBlank() ? List.of()
        : java.util.Arrays.stream(commaSeparated.split(",")).map(String::strip).toList();
  }

  /** Windows of {@code key} starting in [from, to], from one partition's active store. */
  private List<KeyValue<Long, Totals>> fetch(String store, String key, int partition, Instant from, Instant to,
      boolean fine) {
    StateQueryRequest<WindowStoreIterator<Object>> request = StateQueryRequest.inStore(store)
        .withQuery(WindowKeyQuery.<String, Object>withKeyAndWindowStartRange(key, from, to))
        .withPartitions(Set.of(partition)).requireActive();
    StateQueryResult<WindowStoreIterator<Object>> result = streams.query(request);
    QueryResult<WindowStoreIterator<Object>> partitionResult = result.getPartitionResults().get(partition);
    if (partitionResult == null || partitionResult.isFailure()) {
      throw new QueryRouter.NotHereException(partitionResult == null ? "no result"
          : partitionResult.getFailureReason() + " " + partitionResult.getFailureMessage());
    }
    List<KeyValue<Long, Totals>> windows = new ArrayList<>();
    try (WindowStoreIterator<Object> it = partitionResult.getResult()) {
      it.forEachRemaining(kv -> windows.add(KeyValue.pair(kv.key,
          fine ? ((FineTotals) kv.value).current() : (Totals) kv.value)));
    }
    return windows;
  }

  /** The figures of one window or sum, money as exact integers and as an exact decimal string. */
  private static Map<String, Object> figures(UsageAggregate a) {
    Map<String, Object> f = new LinkedHashMap<>();
    if (a.getWindowEnd().isAfter(a.getWindowStart())) {
      f.put("window_start", a.getWindowStart().toString());
      f.put("window_end", a.getWindowEnd().toString());
    }
    f.put("event_count", a.getEventCount());
    f.put("request_count", a.getRequestCount());
    f.put("uncached_input_tokens", a.getUncachedInputTokens());
    f.put("cache_read_tokens", a.getCacheReadTokens());
    f.put("cache_write_tokens", a.getCacheWriteTokens());
    f.put("output_tokens", a.getOutputTokens());
    f.put("reasoning_tokens", a.getReasoningTokens());
    f.put("cache_write_1h_tokens", a.getCacheWrite1hTokens());
    f.put("audio_input_tokens", a.getAudioInputTokens());
    f.put("audio_output_tokens", a.getAudioOutputTokens());
    f.put("total_tokens", TotalTokens.of(a));
    f.put("cost_nano_usd", a.getCostNanoUsd());
    f.put("cost_usd", NanoUsd.toUsd(a.getCostNanoUsd()).toPlainString());
    f.put("unpriced_event_count", a.getUnpricedEventCount());
    f.put("outcome_units", a.getOutcomeUnits());
    return f;
  }

  private static String required(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing query parameter '" + name + "'");
    }
    return value;
  }

  private static Instant instant(Map<String, String> params, String name, Instant fallback) {
    String value = params.get(name);
    try {
      return value == null ? fallback : Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2026-11-02T12:00:00Z, not '"
          + value + "'");
    }
  }

}
