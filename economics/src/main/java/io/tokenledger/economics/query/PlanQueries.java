package io.tokenledger.economics.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.economics.figures.FiguresRollup;
import io.tokenledger.economics.plan.PlanAdvice;
import io.tokenledger.platform.query.QueryAnswer;
import io.tokenledger.platform.query.QueryRequest;
import io.tokenledger.platform.query.QueryRouter;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.plan.PlanOutlook;
import io.tokenledger.pricing.plan.Quarter;
import io.tokenledger.schemas.EconomicsVerdict;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.TokenPlan;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.topics.TeamPartitions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@code GET /v1/plan?quarter=2027-Q1&at=2027-02-03&team=T}: the quarter's token plan next to its
 * actuals and forecast ({@link PlanOutlook}), and the advice on it ({@link PlanAdvice}), as
 * {@code tokenledger plan show} and {@code plan advise} print them. Each team's lines are worked
 * out by the instance that owns its partition of the plan's ledger; each (team, workflow)'s
 * economics by the instance that owns its figures; the instance asked gathers both and advises.
 * {@code at} is the day actuals stop and the forecast starts (default: today, UTC); the quarter
 * defaults to the one holding it. A team key reads its team ({@code team=} its team): its lines
 * and the advice among them; without {@code team}, the whole company needs a read-all key.
 */
public final class PlanQueries {
  private static final String ITEMS = "items";
  private final QueryRouter router;
  private final KafkaStreams streams;
  private final EconomicsQueries economics;
  private final ObjectMapper json = new ObjectMapper();

  PlanQueries(QueryRouter router, EconomicsQueries economics) {
    this.router = router;
    this.streams = router.streams();
    this.economics = economics;
  }

  public QueryAnswer plan(QueryRequest request) {
    Map<String, String> params = request.params();
    LocalDate asOf = params.containsKey("at") ? day(params.get("at")) : LocalDate.now(ZoneOffset.UTC);
    Quarter quarter = params.containsKey("quarter") && !params.get("quarter").isBlank()
        ? Quarter.parse(params.get("quarter")) : Quarter.of(asOf);
    String team = params.get("team") == null || params.get("team").isBlank() ? null : params.get("team");
    if (team == null ? !request.caller().readsAll() : !request.caller().reads(team)) {
      return request.forbidden(router, team == null ? "the whole company's plan (give team="
          + request.caller().team() + ")" : "team '" + team + "'");
    }
    QueryAnswer gathered = router.gather(FiguresRollup.STORE, request, ITEMS, () -> local(quarter, asOf, team),
        Map.of());
    if (request.params().containsKey(QueryRouter.FORWARDED) || gathered.status() != 200) {
      return gathered;
    }
    List<PlanOutlook.Line> lines = new ArrayList<>();
    Map<String, PlanAdvice.AgentPath> paths = new HashMap<>();
    Map<String, String> pathMonths = new HashMap<>();
    try {
      for (JsonNode item : json.readTree(gathered.json()).path(ITEMS)) {
        if (item.has("line")) {
          lines.add(line(item.get("line"), quarter));
        } else if (item.has("agent_path")) {
          JsonNode p = item.get("agent_path");
          String key = p.get("team").asText() + "|" + p.get("workflow").asText();
          String month = p.get("first_day").asText();
          // The latest month up to the as-of day stands, as in 'plan advise'.
          if (pathMonths.getOrDefault(key, "").compareTo(month) < 0) {
            pathMonths.put(key, month);
            paths.put(key, new PlanAdvice.AgentPath(p.get("cost_per_success_nano_usd").asLong(),
                p.get("person_per_outcome_nano_usd").asLong(), EconomicsVerdict.valueOf(p.get("verdict").asText()),
                p.get("unit").asText(), io.tokenledger.schemas.EconomicsRecommendation.valueOf(
                    p.get("recommendation").asText()), p.get("recommendation_reason").asText()));
          }
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return router.unavailable("an instance answered the plan with something that is not JSON");
    }
    lines.sort(java.util.Comparator.comparing(PlanOutlook.Line::team)
        .thenComparing(l -> l.workflow() == null ? "" : l.workflow()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("quarter", quarter.toString());
    body.put("as_of", asOf.toString());
    body.put("team", team);
    body.put("lines", lines.stream().map(PlanQueries::json).toList());
    body.put("advice", PlanAdvice.advise(lines, paths).stream().map(PlanQueries::json).toList());
    return router.answer(200, body);
  }

  /** This instance's part: the lines of the teams whose partition it owns, and its figures' agent paths. */
  private List<Object> local(Quarter quarter, LocalDate asOf, String onlyTeam) {
    List<Object> items = new ArrayList<>();
    List<TokenPlan> plans = new ArrayList<>();
    Set<String> teams = new TreeSet<>();
    try (KeyValueIterator<String, TokenPlan> all = keyValueStore(EconomicsApp.PLANS_STORE, TokenPlan.class).all()) {
      all.forEachRemaining(kv -> {
        TokenPlan plan = kv.value;
        if (plan != null && quarter.toString().equals(plan.getQuarter())
            && (onlyTeam == null || onlyTeam.equals(plan.getTeam()))) {
          plans.add(plan);
          teams.add(plan.getTeam());
        }
      });
    }
    PriceBook catalog = null;
    for (String team : teams) {
      if (!ownedHere(team)) {
        continue;
      }
      if (catalog == null) {
        catalog = catalog();
      }
      List<TokenPlan> ofTeam = plans.stream().filter(p -> team.equals(p.getTeam())).toList();
      for (PlanOutlook.Line line : PlanOutlook.of(quarter, asOf, ofTeam, buckets(team, quarter, asOf), catalog,
          List.of())) {
        items.add(Map.of("line", json(line)));
      }
    }
    LocalDate month = asOf.withDayOfMonth(1);
    for (LocalDate first : List.of(month.minusMonths(1), month)) {
      for (WorkflowEconomics e : economics.teamSharesOfMonth(first)) {
        if (onlyTeam != null && !onlyTeam.equals(e.getTeam())) {
          continue;
        }
        Optional<PlanAdvice.AgentPath> path = PlanAdvice.AgentPath.of(e);
        path.ifPresent(p -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("team", e.getTeam());
          m.put("workflow", e.getWorkflow());
          m.put("first_day", e.getFirstDay());
          m.put("cost_per_success_nano_usd", p.costPerSuccessNanoUsd());
          m.put("person_per_outcome_nano_usd", p.personPerOutcomeNanoUsd());
          m.put("verdict", p.verdict().name());
          m.put("unit", p.unit());
          m.put("recommendation", p.recommendation().name());
          m.put("recommendation_reason", p.recommendationReason());
          items.add(Map.of("agent_path", m));
        });
      }
    }
    return items;
  }

  /** Whether this instance holds the active copy of the team's partition of the plan's ledger. */
  private boolean ownedHere(String team) {
    org.apache.kafka.streams.processor.StreamPartitioner<String, Object> byTeam = (topic, key, value, partitions) ->
        Optional.of(Set.of(TeamPartitions.partitionOf(key, partitions)));
    KeyQueryMetadata owner = streams.queryMetadataForKey(EconomicsApp.PLAN_LEDGER_STORE, team, byTeam);
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      throw new QueryRouter.NotHereException("no instance owns team '" + team + "' right now (starting or "
          + "rebalancing); retry");
    }
    return owner.activeHost().equals(router.self());
  }

  /** The team's buckets from the quarter's first day (or the forecast's first fitted day, if earlier). */
  private List<UsageAggregate> buckets(String team, Quarter quarter, LocalDate asOf) {
    LocalDate fitFrom = asOf.minusDays(PlanOutlook.FIT_DAYS);
    Instant from = (fitFrom.isBefore(quarter.start()) ? fitFrom : quarter.start()).atStartOfDay(ZoneOffset.UTC)
        .toInstant();
    Instant to = quarter.end().atStartOfDay(ZoneOffset.UTC).toInstant();
    ReadOnlyWindowStore<String, UsageAggregate> store = streams.store(StoreQueryParameters.fromNameAndType(
        EconomicsApp.PLAN_LEDGER_STORE, QueryableStoreTypes.<String, UsageAggregate>windowStore()));
    List<UsageAggregate> found = new ArrayList<>();
    // Every key of the team starts "team|"; '}' sorts right after '|'.
    try (KeyValueIterator<Windowed<String>, UsageAggregate> it = store.fetch(team + "|", team + "}", from, to)) {
      it.forEachRemaining(kv -> found.add(kv.value));
    }
    return found;
  }

  private PriceBook catalog() {
    PriceBook book = new PriceBook();
    try (KeyValueIterator<String, PriceVersion> all = keyValueStore(EconomicsApp.PRICES_STORE, PriceVersion.class)
        .all()) {
      all.forEachRemaining(kv -> book.apply(kv.key, kv.value));
    }
    return book;
  }

  private <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name, Class<V> type) {
    return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
  }

  static Map<String, Object> json(PlanOutlook.Line line) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("team", line.team());
    m.put("workflow", line.workflow());
    m.put("quarter", line.quarter().toString());
    m.put("as_of", line.asOf().toString());
    EconomicsJson.money(m, "plan", line.planNanoUsd());
    m.put("plan_tokens", line.planTokens());
    EconomicsJson.money(m, "actual", line.actualNanoUsd());
    m.put("actual_tokens", line.actualTokens());
    EconomicsJson.money(m, "forecast", line.forecastNanoUsd());
    EconomicsJson.money(m, "forecast_low", line.forecastLowNanoUsd());
    EconomicsJson.money(m, "forecast_high", line.forecastHighNanoUsd());
    m.put("forecast_tokens", line.forecastTokens());
    m.put("forecast_unpriced", line.forecastUnpriced());
    m.put("deviation_percent", line.deviationPercent());
    return m;
  }

  private static PlanOutlook.Line line(JsonNode m, Quarter quarter) {
    return new PlanOutlook.Line(m.get("team").asText(), m.get("workflow").isNull() ? null : m.get("workflow").asText(),
        quarter, LocalDate.parse(m.get("as_of").asText()), nullableLong(m.get("plan_nano_usd")),
        nullableLong(m.get("plan_tokens")), m.get("actual_nano_usd").asLong(), m.get("actual_tokens").asLong(),
        m.get("forecast_nano_usd").asLong(), m.get("forecast_low_nano_usd").asLong(),
        m.get("forecast_high_nano_usd").asLong(), m.get("forecast_tokens").asLong(),
        m.get("forecast_unpriced").asBoolean());
  }

  private static Map<String, Object> json(PlanAdvice.Advice a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", a.kind().name());
    m.put("team", a.team());
    m.put("from", a.from());
    m.put("to", a.to());
    EconomicsJson.money(m, "amount", a.amountNanoUsd());
    m.put("outcomes", a.outcomes());
    EconomicsJson.money(m, "people", a.peopleNanoUsd());
    m.put("text", a.text());
    return m;
  }

  private static Long nullableLong(JsonNode node) {
    return node == null || node.isNull() ? null : node.asLong();
  }

  private static LocalDate day(String text) {
    try {
      return LocalDate.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("at must be a day such as 2027-02-03, not '" + text + "'");
    }
  }
}
