package io.tokenledger.devtools.bench;

import io.tokenledger.ingest.recorder.EventIds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Closed-loop HTTP load on loopback: {@code workers} clients each send a request, wait for
 * the answer, and send the next, for a warm-up and then a measured period. Every request in
 * the measured period is timed; nothing is sampled.
 */
final class GatewayLoad {
  record Result(String name, int workers, int eventsPerRequest, long requests, long events, long errors,
      double seconds, long p50Micros, long p99Micros, long maxMicros) {
    double eventsPerSecond() {
      return events / seconds;
    }

    double requestsPerSecond() {
      return requests / seconds;
    }
  }

  private GatewayLoad() {}

  static Result run(String name, String url, String token, int workers, int eventsPerRequest, Duration warmup,
      Duration measured) throws Exception {
    return run(name, url, token, workers, eventsPerRequest, warmup, measured,
        () -> body(eventsPerRequest).getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json", 202);
  }

  /**
   * The same loop with any body: {@code unitsPerRequest} is what one body carries (events, spans),
   * {@code okStatus} the answer that counts as success.
   */
  static Result run(String name, String url, String token, int workers, int unitsPerRequest, Duration warmup,
      Duration measured, java.util.function.Supplier<byte[]> bodies, String contentType, int okStatus)
      throws Exception {
    int eventsPerRequest = unitsPerRequest;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long end = measureFrom + measured.toNanos();
    List<Future<long[]>> results = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      results.add(pool.submit(() -> {
        long[] latencies = new long[1 << 16];
        int count = 0;
        long errors = 0;
        while (true) {
          long sent = System.nanoTime();
          if (sent >= end) {
            break;
          }
          HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
              .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
              .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get())).build(),
              HttpResponse.BodyHandlers.discarding());
          long took = System.nanoTime() - sent;
          if (sent >= measureFrom) {
            if (response.statusCode() != okStatus) {
              errors++;
            } else {
              if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
              }
              latencies[count++] = took;
            }
          }
        }
        long[] out = Arrays.copyOf(latencies, count + 1);
        out[count] = errors; // last slot carries the error count
        return out;
      }));
    }
    List<Long> all = new ArrayList<>();
    long errors = 0;
    for (Future<long[]> result : results) {
      long[] values = result.get();
      for (int i = 0; i < values.length - 1; i++) {
        all.add(values[i]);
      }
      errors += values[values.length - 1];
    }
    pool.shutdown();
    long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
    long requests = sorted.length;
    return new Result(name, workers, eventsPerRequest, requests, requests * eventsPerRequest, errors,
        measured.toNanos() / 1e9, percentile(sorted, 0.50), percentile(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1000;
  }

  private static String body(int events) {
    long now = System.currentTimeMillis();
    StringBuilder body = new StringBuilder(events * 220).append('[');
    for (int i = 0; i < events; i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append("{\"event_id\":\"").append(EventIds.newId()).append("\",\"event_time\":").append(now)
          .append(",\"workflow\":\"ticket-triage\",\"service\":\"support-bot\",\"provider\":\"anthropic\",")
          .append("\"model\":\"claude-sonnet-4-20250514\",\"uncached_input_tokens\":1500,\"cache_read_tokens\":6000,")
          .append("\"output_tokens\":350,\"outcome_unit\":\"ticket\",\"outcome_units\":1}");
    }
    return body.append(']').toString();
  }
}
