package io.tokenledger.platform.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where a question about a key is answered: here when this instance owns the key's partition,
 * else forwarded once to the instance that does (its {@code application.server}); while
 * ownership moves (a rebalance), 503 with Retry-After. Shared by every service with queryable
 * stores, so they route alike.
 */
public final class QueryRouter {
  /** Query parameter that marks a request already forwarded by another instance. */
  public static final String FORWARDED = "forwarded";
  public static final String SERVED_BY = "X-Tokenledger-Served-By";
  /** The largest answer read from another instance; a larger one is refused, never held whole. */
  public static final int MAX_FORWARDED_ANSWER_BYTES = 32 * 1024 * 1024;

  private final KafkaStreams streams;
  private final HostInfo self;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  public QueryRouter(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  /**
   * Answers with {@code local} (given the key's partition) when this instance owns the key in
   * {@code store}, else forwards {@code pathAndQuery} to the owner.
   */
  public QueryAnswer route(String store, String routingKey, QueryRequest request, IntFunction<QueryAnswer> local) {
    KeyQueryMetadata owner = streams.queryMetadataForKey(store, routingKey, Serdes.String().serializer());
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE) || owner.activeHost().port() < 0) {
      return unavailable("no instance owns '" + routingKey + "' right now (the application is starting or rebalancing)");
    }
    if (owner.activeHost().equals(self)) {
      try {
        return local.apply(owner.partition());
      } catch (NotHereException e) {
        return unavailable("partition " + owner.partition() + " of " + store + " is not queryable here yet: "
            + e.getMessage());
      }
    }
    if (request.params().containsKey(FORWARDED)) {
      return unavailable("ownership of '" + routingKey + "' is moving between instances; retry");
    }
    return forward(owner.activeHost(), request);
  }

  /**
   * Answers a question about every key of {@code store}: this instance's active partitions by
   * {@code local}, every other instance's by forwarding once; the items of all go under
   * {@code listField}. Any instance that cannot answer makes the whole answer 503, never a
   * silently partial list.
   */
  public QueryAnswer gather(String store, QueryRequest request, String listField, Supplier<List<?>> local,
      Map<String, Object> header) {
    if (request.params().containsKey(FORWARDED)) {
      return answer(200, Map.of(listField, local.get()));
    }
    if (streams.state() != KafkaStreams.State.RUNNING) {
      return unavailable("the application is " + streams.state() + "; every partition must be owned to list all");
    }
    List<Object> items = new ArrayList<>(local.get());
    for (StreamsMetadata instance : streams.streamsMetadataForStore(store)) {
      if (instance.hostInfo().equals(self)) {
        continue;
      }
      QueryAnswer part = forward(instance.hostInfo(), request);
      if (part.status() != 200) {
        return part;
      }
      try {
        json.readTree(part.json()).path(listField).forEach(items::add);
      } catch (JsonProcessingException e) {
        return unavailable("the instance " + part.servedBy() + " answered something that is not JSON");
      }
    }
    Map<String, Object> body = new LinkedHashMap<>(header);
    body.put(listField, items);
    return answer(200, body);
  }

  /** Asks the owner once, with the caller's own credential: the owner checks it as any instance does. */
  private QueryAnswer forward(HostInfo owner, QueryRequest request) {
    String pathAndQuery = request.pathAndQuery();
    String separator = pathAndQuery.contains("?") ? "&" : "?";
    URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + pathAndQuery + separator + FORWARDED + "=1");
    try {
      HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
          .header("Authorization", request.authorization()).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      String servedBy = response.headers().firstValue(SERVED_BY).orElse(owner.host() + ":" + owner.port());
      byte[] body;
      try (java.io.InputStream in = response.body()) {
        body = in.readNBytes(MAX_FORWARDED_ANSWER_BYTES + 1);
      }
      if (body.length > MAX_FORWARDED_ANSWER_BYTES) {
        return answer(413, Map.of("error", "the answer of " + servedBy + " is larger than "
            + MAX_FORWARDED_ANSWER_BYTES / (1024 * 1024) + " MiB; narrow the question (a shorter from/to, a larger window)"));
      }
      return new QueryAnswer(response.statusCode(), new String(body, java.nio.charset.StandardCharsets.UTF_8), servedBy);
    } catch (IOException e) {
      return unavailable("the owning instance " + owner.host() + ":" + owner.port() + " did not answer (" + e.getMessage()
          + "); if it stopped, its keys move to another instance shortly");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable("interrupted while asking " + owner.host() + ":" + owner.port());
    }
  }

  public QueryAnswer answer(int status, Object body) {
    try {
      return new QueryAnswer(status, json.writeValueAsString(body), servedBy());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public QueryAnswer unavailable(String why) {
    return answer(503, Map.of("error", why, "retry_after_seconds", 1));
  }

  public QueryAnswer badRequest(String why) {
    return answer(400, Map.of("error", why));
  }

  public String servedBy() {
    return self.host() + ":" + self.port();
  }

  /** This instance, as the application's metadata names it. */
  public HostInfo self() {
    return self;
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** The partition is not (or no longer) active here. */
  public static final class NotHereException extends RuntimeException {
    public NotHereException(String message) {
      super(message);
    }
  }
}
