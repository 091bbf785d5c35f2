package io.tokenledger.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard against stand-ins on loopback: three configured query APIs and one other host
 * (say, a cloud metadata service or Connect's REST API) that counts every request it gets. Crafted
 * paths are sent as raw HTTP so that no client normalises them on the way.
 */
class PassThroughIT {
  private final Map<String, Host> configured = Map.of("aggregation", new Host("application/json"),
      "economics", new Host("text/html; charset=utf-8"), "alerting", new Host("application/json"));
  private final Host other = new Host("text/html");
  private DashboardServer dashboard;

  @BeforeEach
  void start() throws IOException {
    dashboard = new DashboardServer(Map.of("aggregation", configured.get("aggregation").base(),
        "economics", configured.get("economics").base(), "alerting", configured.get("alerting").base()))
        .start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    dashboard.close();
    configured.values().forEach(Host::close);
    other.close();
  }

  @Test
  void noPathReachesAnotherHost() throws IOException {
    String elsewhere = "127.0.0.1:" + other.port();
    String encoded = elsewhere.replace(":", "%3A");
    List<String> crafted = List.of(
        "/api/aggregation/%2F" + elsewhere + "%2Fx.html",
        "/api/aggregation/%2F%2F" + elsewhere + "%2Fx.html",
        "/api/aggregation/%2f%2f" + encoded + "%2fv1%2fx",
        "/api/aggregation//" + elsewhere + "/v1/x",
        "/api/aggregation/v1//" + elsewhere + "/x",
        "/api/aggregation/v1/..%2F..%2F%2F" + elsewhere,
        "/api/aggregation/http:%2F%2F" + elsewhere + "%2Fv1%2Fx",
        "/api/aggregation/http://" + elsewhere + "/v1/x",
        "/api/aggregation/v1%2F%2F" + elsewhere,
        "/api/aggregation/v1/x%252F%252F" + elsewhere,
        "/api/aggregation/v1/@" + elsewhere,
        "/api/alerting/%5C%5C" + elsewhere + "%5Cv1");
    for (String path : crafted) {
      Answer answer = get(path, "Bearer tlk_secret");
      assertTrue(answer.status() == 400 || answer.status() == 404, path + " answered " + answer.status());
      assertTrue(answer.headers().contains("x-content-type-options: nosniff"), path);
    }
    // A URL in a query value is only a value: it goes to the configured host, never to the one it names.
    assertEquals(200, get("/api/aggregation/v1/x?next=http://" + elsewhere + "/y", "Bearer tlk_secret").status());
    assertEquals(List.of("/v1/x?next=http://" + elsewhere + "/y Bearer tlk_secret"),
        configured.get("aggregation").requests());
    assertEquals(List.of(), other.requests(), "the other host was reached");
  }

  @Test
  void aV1RouteReachesItsConfiguredServiceWithTheReadersKey() throws IOException {
    Answer answer = get("/api/aggregation/v1/breakdown?scope=team&window=1d", "Bearer tlk_reader");
    assertEquals(200, answer.status());
    assertEquals(List.of("/v1/breakdown?scope=team&window=1d Bearer tlk_reader"), configured.get("aggregation").requests());
    assertTrue(answer.headers().contains("content-security-policy: default-src 'none'"), answer.headers());
    assertEquals(List.of(), other.requests());
  }

  @Test
  void anAnswerThatIsNotDataIsNotServedFromTheDashboardsOrigin() throws IOException {
    Answer answer = get("/api/economics/v1/economics", "Bearer tlk_reader");
    assertEquals(502, answer.status());
    assertTrue(answer.headers().contains("content-type: application/json"), answer.headers());
    assertEquals(1, configured.get("economics").requests().size());
  }

  private Answer get(String path, String authorization) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", dashboard.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      String head = end < 0 ? text : text.substring(0, end);
      return new Answer(Integer.parseInt(head.split(" ")[1]), head.toLowerCase(java.util.Locale.ROOT));
    }
  }

  private record Answer(int status, String headers) {
  }

  /** A loopback HTTP server that records each request's path, query and Authorization. */
  private static final class Host {
    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    Host(String contentType) {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      server.createContext("/", exchange -> {
        requests.add(exchange.getRequestURI().getRawPath()
            + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())
            + " " + exchange.getRequestHeaders().getFirst("Authorization"));
        byte[] body = "<script>steal()</script>".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, body.length);
        try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
          in.readAllBytes();
          out.write(body);
        }
      });
      server.start();
    }

    URI base() {
      return URI.create("http://127.0.0.1:" + port() + "/");
    }

    int port() {
      return server.getAddress().getPort();
    }

    List<String> requests() {
      return List.copyOf(requests);
    }

    void close() {
      server.stop(0);
    }
  }
}
