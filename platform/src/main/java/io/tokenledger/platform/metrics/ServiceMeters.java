package io.tokenledger.platform.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A process's meters, as Prometheus scrapes them: one registry per process (one scrape target),
 * with the JVM's meters, the Kafka Streams and client metrics of each Streams instance bound to
 * it ({@code StreamsApps.bindMeters}), and tokenledger's own counters. Processors count through Micrometer's global registry,
 * which forwards to this one once a service has started it and costs next to nothing in tests
 * that never do.
 */
public final class ServiceMeters {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static PrometheusMeterRegistry registry;

  private ServiceMeters() {}

  /** The process's Prometheus registry, made (and joined to the global registry) on first use. */
  public static synchronized PrometheusMeterRegistry prometheus() {
    if (registry == null) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmGcMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      Metrics.addRegistry(registry);
    }
    return registry;
  }

  /** A counter of tokenledger's own, in the global registry (so in every process registry). */
  public static Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(Metrics.globalRegistry);
  }

  /** {@code GET /metrics}: open, like health; it holds counts, never a team's figures or a secret. */
  public static HttpHandler handler() {
    PrometheusMeterRegistry meters = prometheus();
    return exchange -> send(exchange, meters.scrape().getBytes(StandardCharsets.UTF_8));
  }

  /** Serves {@code /metrics} on its own port, for a process with no HTTP server of its own. */
  public static HttpServer serve(String host, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext("/metrics", handler());
    server.start();
    return server;
  }

  private static void send(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
