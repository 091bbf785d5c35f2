package io.tokenledger.aggregation.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.aggregation.AggregationSettings;
import io.tokenledger.aggregation.TestPrices;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.ReadKeys;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two aggregation instances on a real broker, each with its query server: every team's figures
 * can be asked of either instance (the non-owner forwards), and after one instance stops, the
 * survivor answers for all of them.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class QueryRoutingIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final List<String> TEAMS = List.of("support", "finance", "growth", "platform", "research", "legal",
      "search", "ads");
  private static final long COST_PER_EVENT = TestPrices.COST_OF_1000_INPUT_TOKENS_NANO_USD;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private ReadKeys keys;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void answersEveryKeyThroughEitherInstanceAndFromTheSurvivorAfterOneStops(EmbeddedKafka kafka) throws Exception {
    Topics topics = topicsWithPricesAndKeys(kafka, "routing.");
    Instant now = Instant.now();
    Map<String, Integer> eventsPerTeam = new HashMap<>();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer())) {
      for (int t = 0; t < TEAMS.size(); t++) {
        for (int i = 0; i <= t; i++) { // team t sends t + 1 events
          String team = TEAMS.get(t);
          UsageEvent event = UsageEvent.newBuilder().setEventId(team + "-" + i).setEventTime(now).setTeam(team)
              .setWorkflow(i % 2 == 0 ? "triage" : "summarise").setService("svc").setProvider("openai")
              .setModel("gpt-4o").setUncachedInputTokens(1_000).build();
          producer.send(new ProducerRecord<>(topics.usage.name(), team, event)).get();
          eventsPerTeam.merge(team, 1, Integer::sum);
        }
      }
    }

    Instance a = start(kafka, topics, "a");
    Instance b = start(kafka, topics, "b");
    Await.until(BOUND, () -> a.streams.state() == KafkaStreams.State.RUNNING
        && b.streams.state() == KafkaStreams.State.RUNNING, () -> "both instances running");

    Set<String> servedBy = new HashSet<>();
    for (Instance asked : List.of(a, b)) {
      for (String team : TEAMS) {
        JsonNode total = awaitTotal(asked, "/v1/usage?scope=team&key=" + team + "&window=1d&" + range(now),
            eventsPerTeam.get(team), servedBy);
        assertEquals(eventsPerTeam.get(team) * COST_PER_EVENT, total.get("cost_nano_usd").asLong(), team);
        assertEquals(eventsPerTeam.get(team) * 1_000L, total.get("uncached_input_tokens").asLong(), team);
      }
    }
    assertEquals(Set.of(a.name, b.name), servedBy, "keys are owned by both instances, each reached through the other");

    int allEvents = eventsPerTeam.values().stream().mapToInt(Integer::intValue).sum(); // 36
    JsonNode model = awaitTotal(b, "/v1/usage?scope=model&key=openai%2Fgpt-4o&window=1h&" + range(now), allEvents, servedBy);
    assertEquals(allEvents * COST_PER_EVENT, model.get("cost_nano_usd").asLong(), "gpt-4o across all teams");
    assertEquals(20, awaitTotal(a, "/v1/usage?scope=workflow&key=triage&window=1m&" + range(now), 20, servedBy)
        .get("event_count").asLong(), "triage: events 0, 2, 4, 6 of each team");
    JsonNode detail = awaitTotal(a, "/v1/usage?scope=team-workflow-model&key=ads%7Csummarise%7Copenai%2Fgpt-4o&window=1m&"
        + range(now), 4, servedBy);
    assertEquals(4 * COST_PER_EVENT, detail.get("cost_nano_usd").asLong());
    JsonNode month = awaitTotal(b, "/v1/period-to-date?team=ads&period=month&zone=Asia/Kolkata", 8, servedBy);
    assertEquals(8 * COST_PER_EVENT, month.get("cost_nano_usd").asLong(), "ads month to date, read from the ledger");

    b.close();
    toClose.remove(b);
    Set<String> servedAfter = new HashSet<>();
    for (String team : TEAMS) {
      JsonNode total = awaitTotal(a, "/v1/usage?scope=team&key=" + team + "&window=1d&" + range(now),
          eventsPerTeam.get(team), servedAfter);
      assertEquals(eventsPerTeam.get(team) * COST_PER_EVENT, total.get("cost_nano_usd").asLong(), team);
    }
    assertEquals(allEvents, awaitTotal(a, "/v1/usage?scope=model&key=openai%2Fgpt-4o&window=1h&" + range(now), allEvents,
        servedAfter).get("event_count").asLong());
    assertEquals(Set.of(a.name), servedAfter, "the survivor answers everything itself");
  }

  /**
   * The per-series hours, days and ledger are brought up to date at the detail interval (here an
   * hour, and minutes never close: grace of an hour), yet a query of them adds what the open
   * minutes hold, so once the team's live minute shows the events, every per-series figure shows
   * them too, exactly, and a month to date by model sums to the team's total.
   */
  @Test
  void perSeriesHoursDaysAndLedgerAnswerAsFreshAsTheMinutes(EmbeddedKafka kafka) throws Exception {
    Topics topics = topicsWithPricesAndKeys(kafka, "fresh.");
    Instance only = start(kafka, topics, "fresh", Map.of(Topics.PREFIX_CONFIG, "fresh.",
        StreamsConfig.APPLICATION_ID_CONFIG, "fresh-aggregation", AggregationSettings.PREFIX + "grace", "1h",
        AggregationSettings.PREFIX + "detail-emit-interval", "1h"));
    Await.until(BOUND, () -> only.streams.state() == KafkaStreams.State.RUNNING, () -> "running");

    Instant now = Instant.now();
    try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()), topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer())) {
      for (int i = 0; i < 5; i++) { // 3 triage, 2 summarise
        producer.send(new ProducerRecord<>(topics.usage.name(), "ads", UsageEvent.newBuilder().setEventId("fresh-" + i)
            .setEventTime(now).setTeam("ads").setWorkflow(i < 3 ? "triage" : "summarise").setService("svc")
            .setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(1_000).build())).get();
      }
    }
    Set<String> servedBy = new HashSet<>();
    awaitTotal(only, "/v1/usage?scope=team&key=ads&window=1m&" + range(now), 5, servedBy); // the live figure
    String triage = "ads%7Ctriage%7Copenai%2Fgpt-4o";
    for (String window : List.of("1h", "1d")) {
      JsonNode total = read(get(only, "/v1/usage?scope=team-workflow-model&key=" + triage + "&window=" + window + "&"
          + range(now)).body()).get("total");
      assertEquals(3, total.get("event_count").asLong(), window + " of the triage series");
      assertEquals(3 * COST_PER_EVENT, total.get("cost_nano_usd").asLong(), window + " of the triage series");
    }
    JsonNode rows = read(get(only, "/v1/breakdown?scope=team-workflow-model&window=1h&" + range(now)).body())
        .get("rows");
    Map<String, Long> events = new HashMap<>();
    rows.forEach(row -> events.put(row.get("workflow").asText(), row.get("total").get("event_count").asLong()));
    assertEquals(Map.of("triage", 3L, "summarise", 2L), events, "the hours of every series of the team");
    JsonNode month = read(get(only, "/v1/period-to-date?team=ads&period=month&by=model").body());
    assertEquals(5 * COST_PER_EVENT, month.get("total").get("cost_nano_usd").asLong(), "the team's month, live");
    assertEquals(5 * COST_PER_EVENT, month.get("by_model").get(0).get("cost_nano_usd").asLong(),
        "by model, from the series' ledger and its open minutes");
  }

  /** The topics under {@code prefix}, gpt-4o's price published, and the read keys. */
  private Topics topicsWithPricesAndKeys(EmbeddedKafka kafka, String prefix) throws Exception {
    Topics topics = Topics.from(Map.of(Topics.PREFIX_CONFIG, prefix, "tokenledger.topic.usage.partitions", "4",
        "tokenledger.topic.internal.rollup-partials.partitions", "4"));
    try (var admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    TestPrices.publishGpt4o(kafka.bootstrapServers(), topics);
    keys = ReadKeys.create(kafka.bootstrapServers(), topics);
    toClose.add(keys);
    return topics;
  }

  /** Asks until the answer is a 200 with the expected event count; records who served it. */
  private JsonNode awaitTotal(Instance asked, String pathAndQuery, long events, Set<String> servedBy) {
    JsonNode[] total = new JsonNode[1];
    String[] last = {"no answer yet"};
    Await.until(BOUND, () -> {
      HttpResponse<String> response = get(asked, pathAndQuery);
      last[0] = response.statusCode() + " " + response.body();
      if (response.statusCode() != 200) {
        return false;
      }
      JsonNode body = read(response.body()).get("total");
      if (body.get("event_count").asLong() != events) {
        return false;
      }
      total[0] = body;
      servedBy.add(response.headers().firstValue("X-Tokenledger-Served-By").orElseThrow());
      return true;
    }, () -> events + " events from " + asked.name + pathAndQuery + "; last answer: " + last[0]);
    return total[0];
  }

  private HttpResponse<String> get(Instance asked, String pathAndQuery) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://" + asked.name + pathAndQuery))
          .header("Authorization", keys.financeHeader()).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private JsonNode read(String body) {
    try {
      return json.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException(body, e);
    }
  }

  /** A day either side of the events: within the 2 days that minute windows are answered for at a time. */
  private static String range(Instant now) {
    return "from=" + now.minus(Duration.ofDays(1)) + "&to=" + now.plus(Duration.ofDays(1));
  }

  private record Instance(String name, KafkaStreams streams, QueryHttpServer server) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      StreamsApps.close(streams, Duration.ofSeconds(30));
    }
  }

  private Instance start(EmbeddedKafka kafka, Topics topics, String id) throws IOException {
    return start(kafka, topics, id, Map.of());
  }

  private Instance start(EmbeddedKafka kafka, Topics topics, String id, Map<String, String> settings)
      throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String endpoint = "127.0.0.1:" + port;
    Map<String, Object> config = new HashMap<>(Map.of(Topics.PREFIX_CONFIG, "routing.",
        "tokenledger.topic.usage.partitions", "4", "tokenledger.topic.internal.rollup-partials.partitions", "4",
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        StreamsConfig.APPLICATION_ID_CONFIG, "routing-aggregation",
        StreamsConfig.APPLICATION_SERVER_CONFIG, endpoint,
        StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "routing-" + id).toString(),
        AggregationSettings.PREFIX + "grace", "5s"));
    config.putAll(settings);
    KafkaStreams streams = new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(config)),
        AggregationApp.config(config));
    streams.start();
    Instance instance = new Instance(endpoint, streams, QueryServer.start(streams, QueryServer.advertised(config),
        keys.directory()));
    toClose.add(instance);
    return instance;
  }

}
