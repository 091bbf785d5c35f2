package io.tokenledger.devtools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A local HTTP server standing in for Slack's incoming webhooks, one path per team, so the
 * demo shows what a channel would receive. Answers 200 "ok" like Slack.
 */
final class StandInSlack implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final PrintStream out;
  private final Set<String> alertIds = new LinkedHashSet<>();

  StandInSlack(PrintStream out) throws IOException {
    this.out = out;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        receive(exchange.getRequestURI().getPath(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, ok.length);
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(ok);
      }
    });
    server.start();
  }

  /** The webhook URL of a team's channel on this server. */
  String webhook(String channel) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/demo/" + channel;
  }

  private synchronized void receive(String path, String body) throws IOException {
    JsonNode message = JSON.readTree(body);
    List<String> headers = new ArrayList<>();
    for (JsonNode block : message.path("blocks")) {
      if (block.path("type").asText().equals("header")) {
        headers.add(block.at("/text/text").asText());
      }
      String text = block.path("elements").path(0).path("text").asText();
      if (text.startsWith("alert_id: `")) {
        alertIds.add(text.substring("alert_id: `".length(), text.length() - 1));
      }
    }
    String channel = path.substring(path.lastIndexOf('/') + 1);
    out.printf("  <<< SLACK #%s: %s%n", channel, String.join(" | ", headers));
  }

  synchronized long delivered(String idPart) {
    return alertIds.stream().filter(id -> id.contains(idPart)).count();
  }

  synchronized int deliveredTotal() {
    return alertIds.size();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
