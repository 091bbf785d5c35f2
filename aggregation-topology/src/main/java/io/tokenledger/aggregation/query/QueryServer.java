package io.tokenledger.aggregation.query;

import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.query.QueryRouter;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The query API of one aggregation instance, on the host and port it advertises as
 * {@code application.server}:
 * <ul>
 *   <li>{@code GET /v1/usage?scope=team|team-workflow-model|model|workflow&key=K&window=1m|1h|1d&from=&to=}</li>
 *   <li>{@code GET /v1/breakdown?scope=team|team-workflow-model|model|workflow&window=1m|1h|1d&from=&to=}: every key</li>
 *   <li>{@code GET /v1/period-to-date?team=T&period=day|week|month&zone=Europe/Berlin&at=}</li>
 *   <li>{@code GET /v1/whatif?period=2026-11&zone=UTC&change=openai/gpt-4o:-30%25&move=w:gpt-4o->gpt-4o-mini}</li>
 *   <li>{@code GET /v1/prices?at=}: the catalog, every version, in force or not</li>
 *   <li>{@code GET /v1/ledger?period=2026-11}: the month's ledger buckets, applied corrections and their
 *       prices, as records (what the FOCUS export renders)</li>
 *   <li>{@code GET /healthz} (open)</li>
 * </ul>
 * Every route but health needs a read key; a team key reads its team only.
 */
public final class QueryServer {
  private QueryServer() {}

  /** The host:port of {@code application.server}, which the query server listens on. */
  public static HostInfo advertised(Map<String, ?> streamsConfig) {
    return QueryHttpServer.advertised(streamsConfig);
  }

  /**
   * Starts answering read keys of {@code keys} on {@code self}'s port (all interfaces), for the
   * given Streams instance.
   */
  public static QueryHttpServer start(KafkaStreams streams, HostInfo self, ApiKeyDirectory keys) throws IOException {
    QueryRouter router = new QueryRouter(streams, self);
    UsageQueries queries = new UsageQueries(router);
    return QueryHttpServer.start(router, self.port(),
        Map.of("/v1/usage", queries::windows, "/v1/breakdown", queries::breakdown, "/v1/period-to-date",
            queries::periodToDate, "/v1/whatif", queries::whatIf, "/v1/prices", queries::prices,
            "/v1/ledger", queries::ledger, "/v1/export/focus", request -> router.answer(404, Map.of("error",
                "the FOCUS export is rendered outside the aggregation: the dashboard's /api/export/focus?period=... "
                + "or 'tokenledger export focus'; this service answers /v1/ledger, which they read"))), keys);
  }
}
