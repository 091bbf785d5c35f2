package io.tokenledger.connectors.slack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Posts a payload to an incoming webhook and classifies the answer. Never puts the URL in a
 * result or an exception message: it is the channel's secret.
 */
public final class WebhookClient {
  /** What came back. {@code retryAfterMillis} is set for 429; {@code detail} is safe to log. */
  public record Result(Outcome outcome, int status, long retryAfterMillis, String detail) {}

  public enum Outcome { POSTED, RATE_LIMITED, TRANSIENT, PERMANENT }

  private final HttpClient http;
  private final Duration timeout;

  public WebhookClient(Duration timeout) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
  }

  public Result post(URI webhook, String json) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(webhook).timeout(timeout)
        .header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new Result(Outcome.TRANSIENT, 0, 0, "no answer (" + e.getClass().getSimpleName() + ")");
    }
    int status = response.statusCode();
    String body = BlockKit.cut(response.body() == null ? "" : response.body().strip(), 200);
    if (status / 100 == 2) {
      return new Result(Outcome.POSTED, status, 0, body);
    }
    if (status == 429) {
      return new Result(Outcome.RATE_LIMITED, status, retryAfterMillis(response), body);
    }
    if (status / 100 == 5 || status == 408) {
      return new Result(Outcome.TRANSIENT, status, 0, body);
    }
    return new Result(Outcome.PERMANENT, status, 0, body);
  }

  /** Retry-After in seconds (Slack's form) or an HTTP date; 1 s when absent or unreadable. */
  static long retryAfterMillis(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse("").strip();
    try {
      return Math.max(0, Long.parseLong(value)) * 1000;
    } catch (NumberFormatException e) {
      try {
        long at = java.time.ZonedDateTime.parse(value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
            .toInstant().toEpochMilli();
        return Math.max(0, at - System.currentTimeMillis());
      } catch (RuntimeException notADate) {
        return 1000;
      }
    }
  }
}
