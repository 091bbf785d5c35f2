package io.tokenledger.dashboard;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the dashboard's pages (plain HTML and JavaScript, Chart.js from its WebJar: nothing from
 * a CDN) and passes the pages' API calls through, same-origin, to the services' query APIs:
 * {@code GET /api/<service>/<path>} goes to {@code <upstream of service>/<path>} with the
 * reader's own {@code Authorization} header and nothing else. The dashboard holds no key and
 * computes no figure: each service checks the key and answers as it would to curl. It renders
 * one thing: a month's FOCUS file from the aggregation's ledger answer ({@link FocusDownload}).
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
  /** Chart.js's browser build, from the WebJar on the classpath. */
  public static final String CHART_JS = "/webjars/chart.js/4.5.1/dist/chart.umd.min.js";

  private final Javalin app;
  private final Map<String, URI> upstreams;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param upstreams service name ({@code aggregation}, {@code economics}, {@code alerting}) to the
   *     base URL of one of its instances (each forwards to the instance that owns a key)
   */
  public DashboardServer(Map<String, URI> upstreams) {
    this.upstreams = Map.copyOf(upstreams);
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.staticFiles.add(files -> {
        files.hostedPath = "/";
        files.directory = "/dashboard";
        files.location = Location.CLASSPATH;
        // Pages and scripts only; no secret is ever in them. Chart.js comes from the WebJar.
        files.headers = Map.of("Cache-Control", "no-cache", "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'", "X-Content-Type-Options", "nosniff");
      });
      config.staticFiles.enableWebjars();
    });
    URI aggregation = upstreams.get("aggregation");
    if (aggregation != null) {
      FocusDownload focus = new FocusDownload(aggregation, http);
      app.get("/api/export/focus", focus::handle);
    }
    app.get("/api/{service}/<path>", this::pass);
    app.get("/runbooks/{name}", this::runbook);
    app.get("/healthz", ctx -> ctx.json(Map.of("state", "RUNNING")));
  }

  public DashboardServer start(String host, int port) {
    app.start(host, port);
    log.info("Dashboard on http://{}:{}/ reading {}", host, app.port(), upstreams);
    return this;
  }

  public int port() {
    return app.port();
  }

  /** The runbooks that alerts link, as plain text: links work with no internet. */
  private void runbook(Context ctx) throws java.io.IOException {
    String name = ctx.pathParam("name");
    java.io.InputStream text = name.matches("[a-z0-9-]+\\.md")
        ? DashboardServer.class.getResourceAsStream("/runbooks/" + name) : null;
    if (text == null) {
      ctx.status(404).result("No runbook " + name);
      return;
    }
    try (text) {
      ctx.contentType("text/plain; charset=utf-8").result(text.readAllBytes());
    }
  }

  private void pass(Context ctx) throws InterruptedException {
    String service = ctx.pathParam("service");
    URI base = upstreams.get(service);
    // Whatever comes back, the browser treats it as data: never sniffed, never run, never framed.
    ctx.header("Cache-Control", "no-store");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox");
    if (base == null) {
      ctx.status(404).json(Map.of("error", "no service '" + service + "': use one of " + upstreams.keySet()));
      return;
    }
    // The raw path, not Javalin's decoded one: an encoded slash must stay visible to the check.
    String raw = ctx.req().getRequestURI();
    String prefix = "/api/" + service + "/";
    if (!raw.startsWith(prefix)) {
      ctx.status(400).json(Map.of("error", "the path after /api/" + service + "/ must be a v1/... route"));
      return;
    }
    PassThrough.Decision decision = PassThrough.target(base, raw.substring(prefix.length()), ctx.queryString());
    if (decision instanceof PassThrough.Refused refused) {
      log.warn("Dashboard pass-through refused a request for the {} service: {}", service, refused.reason());
      ctx.status(400).json(Map.of("error", refused.reason()));
      return;
    }
    URI target = ((PassThrough.Target) decision).uri();
    HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(15)).GET();
    String authorization = ctx.header("Authorization");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      String contentType = answer.headers().firstValue("Content-Type").orElse(null);
      if (!PassThrough.servable(contentType)) {
        log.warn("The {} service at {} answered {} with Content-Type {}; not served", service, base, target.getPath(),
            contentType);
        ctx.status(502).json(Map.of("error", "the " + service + " service answered with a content type the dashboard "
            + "does not serve (" + contentType + ")"));
        return;
      }
      ctx.status(answer.statusCode()).contentType(contentType).result(answer.body());
      for (String header : new String[] {"WWW-Authenticate", "Content-Disposition", "Retry-After"}) {
        answer.headers().firstValue(header).ifPresent(v -> ctx.header(header, v));
      }
    } catch (java.io.IOException e) {
      log.warn("The {} service at {} did not answer {}: {}", service, base, target.getPath(), e.toString());
      ctx.status(502).json(Map.of("error", "the " + service + " service at " + base + " did not answer ("
          + e.getMessage() + "); is it running?"));
    }
  }

  @Override
  public void close() {
    app.stop();
  }
}
