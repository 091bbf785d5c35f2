package io.tokenledger.economics.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.platform.query.QueryAnswer;
import io.tokenledger.platform.query.QueryRequest;
import io.tokenledger.platform.query.QueryRouter;
import io.tokenledger.pricing.capacity.CommitmentDrawdown;
import io.tokenledger.pricing.capacity.Consumer;
import io.tokenledger.pricing.capacity.PoolCosts;
import io.tokenledger.pricing.capacity.PoolMonth;
import io.tokenledger.schemas.CapacityPool;
import io.tokenledger.schemas.Commitment;
import io.tokenledger.schemas.UsageAggregate;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@code GET /v1/capacity?month=2026-11&at=...}: every capacity pool's month (a month still running
 * up to now, or to {@code at}) (its cost, the usage it
 * served, each team's workflow's allocation, its idle capacity) and every commitment drawn down
 * month by month, as {@code tokenledger capacity report} and {@code commitments show} print them.
 * Each instance measures the usage of the teams whose ledger partitions it owns; the instance
 * asked adds the parts up and allocates, so a pool shared by teams on two instances is allocated
 * once, whole. Pools span teams: a read-all key is needed.
 */
public final class CapacityQueries {
  private static final String ITEMS = "items";
  private final QueryRouter router;
  private final KafkaStreams streams;
  private final EconomicsQueries economics;
  private final ObjectMapper json = new ObjectMapper();

  CapacityQueries(QueryRouter router, EconomicsQueries economics) {
    this.router = router;
    this.streams = router.streams();
    this.economics = economics;
  }

  /** How many items of a team's workflow succeeded in the month, and in what unit. */
  record Successes(long succeeded, String unit) {}

  public QueryAnswer capacity(QueryRequest request) {
    if (!request.caller().readsAll()) {
      return request.forbidden(router, "capacity pools and commitments (they span teams; a read-all key reads them)");
    }
    YearMonth month;
    Instant until;
    try {
      String at = request.params().get("at");
      until = at == null || at.isBlank() ? Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          : Instant.parse(at);
      String asked = request.params().get("month");
      month = asked == null || asked.isBlank() ? YearMonth.from(until.atZone(ZoneOffset.UTC)) : YearMonth.parse(asked);
    } catch (java.time.format.DateTimeParseException e) {
      return router.answer(400, Map.of("error", "month must be YYYY-MM (e.g. 2026-11) and at an instant "
          + "(e.g. 2026-11-20T12:00:00Z)"));
    }
    Map<String, PoolCosts> pools = pools();
    List<Commitment> commitments = commitments();
    YearMonth firstMonth = commitments.stream().map(c -> YearMonth.from(c.getStart().atZone(ZoneOffset.UTC)))
        .min(YearMonth::compareTo).filter(m -> m.isBefore(month)).orElse(month);
    QueryAnswer gathered = router.gather(EconomicsApp.PLAN_LEDGER_STORE, request, ITEMS,
        () -> local(pools, month, firstMonth), Map.of());
    if (request.params().containsKey(QueryRouter.FORWARDED) || gathered.status() != 200) {
      return gathered;
    }
    Map<String, PoolMonth.Usage> usage = new TreeMap<>();
    Map<Consumer, Successes> successes = new HashMap<>();
    Map<String, Map<YearMonth, Long>> listByProvider = new HashMap<>();
    try {
      for (JsonNode item : json.readTree(gathered.json()).path(ITEMS)) {
        if (item.has("pool_usage")) {
          JsonNode u = item.get("pool_usage");
          TreeMap<Consumer, Long> measured = new TreeMap<>();
          u.get("measured").forEach(m -> measured.put(new Consumer(m.get("team").asText(), m.get("workflow").asText()),
              m.get("measure").asLong()));
          usage.merge(u.get("pool").asText(), new PoolMonth.Usage(measured, u.get("list_cost_nano_usd").asLong(),
              u.get("tokens").asLong()), PoolMonth.Usage::plus);
        } else if (item.has("outcomes")) {
          JsonNode o = item.get("outcomes");
          successes.put(new Consumer(o.get("team").asText(), o.get("workflow").asText()),
              new Successes(o.get("succeeded").asLong(), o.get("unit").isNull() ? null : o.get("unit").asText()));
        } else if (item.has("provider_month")) {
          JsonNode p = item.get("provider_month");
          listByProvider.computeIfAbsent(p.get("provider").asText(), k -> new TreeMap<>())
              .merge(YearMonth.parse(p.get("month").asText()), p.get("list_cost_nano_usd").asLong(), Long::sum);
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return router.unavailable("an instance answered the capacity with something that is not JSON");
    }
    Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    // A month still running is counted to now (or 'at'): its cost so far, against its usage so far.
    List<Object> poolMonths = new ArrayList<>();
    pools.forEach((id, pool) -> {
      if (!pool.held(from, until.isBefore(to) ? until : to).isEmpty()) {
        poolMonths.add(json(pool, PoolMonth.of(pool, month, usage.getOrDefault(id, PoolMonth.Usage.none()), until),
            successes));
      }
    });
    List<Object> drawn = new ArrayList<>();
    for (Commitment c : commitments) {
      List<CommitmentDrawdown.Month> months = CommitmentDrawdown.months(c,
          listByProvider.getOrDefault(c.getProvider().toString(), Map.of()), month);
      drawn.add(json(c, months, until));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("month", month.toString());
    body.put("pools", poolMonths);
    body.put("commitments", drawn);
    return router.answer(200, body);
  }

  /** This instance's part: each pool's usage by its teams, and each provider's list cost by month. */
  private List<Object> local(Map<String, PoolCosts> pools, YearMonth month, YearMonth firstMonth) {
    Instant from = firstMonth.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    ReadOnlyWindowStore<String, UsageAggregate> store = streams.store(StoreQueryParameters.fromNameAndType(
        EconomicsApp.PLAN_LEDGER_STORE, QueryableStoreTypes.<String, UsageAggregate>windowStore()));
    List<UsageAggregate> buckets = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, UsageAggregate> it = store.fetchAll(from, to.minusMillis(1))) {
      it.forEachRemaining(kv -> buckets.add(kv.value));
    }
    List<Object> items = new ArrayList<>();
    pools.forEach((id, pool) -> {
      PoolMonth.Usage u = PoolMonth.Usage.of(pool, month, buckets);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pool", id);
      m.put("measured", u.measured().entrySet().stream().map(e -> Map.of("team", e.getKey().team(), "workflow",
          e.getKey().workflow(), "measure", e.getValue())).toList());
      m.put("list_cost_nano_usd", u.listCostNanoUsd());
      m.put("tokens", u.tokens());
      items.add(Map.of("pool_usage", m));
    });
    Map<String, Map<YearMonth, Long>> list = CommitmentDrawdown.listByProvider(buckets);
    list.forEach((provider, months) -> months.forEach((m, cost) -> items.add(Map.of("provider_month",
        Map.of("provider", provider, "month", m.toString(), "list_cost_nano_usd", cost)))));
    // Each team's workflows' successes in the month: a pool's line per successful outcome.
    for (io.tokenledger.schemas.WorkflowEconomics e : economics.teamSharesOfMonth(month.atDay(1))) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("team", e.getTeam());
      o.put("workflow", e.getWorkflow());
      o.put("succeeded", e.getItemsSucceeded());
      o.put("unit", e.getOutcomeUnit());
      items.add(Map.of("outcomes", o));
    }
    return items;
  }

  private Map<String, PoolCosts> pools() {
    Map<String, List<CapacityPool>> versions = new TreeMap<>();
    try (KeyValueIterator<String, CapacityPool> all = streams.store(StoreQueryParameters.fromNameAndType(
        EconomicsApp.POOLS_STORE, QueryableStoreTypes.<String, CapacityPool>keyValueStore())).all()) {
      all.forEachRemaining(kv -> {
        if (kv.value != null) {
          versions.computeIfAbsent(kv.value.getPoolId().toString(), k -> new ArrayList<>()).add(kv.value);
        }
      });
    }
    return versions.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> new PoolCosts(e.getValue()),
        (a, b) -> a, TreeMap::new));
  }

  private List<Commitment> commitments() {
    List<Commitment> all = new ArrayList<>();
    try (KeyValueIterator<String, Commitment> it = streams.store(StoreQueryParameters.fromNameAndType(
        EconomicsApp.COMMITMENTS_STORE, QueryableStoreTypes.<String, Commitment>keyValueStore())).all()) {
      it.forEachRemaining(kv -> {
        if (kv.value != null) {
          all.add(kv.value);
        }
      });
    }
    all.sort(java.util.Comparator.comparing(c -> c.getCommitmentId().toString()));
    return all;
  }

  static Map<String, Object> json(PoolCosts pool, PoolMonth pm, Map<Consumer, Successes> successes) {
    var a = pm.allocation();
    CapacityPool last = pool.at(pm.month().plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant()
        .minusMillis(1)).orElse(pool.first());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pool_id", pm.poolId());
    m.put("owner_team", pm.ownerTeam());
    m.put("serves", last.getServes().stream().map(CharSequence::toString).toList());
    m.put("until", pm.until().toString());
    m.put("versions_in_month", pool.held(pm.month().atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(), pm.until())
        .size());
    EconomicsJson.money(m, "cost", a.costNanoUsd());
    m.put("capacity", a.capacity().orElse(null));
    m.put("used", a.used());
    m.put("utilisation_percent", a.utilisation().map(u -> u.movePointRight(2).setScale(2, RoundingMode.HALF_EVEN)
        .toPlainString()).orElse(null));
    m.put("tokens", pm.tokens());
    EconomicsJson.money(m, "allocated", a.allocatedNanoUsd());
    EconomicsJson.money(m, "idle", a.idleNanoUsd());
    EconomicsJson.money(m, "list_cost", pm.listCostNanoUsd());
    m.put("lines", a.consumers().entrySet().stream().map(e -> {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("team", e.getKey().team());
      line.put("workflow", e.getKey().workflow());
      EconomicsJson.money(line, "cost", e.getValue());
      // The line per successful outcome of the workflow's month: what the pool adds to its cost per outcome.
      Successes s = successes.get(e.getKey());
      line.put("successes", s == null ? null : s.succeeded());
      line.put("outcome_unit", s == null ? null : s.unit());
      EconomicsJson.money(line, "cost_per_success", s == null || s.succeeded() == 0 ? null
          : io.tokenledger.pricing.capacity.BuildOrBuy.perSuccess(e.getValue(), 1, s.succeeded(), 1).orElse(null));
      return line;
    }).toList());
    return m;
  }

  static Map<String, Object> json(Commitment c, List<CommitmentDrawdown.Month> months, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("commitment_id", c.getCommitmentId().toString());
    m.put("provider", c.getProvider().toString());
    EconomicsJson.money(m, "amount", c.getAmountNanoUsd());
    m.put("period_months", c.getPeriodMonths());
    m.put("discount_percent", java.math.BigDecimal.valueOf(c.getDiscountBasisPoints(), 2).stripTrailingZeros()
        .toPlainString());
    m.put("start", YearMonth.from(c.getStart().atZone(ZoneOffset.UTC)).toString());
    m.put("term_months", c.getTermMonths());
    m.put("owner_team", c.getOwnerTeam().toString());
    m.put("months", months.stream().map(month -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("month", month.month().toString());
      row.put("period_start", month.periodStart().toString());
      EconomicsJson.money(row, "list", month.listNanoUsd());
      EconomicsJson.money(row, "discounted", month.discountedNanoUsd());
      EconomicsJson.money(row, "drawn", month.drawnNanoUsd());
      EconomicsJson.money(row, "covered_list", month.coveredListNanoUsd());
      EconomicsJson.money(row, "over", month.overageNanoUsd());
      EconomicsJson.money(row, "left", month.remainingNanoUsd());
      return row;
    }).toList());
    YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
    long soFar = months.stream().filter(mo -> mo.periodStart().equals(CommitmentDrawdown.periodOf(c, current))
        && !mo.month().isAfter(current)).mapToLong(CommitmentDrawdown.Month::discountedNanoUsd).sum();
    // The period running now, when the months shown reach this month.
    boolean reachesNow = !months.isEmpty() && months.get(months.size() - 1).month().equals(current);
    m.put("outlook", (reachesNow ? CommitmentDrawdown.outlook(c, soFar, now) : java.util.Optional.<CommitmentDrawdown.Outlook>empty()).map(o -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("period_start", o.periodStart().toString());
      out.put("period_end", o.periodEnd().toString());
      EconomicsJson.money(out, "projected", o.projectedNanoUsd());
      EconomicsJson.money(out, "projected_unused", o.projectedUnusedNanoUsd());
      out.put("under_used", o.underUsed());
      return (Object) out;
    }).orElse(null));
    return m;
  }
}
