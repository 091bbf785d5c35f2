package io.tokenledger.alerting.query;

import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.query.QueryAnswer;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.query.QueryRequest;
import io.tokenledger.platform.query.QueryRouter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The alerting service's query API, answered by every instance alike from its {@link AlertFeed}:
 * <ul>
 *   <li>{@code GET /v1/budgets?team=T}: where each budget stands (spent, limit, used, projected, state)</li>
 *   <li>{@code GET /v1/alerts?team=T&limit=50}: budget, forecast and anomaly alerts, newest first, each
 *       with its runbook</li>
 * </ul>
 * A team key reads its own team (and gets it without {@code team}); every team needs a read-all key.
 */
public final class AlertQueries {
  private final QueryRouter router;
  private final AlertFeed feed;

  public AlertQueries(QueryRouter router, AlertFeed feed) {
    this.router = router;
    this.feed = feed;
  }

  public static QueryHttpServer start(KafkaStreams streams, HostInfo self, AlertFeed feed, ApiKeyDirectory keys)
      throws IOException {
    QueryRouter router = new QueryRouter(streams, self);
    AlertQueries queries = new AlertQueries(router, feed);
    return QueryHttpServer.start(router, self.port(), Map.of("/v1/budgets", queries::budgets, "/v1/alerts",
        queries::alerts), keys, java.util.List.of(feed));
  }

  public QueryAnswer budgets(QueryRequest request) {
    return answer(request, "budgets", teams -> feed.budgets(teams));
  }

  public QueryAnswer alerts(QueryRequest request) {
    int limit = Integer.parseInt(request.params().getOrDefault("limit", "50"));
    if (limit < 1 || limit > AlertFeed.PER_TEAM) {
      throw new IllegalArgumentException("limit must be between 1 and " + AlertFeed.PER_TEAM + ", not " + limit);
    }
    return answer(request, "alerts", teams -> feed.alerts(teams, limit));
  }

  private QueryAnswer answer(QueryRequest request, String field,
      java.util.function.Function<Predicate<String>, Object> list) {
    ApiKeyDirectory.Team caller = request.caller();
    String team = request.params().get("team");
    if (team == null && !caller.readsAll()) {
      team = caller.team();
    }
    if (team != null && !caller.reads(team)) {
      return request.forbidden(router, "team '" + team + "'");
    }
    if (!feed.loaded()) {
      return router.unavailable("still reading the alert topics");
    }
    String wanted = team;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("team", wanted == null ? "*" : wanted);
    body.put(field, list.apply(wanted == null ? t -> true : wanted::equals));
    return router.answer(200, body);
  }
}
