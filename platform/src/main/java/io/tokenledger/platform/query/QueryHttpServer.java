package io.tokenledger.platform.query;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.metrics.ServiceMeters;
import io.tokenledger.platform.topics.TopicReaders;
import java.util.List;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.ApiKeyScope;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API of one Streams instance, on the host and port it advertises as
 * {@code application.server}: GET routes answered by a {@link QueryRouter}, {@code GET /v1/whoami}
 * (the key's id, team and scope), and, open, {@code GET /healthz} and {@code GET /metrics}
 * (Prometheus). Every route but the open two needs a read key ({@code Authorization: Bearer
 * tlk_...}): none or an unknown one is 401, an ingest key 403; which teams a key may read each
 * route decides. A bad parameter is 400 with the reason; a failure here 503.
 */
public final class QueryHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryHttpServer.class);

  /** One GET route: an authenticated request in, an answer out. */
  public interface Route {
    QueryAnswer answer(QueryRequest request);
  }

  /** Threads answering callers; each may wait on another instance for a forwarded part. */
  public static final int CALLER_THREADS = 8;
  /** Threads answering other instances' forwarded requests, which never forward again. */
  static final int FORWARDED_THREADS = 8;
  /** Requests waiting for a thread, per pool; past that the answer is 503 with Retry-After. */
  static final int QUEUE = 256;

  private final HttpServer server;
  /** Only hands each exchange to its pool: never blocks. */
  private final ExecutorService accept = pool("tokenledger-query-accept", 1, QUEUE);
  // Two pools, so that two instances asking each other can never wait on each other: a forwarded
  // request is answered locally (or refused), so its pool never waits on anything.
  private final ExecutorService callers = pool("tokenledger-query-http", CALLER_THREADS, QUEUE);
  private final ExecutorService forwarded = pool("tokenledger-query-forwarded", FORWARDED_THREADS, QUEUE);

  private final AutoCloseable streamsMeters;

  private QueryHttpServer(HttpServer server, AutoCloseable streamsMeters) {
    this.server = server;
    this.streamsMeters = streamsMeters;
  }

  /** The host:port of {@code application.server}, which the query server listens on. */
  public static HostInfo advertised(Map<String, ?> streamsConfig) {
    Object server = streamsConfig.get(StreamsConfig.APPLICATION_SERVER_CONFIG);
    if (server == null || server.toString().isBlank()) {
      throw new IllegalArgumentException("set " + StreamsConfig.APPLICATION_SERVER_CONFIG
          + "=host:port so that instances can forward queries to each other");
    }
    return HostInfo.buildFromEndpoint(server.toString());
  }

  /** Starts answering {@code routes} (path to route) on {@code router}'s port, all interfaces, for read keys of {@code keys}. */
  public static QueryHttpServer start(QueryRouter router, int port, Map<String, Route> routes, ApiKeyDirectory keys)
      throws IOException {
    return start(router, port, routes, keys, List.of());
  }

  /**
   * The same, for routes that also serve what {@code readers} follow: {@code /healthz} reports
   * each reader (and the key topic's), and is 503 while any is down or the Streams app is not running.
   */
  public static QueryHttpServer start(QueryRouter router, int port, Map<String, Route> routes, ApiKeyDirectory keys,
      List<? extends TopicReaders> readers) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 64);
    QueryHttpServer query = new QueryHttpServer(server, StreamsApps.bindMeters(router.streams()));
    server.setExecutor(query.accept);
    routes.forEach((path, route) -> server.createContext(path, exchange -> query.dispatch(exchange, router, route, keys)));
    // Which key this is, so that a page can show what it may read without guessing from 403s.
    server.createContext("/v1/whoami", exchange -> query.dispatch(exchange, router, request -> router.answer(200,
        Map.of("key_id", request.caller().keyId(), "team", request.caller().team(), "scope",
            request.caller().scope().toString(), "reads_all", request.caller().readsAll())), keys));
    server.createContext("/metrics", ServiceMeters.handler());
    List<TopicReaders> followed = new java.util.ArrayList<>(readers);
    followed.add(0, keys);
    server.createContext("/healthz", exchange -> {
      KafkaStreams.State state = router.streams().state();
      boolean streamsUp = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
      boolean healthy = streamsUp && TopicReaders.allUp(followed);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("state", state.toString());
      body.put("readers", followed.stream().flatMap(r -> r.readers().stream()).toList());
      query.send(exchange, router.answer(healthy ? 200 : 503, body));
    });
    server.start();
    log.info("Queries answered on http://{}{}", router.servedBy(), routes.keySet());
    return query;
  }

  private static ExecutorService pool(String name, int threads, int queue) {
    return new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.ArrayBlockingQueue<>(queue), r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /** Hands the exchange to the pool of its kind; a full pool answers 503 at once. */
  private void dispatch(HttpExchange exchange, QueryRouter router, Route route, ApiKeyDirectory keys)
      throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    boolean fromInstance = query != null && params(query).containsKey(QueryRouter.FORWARDED);
    try {
      (fromInstance ? forwarded : callers).execute(() -> {
        try {
          handle(exchange, router, route, keys);
        } catch (IOException e) {
          log.debug("Answering {} failed: {}", exchange.getRequestURI().getRawPath(), e.toString());
        } finally {
          exchange.close();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      try {
        send(exchange, router.unavailable("this instance has " + QUEUE + " queries waiting; retry shortly"));
      } finally {
        exchange.close();
      }
    }
  }

  private void handle(HttpExchange exchange, QueryRouter router, Route route, ApiKeyDirectory keys) throws IOException {
    try {
      if (!"GET".equals(exchange.getRequestMethod())) {
        send(exchange, router.badRequest("only GET is supported"));
        return;
      }
      if (!keys.loaded()) {
        send(exchange, router.unavailable("the API keys are still loading"));
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      ApiKeyDirectory.Identity identity = keys.identify(authorization);
      if (identity instanceof ApiKeyDirectory.Refused refused) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(exchange, router.answer(401, Map.of("error", refused.reason())));
        return;
      }
      ApiKeyDirectory.Team caller = (ApiKeyDirectory.Team) identity;
      if (caller.scope() == ApiKeyScope.INGEST) {
        send(exchange, router.answer(403, Map.of("error", "API key " + caller.keyId() + " is an ingest key: it writes "
            + "usage and reads nothing; create a read key with 'tokenledger keys create --scope read --team "
            + caller.team() + "'")));
        return;
      }
      String pathAndQuery = exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
      send(exchange, route.answer(new QueryRequest(caller, params(exchange.getRequestURI().getRawQuery()), pathAndQuery,
          authorization)));
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      send(exchange, router.badRequest(e.getMessage()));
    } catch (RuntimeException e) {
      log.warn("Query {} failed", exchange.getRequestURI().getRawPath(), e);
      send(exchange, router.unavailable("the query failed here: " + e.getMessage()));
    }
  }

  private void send(HttpExchange exchange, QueryAnswer answer) throws IOException {
    byte[] body = answer.body();
    exchange.getResponseHeaders().set("Content-Type", answer.file() != null ? answer.contentType() : "application/json");
    if (answer.fileName() != null) {
      exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + answer.fileName() + "\"");
    }
    exchange.getResponseHeaders().set(QueryRouter.SERVED_BY, answer.servedBy());
    if (answer.status() == 503) {
      exchange.getResponseHeaders().set("Retry-After", "1");
    }
    exchange.sendResponseHeaders(answer.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> params(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(name, value);
    }
    return params;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    try {
      streamsMeters.close();
    } catch (Exception e) {
      log.debug("Unbinding the Streams metrics failed", e);
    }
    accept.shutdownNow();
    callers.shutdownNow();
    forwarded.shutdownNow();
  }
}
