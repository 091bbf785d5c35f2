package io.tokenledger.aggregation.query;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API of one aggregation instance, on the host and port it advertises as
 * {@code application.server}:
 * <ul>
 *   <li>{@code GET /v1/usage?scope=team|team-workflow-model|model|workflow&key=K&window=1m|1h|1d&from=&to=}</li>
 *   <li>{@code GET /v1/period-to-date?team=T&period=day|week|month&zone=Europe/Berlin&at=}</li>
 *   <li>{@code GET /healthz}</li>
 * </ul>
 */
public final class QueryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
  static final String SERVED_BY = "X-Tokenledger-Served-By";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "tokenledger-query-http");
    t.setDaemon(true);
    return t;
  });

  private QueryServer(HttpServer server) {
    this.server = server;
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

  /** Starts answering on {@code self}'s port (all interfaces), for the given Streams instance. */
  public static QueryServer start(KafkaStreams streams, HostInfo self) throws IOException {
    UsageQueries queries = new UsageQueries(streams, self);
    HttpServer server = HttpServer.create(new InetSocketAddress(self.port()), 64);
    QueryServer query = new QueryServer(server);
    server.setExecutor(query.executor);
    server.createContext("/v1/usage", exchange -> query.handle(exchange, queries, queries::windows));
    server.createContext("/v1/period-to-date", exchange -> query.handle(exchange, queries, queries::periodToDate));
    server.createContext("/healthz", exchange -> {
      KafkaStreams.State state = streams.state();
      boolean healthy = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
      query.send(exchange, new QueryAnswer(healthy ? 200 : 503, "{\"state\":\"" + state + "\"}",
          self.host() + ":" + self.port()));
    });
    server.start();
    log.info("Usage queries answered on http://{}:{}/v1/usage and /v1/period-to-date", self.host(), self.port());
    return query;
  }

  private void handle(HttpExchange exchange, UsageQueries queries,
      BiFunction<Map<String, String>, String, QueryAnswer> query) throws IOException {
    try {
      if (!"GET".equals(exchange.getRequestMethod())) {
        send(exchange, queries.badRequest("only GET is supported"));
        return;
      }
      String pathAndQuery = exchange.getRequestURI().getRawPath()
          + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
      send(exchange, query.apply(params(exchange.getRequestURI().getRawQuery()), pathAndQuery));
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      send(exchange, queries.badRequest(e.getMessage()));
    } catch (RuntimeException e) {
      log.warn("Query {} failed", exchange.getRequestURI(), e);
      send(exchange, queries.unavailable("the query failed here: " + e.getMessage()));
    }
  }

  private void send(HttpExchange exchange, QueryAnswer answer) throws IOException {
    byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set(SERVED_BY, answer.servedBy());
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
    executor.shutdownNow();
  }
}
