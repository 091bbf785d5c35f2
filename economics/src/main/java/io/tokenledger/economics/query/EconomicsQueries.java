package io.tokenledger.economics.query;

import io.tokenledger.economics.EconomicsSettings;
import io.tokenledger.economics.figures.EconomicsKey;
import io.tokenledger.economics.figures.Figures;
import io.tokenledger.economics.figures.FiguresRollup;
import io.tokenledger.economics.report.EconomicsReport;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.query.QueryAnswer;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.query.QueryRequest;
import io.tokenledger.platform.query.QueryRouter;
import io.tokenledger.schemas.BudgetPeriod;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.calendar.CalendarPeriods;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The economics' questions, answered from the figures store (IQv2) and routed across instances:
 * <ul>
 *   <li>{@code GET /v1/economics?workflow=W&team=T&period=day|month&at=&zone=}: one workflow's
 *       figures (a team's share with {@code team}); without {@code workflow}, every workflow's.
 *   <li>{@code GET /v1/advice?period=&at=&zone=}: per workflow, the verdict and the model advice.
 * </ul>
 * The period is the calendar day or month containing {@code at} (default: now) in {@code zone}
 * (default UTC; the economics keeps UTC and its stated zone). A team key reads its team's share
 * ({@code team=} its team); the workflows across teams and the advice need a read-all key.
 */
public final class EconomicsQueries {
  private final QueryRouter router;
  private final KafkaStreams streams;
  private final EconomicsSettings settings;

  public EconomicsQueries(QueryRouter router, EconomicsSettings settings) {
    this.router = router;
    this.streams = router.streams();
    this.settings = settings;
  }

  /** Answers {@code /v1/economics} and {@code /v1/advice} on {@code self}'s port for this instance. */
  public static QueryHttpServer start(KafkaStreams streams, HostInfo self, EconomicsSettings settings,
      ApiKeyDirectory keys) throws java.io.IOException {
    QueryRouter router = new QueryRouter(streams, self);
    EconomicsQueries queries = new EconomicsQueries(router, settings);
    PlanQueries plan = new PlanQueries(router, queries);
    CapacityQueries capacity = new CapacityQueries(router, queries);
    BuildOrBuyQueries buildOrBuy = new BuildOrBuyQueries(router, queries);
    return QueryHttpServer.start(router, self.port(), Map.of("/v1/economics", queries::economics, "/v1/advice",
        queries::advice, "/v1/plan", plan::plan, "/v1/capacity", capacity::capacity, "/v1/build-or-buy",
        buildOrBuy::compare), keys);
  }

  public QueryAnswer economics(QueryRequest request) {
    Map<String, String> params = request.params();
    Calendar calendar = calendar(params);
    String workflow = blankToNull(params.get("workflow"));
    String team = blankToNull(params.get("team"));
    if (team == null ? !request.caller().readsAll() : !request.caller().reads(team)) {
      return request.forbidden(router, team == null ? "workflows across teams (give team=" + request.caller().team()
          + ")" : "team '" + team + "'");
    }
    if (workflow == null) {
      return router.gather(FiguresRollup.STORE, request, "workflows",
          () -> local(calendar, calendar.matches(team)).stream().map(EconomicsJson::of).toList(), calendar.header());
    }
    EconomicsKey key = new EconomicsKey(calendar.period, calendar.zone, calendar.firstDay, workflow, team);
    return router.route(FiguresRollup.STORE, key.toString(), request, partition -> {
      Figures figures = get(key, partition);
      if (figures == null) {
        return router.answer(404, Map.of("error", "no figures for workflow '" + workflow + "'"
            + (team == null ? "" : " of team '" + team + "'") + " in the " + calendar.period.name().toLowerCase(Locale.ROOT)
            + " starting " + calendar.firstDay + " (" + calendar.zone.getId() + "): no items, outcomes or spend yet"));
      }
      return router.answer(200, EconomicsJson.of(EconomicsReport.of(key, figures, settings)));
    });
  }

  public QueryAnswer advice(QueryRequest request) {
    if (!request.caller().readsAll()) {
      return request.forbidden(router, "advice across teams");
    }
    Calendar calendar = calendar(request.params());
    return router.gather(FiguresRollup.STORE, request, "workflows",
        () -> local(calendar, calendar.matches(null)).stream().map(e -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("workflow", e.getWorkflow());
          m.put("verdict", e.getVerdict().name());
          m.put("verdict_reason", e.getVerdictReason());
          m.put("advice", EconomicsJson.advice(e.getAdvice()));
          m.put("axes", Map.of("cost", e.getCostAxis().name(), "time", e.getTimeAxis().name(), "quality",
              e.getQualityAxis().name()));
          m.put("recommendation", e.getRecommendation().name());
          m.put("recommendation_reason", e.getRecommendationReason());
          m.put("variant_comparison", e.getVariantComparison() == null ? null
              : e.getVariantComparison().getMessage());
          return m;
        }).toList(), calendar.header());
  }

  /** Each team's share of every workflow in the UTC month from {@code firstDay}, in this instance's active partitions. */
  List<WorkflowEconomics> teamSharesOfMonth(LocalDate firstDay) {
    Calendar month = new Calendar(EconomicsPeriod.MONTH, EconomicsSettings.UTC, firstDay);
    return local(month, k -> k.period() == EconomicsPeriod.MONTH && k.zone().equals(EconomicsSettings.UTC)
        && k.firstDay().equals(firstDay) && k.team() != null);
  }

  /** A workflow's figures as a whole (every team's) of these UTC days or months, those this instance holds. */
  List<WorkflowEconomics> workflowFigures(String workflow, EconomicsPeriod period, List<LocalDate> firstDays) {
    List<WorkflowEconomics> found = new java.util.ArrayList<>();
    for (LocalDate first : firstDays) {
      found.addAll(local(new Calendar(period, EconomicsSettings.UTC, first), k -> k.period() == period
          && k.zone().equals(EconomicsSettings.UTC) && k.firstDay().equals(first) && k.team() == null
          && k.workflow().equals(workflow)));
    }
    return found;
  }

  /**
   * One key's figures as the store holds them at its last flush, past Kafka Streams' record cache:
   * a range query never reads that cache, so one key and every workflow (the advice) are read from
   * the same state, and an answer never shows a figure the other does not have yet.
   */
  private Figures get(EconomicsKey key, int partition) {
    StateQueryResult<Figures> result = streams.query(StateQueryRequest.inStore(FiguresRollup.STORE)
        .withQuery(KeyQuery.<String, Figures>withKey(key.toString()).skipCache()).withPartitions(Set.of(partition))
        .requireActive());
    QueryResult<Figures> answer = result.getPartitionResults().get(partition);
    if (answer == null || answer.isFailure()) {
      throw new QueryRouter.NotHereException(answer == null ? "no result"
          : answer.getFailureReason() + " " + answer.getFailureMessage());
    }
    return answer.getResult();
  }

  /**
   * The figures of the calendar's period in this instance's active partitions that
   * {@code wanted} accepts: one range of keys, never the whole store.
   */
  private List<WorkflowEconomics> local(Calendar calendar, Predicate<EconomicsKey> wanted) {
    String[] range = EconomicsKey.rangeOf(calendar.period, calendar.zone, calendar.firstDay);
    StateQueryResult<KeyValueIterator<String, Figures>> result = streams.query(
        StateQueryRequest.inStore(FiguresRollup.STORE)
            .withQuery(RangeQuery.<String, Figures>withRange(range[0], range[1])).requireActive());
    List<WorkflowEconomics> found = new ArrayList<>();
    for (QueryResult<KeyValueIterator<String, Figures>> partition : result.getPartitionResults().values()) {
      if (partition.isFailure()) {
        if (partition.getFailureReason() == FailureReason.NOT_ACTIVE) {
          continue; // a standby here; the active copy answers elsewhere
        }
        throw new QueryRouter.NotHereException(partition.getFailureReason() + " " + partition.getFailureMessage());
      }
      try (KeyValueIterator<String, Figures> it = partition.getResult()) {
        while (it.hasNext()) {
          KeyValue<String, Figures> entry = it.next();
          EconomicsKey key = EconomicsKey.parse(entry.key);
          if (wanted.test(key)) {
            found.add(EconomicsReport.of(key, entry.value, settings));
          }
        }
      }
    }
    found.sort(Comparator.comparing(WorkflowEconomics::getWorkflow)
        .thenComparing(e -> e.getTeam() == null ? "" : e.getTeam()));
    return found;
  }

  private Calendar calendar(Map<String, String> params) {
    String periodText = params.getOrDefault("period", "month").toUpperCase(Locale.ROOT);
    EconomicsPeriod period;
    try {
      period = EconomicsPeriod.valueOf(periodText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("period must be day or month, not '" + params.get("period") + "'");
    }
    ZoneId zone = ZoneId.of(params.getOrDefault("zone", "UTC"));
    ZoneId kept = settings.zones().stream().filter(z -> z.normalized().equals(zone.normalized())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the economics keeps calendars in " + settings.zones()
            + ", not " + zone.getId() + " (set " + EconomicsSettings.PREFIX + "zone to keep another)"));
    Instant at;
    try {
      at = params.containsKey("at") ? Instant.parse(params.get("at")) : Instant.now();
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("at must be an ISO-8601 instant such as 2026-12-02T12:00:00Z, not '"
          + params.get("at") + "'");
    }
    CalendarPeriods.Period bounds = CalendarPeriods.containing(
        period == EconomicsPeriod.DAY ? BudgetPeriod.DAY : BudgetPeriod.MONTH, kept, at);
    return new Calendar(period, kept, bounds.firstDay());
  }

  private record Calendar(EconomicsPeriod period, ZoneId zone, LocalDate firstDay) {
    Predicate<EconomicsKey> matches(String team) {
      return k -> k.period() == period && k.zone().equals(zone) && k.firstDay().equals(firstDay)
          && (team == null ? k.team() == null : team.equals(k.team()));
    }

    Map<String, Object> header() {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("period", period.name().toLowerCase(Locale.ROOT));
      header.put("zone", zone.getId());
      header.put("first_day", firstDay.toString());
      return header;
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
