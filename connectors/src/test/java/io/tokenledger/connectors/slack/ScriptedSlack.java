package io.tokenledger.connectors.slack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A local HTTP server standing in for Slack's incoming webhooks: records every post and
 * answers from a script (429 with Retry-After, 5xx), then 200 "ok" like Slack.
 */
final class ScriptedSlack implements AutoCloseable {
  /** One post as received, and what was answered. */
  record Post(String path, String body, int status, long receivedAtNanos) {}

  /** A scripted answer. */
  record Answer(int status, String retryAfter, String body) {}

  private final HttpServer server;
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Post> posts = new ArrayList<>();

  ScriptedSlack() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      long now = System.nanoTime();
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Answer answer;
      synchronized (this) {
        answer = script.isEmpty() ? new Answer(200, null, "ok") : script.poll();
        posts.add(new Post(exchange.getRequestURI().getPath(), body, answer.status(), now));
      }
      if (answer.retryAfter() != null) {
        exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
      }
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  synchronized void then(Answer answer) {
    script.add(answer);
  }

  String webhook(String secretPath) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/" + secretPath;
  }

  synchronized List<Post> posts() {
    return List.copyOf(posts);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
