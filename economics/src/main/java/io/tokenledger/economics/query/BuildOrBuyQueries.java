package io.tokenledger.economics.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.economics.EconomicsApp;
import io.tokenledger.platform.query.QueryAnswer;
import io.tokenledger.platform.query.QueryRequest;
import io.tokenledger.platform.query.QueryRouter;
import io.tokenledger.pricing.capacity.BuildOrBuy;
import io.tokenledger.pricing.capacity.Outcomes;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.NanoUsd;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@code GET /v1/build-or-buy?workflow=W&candidate=provider/model&gpu_hour_usd=2.10&tokens_per_second=2400
 * [&month=2026-11][&at=...]}: the workflow's month on the API against the same tokens on GPUs of its own,
 * as {@code tokenledger capacity compare} prints it ({@link BuildOrBuy}): a month still running up
 * to the end of the current hour (or of {@code at}'s). Each instance adds up its teams' hours of the workflow and the
 * workflow figures it holds; the instance asked finds the busiest hour in the sum. A read-all key.
 */
public final class BuildOrBuyQueries {
  private static final String ITEMS = "items";
  private final QueryRouter router;
  private final KafkaStreams streams;
  private final EconomicsQueries economics;
  private final ObjectMapper json = new ObjectMapper();

  BuildOrBuyQueries(QueryRouter router, EconomicsQueries economics) {
    this.router = router;
    this.streams = router.streams();
    this.economics = economics;
  }

  public QueryAnswer compare(QueryRequest request) {
    if (!request.caller().readsAll()) {
      return request.forbidden(router, "a workflow's build or buy (it spans teams; a read-all key reads it)");
    }
    Map<String, String> p = request.params();
    String workflow = p.get("workflow");
    String candidate = p.get("candidate");
    long gpuHour;
    long tokensPerSecond;
    YearMonth month;
    Instant at;
    try {
      at = p.get("at") == null || p.get("at").isBlank() ? Instant.now() : Instant.parse(p.get("at"));
      gpuHour = NanoUsd.fromUsd(p.getOrDefault("gpu_hour_usd", ""));
      tokensPerSecond = Long.parseLong(p.getOrDefault("tokens_per_second", ""));
      month = p.get("month") == null || p.get("month").isBlank() ? YearMonth.from(at.atZone(ZoneOffset.UTC))
          : YearMonth.parse(p.get("month"));
      if (workflow == null || workflow.isBlank() || candidate == null || candidate.indexOf('/') <= 0
          || gpuHour <= 0 || tokensPerSecond <= 0) {
        throw new IllegalArgumentException();
      }
    } catch (RuntimeException e) {
      return router.answer(400, Map.of("error", "give workflow, candidate (provider/model), gpu_hour_usd (a positive "
          + "decimal, e.g. 2.10), tokens_per_second (a positive whole number), and optionally month (YYYY-MM) and at "
          + "(an instant the month is counted to)"));
    }
    Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant hourEnd = at.truncatedTo(ChronoUnit.HOURS).plusSeconds(3600);
    Instant to = hourEnd.isBefore(end) ? hourEnd : end;
    QueryAnswer gathered = router.gather(EconomicsApp.PLAN_LEDGER_STORE, request, ITEMS,
        () -> local(workflow, candidate, from, to, month), Map.of());
    if (request.params().containsKey(QueryRouter.FORWARDED) || gathered.status() != 200) {
      return gathered;
    }
    long cost = 0;
    Map<Instant, Long> hours = new HashMap<>();
    Optional<Outcomes> outcomes = Optional.empty();
    try {
      for (JsonNode item : json.readTree(gathered.json()).path(ITEMS)) {
        if (item.has("hour")) {
          hours.merge(Instant.parse(item.get("hour").asText()), item.get("tokens").asLong(), Long::sum);
          cost += item.get("cost_nano_usd").asLong();
        } else if (item.has("outcomes")) {
          JsonNode o = item.get("outcomes");
          Outcomes part = new Outcomes(o.get("finished").asLong(), o.get("succeeded").asLong(),
              o.get("candidate_finished").asLong(), o.get("candidate_succeeded").asLong(), o.get("unit").asText());
          outcomes = Optional.of(outcomes.map(part::plus).orElse(part));
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return router.unavailable("an instance answered the build or buy with something that is not JSON");
    }
    BuildOrBuy c = BuildOrBuy.gpus(new BuildOrBuy.Volume(from, to, cost, hours), gpuHour, tokensPerSecond);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("workflow", workflow);
    body.put("candidate", candidate);
    body.put("month", month.toString());
    body.put("from", from.toString());
    body.put("to", to.toString());
    body.put("hours", c.hours());
    body.put("tokens", c.tokens());
    body.put("peak_hour_tokens", c.peakHourTokens());
    EconomicsJson.money(body, "api_cost", c.apiCostNanoUsd());
    body.put("gpus", c.units());
    EconomicsJson.money(body, "gpu_hour", gpuHour);
    body.put("tokens_per_second", tokensPerSecond);
    EconomicsJson.money(body, "capacity_cost", c.capacityCostNanoUsd());
    body.put("utilisation_percent", c.utilisation().map(u -> u.movePointRight(2).setScale(2, RoundingMode.HALF_EVEN)
        .toPlainString()).orElse(null));
    EconomicsJson.money(body, "saving", c.savingNanoUsd());
    body.put("break_even_tokens", c.breakEvenTokens().orElse(null));
    body.put("one_gpu_serves_tokens", c.unitMonthTokens().orElse(null));
    body.put("outcome_unit", outcomes.map(Outcomes::unit).orElse(null));
    body.put("items_finished", outcomes.map(Outcomes::finished).orElse(null));
    body.put("items_succeeded", outcomes.map(Outcomes::succeeded).orElse(null));
    body.put("candidate_items_finished", outcomes.map(Outcomes::candidateFinished).orElse(null));
    body.put("candidate_items_succeeded", outcomes.map(Outcomes::candidateSucceeded).orElse(null));
    EconomicsJson.money(body, "api_per_success", outcomes.flatMap(o -> o.apiPerSuccess(c.apiCostNanoUsd())).orElse(null));
    EconomicsJson.money(body, "candidate_per_success",
        outcomes.flatMap(o -> o.candidatePerSuccess(c.capacityCostNanoUsd())).orElse(null));
    return router.answer(200, body);
  }

  /** This instance's part: its teams' hours of the workflow on the API, and the workflow's month figures it holds. */
  private List<Object> local(String workflow, String candidate, Instant from, Instant to, YearMonth month) {
    ReadOnlyWindowStore<String, UsageAggregate> store = streams.store(StoreQueryParameters.fromNameAndType(
        EconomicsApp.PLAN_LEDGER_STORE, QueryableStoreTypes.<String, UsageAggregate>windowStore()));
    List<UsageAggregate> buckets = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, UsageAggregate> it = store.fetchAll(from, to.minusMillis(1))) {
      it.forEachRemaining(kv -> {
        UsageAggregate b = kv.value;
        if (workflow.equals(b.getWorkflow()) && !candidate.equals(b.getProvider() + "/" + b.getModel())) {
          buckets.add(b);
        }
      });
    }
    BuildOrBuy.Volume volume = BuildOrBuy.Volume.of(from, to, buckets);
    List<Object> items = new ArrayList<>();
    Map<Instant, Long> costs = new HashMap<>();
    buckets.forEach(b -> costs.merge(b.getWindowStart().truncatedTo(ChronoUnit.HOURS), b.getCostNanoUsd(), Long::sum));
    volume.tokensByHour().forEach((hour, tokens) -> items.add(Map.of("hour", hour.toString(), "tokens", tokens,
        "cost_nano_usd", costs.getOrDefault(hour, 0L))));
    Outcomes.of(economics.workflowFigures(workflow, EconomicsPeriod.MONTH, List.of(month.atDay(1))), candidate)
        .ifPresent(o -> items.add(Map.of("outcomes", Map.of("finished", o.finished(), "succeeded", o.succeeded(),
            "candidate_finished", o.candidateFinished(), "candidate_succeeded", o.candidateSucceeded(), "unit",
            o.unit()))));
    return items;
  }
}
