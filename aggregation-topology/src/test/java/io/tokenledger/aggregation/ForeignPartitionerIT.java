package io.tokenledger.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.aggregation.query.QueryServer;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.topics.TeamPartitions;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.ReadKeys;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.TopicReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A producer outside the JVM partitions by CRC32 of the key (librdkafka's default), so some of a
 * team's usage lands in another partition than murmur2's, mixed with correctly placed records.
 * Every figure must still equal the tally, counted once in the team's task, and never go down.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ForeignPartitionerIT {
  private static final Duration BOUND = Duration.ofSeconds(90);
  private static final int PARTITIONS = 4;
  private static final String APP = "foreign-aggregation";
  private static final List<String> TEAMS = List.of("support", "finance", "growth", "platform", "research");
  private static final int EVENTS_PER_TEAM = 6;
  private static final long COST = TestPrices.COST_OF_1000_INPUT_TOKENS_NANO_USD;

  @Test
  void usageInAnotherPartitionThanItsTeamsIsCountedOnceWhereItBelongs(EmbeddedKafka kafka) throws Exception {
    Map<String, Object> base = Map.of(Topics.PREFIX_CONFIG, "foreign.",
        "tokenledger.topic.usage.partitions", Integer.toString(PARTITIONS),
        "tokenledger.topic.internal.rollup-partials.partitions", Integer.toString(PARTITIONS),
        AggregationSettings.PREFIX + "grace", "5s");
    Topics topics = Topics.from(base);
    try (Admin admin = kafka.admin()) {
      TopicApplier.apply(admin, topics.all());
    }
    TestPrices.publishGpt4o(kafka.bootstrapServers(), topics);
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));

    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Map<String, Object> config = new HashMap<>(base);
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
    config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
    config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "foreign").toString());
    KafkaStreams streams = new KafkaStreams(AggregationApp.buildTopology(topics, AggregationSettings.from(config)),
        AggregationApp.config(config));
    streams.start();
    try (ReadKeys keys = ReadKeys.create(kafka.bootstrapServers(), topics);
        QueryHttpServer server = QueryServer.start(streams, QueryServer.advertised(config), keys.directory());
        var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers()), topics.usage.keySerde().serializer(), topics.usage.valueSerde().serializer());
        var team1m = new TopicReader<>(kafka.bootstrapServers(), topics.teamAggregates1m);
        var ledger = new TopicReader<>(kafka.bootstrapServers(), topics.teamLedger15m);
        var model1m = new TopicReader<>(kafka.bootstrapServers(), topics.modelAggregates1m)) {
      int misplaced = 0;
      for (String team : TEAMS) {
        for (int i = 0; i < EVENTS_PER_TEAM; i++) {
          int partition = i % 2 == 0 ? crc32Partition(team) : TeamPartitions.partitionOf(team, PARTITIONS);
          misplaced += partition == TeamPartitions.partitionOf(team, PARTITIONS) ? 0 : 1;
          producer.send(new ProducerRecord<>(topics.usage.name(), partition, team,
              event(team + "-" + i, team, minute.plusSeconds(i)))).get();
        }
      }
      assertTrue(misplaced >= 6, "CRC32 places at least two of the five teams elsewhere: " + misplaced);
      // Live figures show every team's events counted (re-routed ones included) before the minute is
      // closed; the final records after it must then show exactly the same.
      team1m.readUntil(BOUND, r -> TEAMS.stream().allMatch(t -> latest(r, t, minute) == EVENTS_PER_TEAM),
          "every team's live minute with all its events");
      // Now close the minute in every task: one later event in each partition, placed by murmur2.
      for (int p = 0; p < PARTITIONS; p++) {
        String clock = teamIn(p);
        producer.send(new ProducerRecord<>(topics.usage.name(), p, clock,
            event("clock-" + p, clock, minute.plus(Duration.ofMinutes(3))))).get();
      }

      List<ConsumerRecord<String, UsageAggregate>> models = model1m.readUntil(BOUND,
          r -> r.stream().anyMatch(a -> a.value().getIsFinal() && a.value().getWindowStart().equals(minute)),
          "the final gpt-4o minute across teams");
      UsageAggregate gpt4o = models.stream().filter(a -> a.value().getIsFinal()
          && a.value().getWindowStart().equals(minute)).findFirst().orElseThrow().value();
      assertEquals(TEAMS.size() * EVENTS_PER_TEAM, gpt4o.getEventCount());
      assertEquals(TEAMS.size() * EVENTS_PER_TEAM * COST, gpt4o.getCostNanoUsd());

      List<ConsumerRecord<String, UsageAggregate>> teams = team1m.readUntil(BOUND, r -> TEAMS.stream()
          .allMatch(t -> r.stream().anyMatch(a -> a.key().equals(t) && a.value().getIsFinal()
              && a.value().getWindowStart().equals(minute))), "every team's final minute");
      for (String team : TEAMS) {
        List<UsageAggregate> finals = teams.stream().filter(a -> a.key().equals(team) && a.value().getIsFinal())
            .map(ConsumerRecord::value).toList();
        assertEquals(1, finals.size(), team + ": one final minute, from one task");
        assertEquals(EVENTS_PER_TEAM, finals.get(0).getEventCount(), team);
        assertEquals(EVENTS_PER_TEAM * COST, finals.get(0).getCostNanoUsd(), team);
      }
      assertNeverDown(teams);

      Instant bucket = minute.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(
          15 * (minute.atZone(java.time.ZoneOffset.UTC).getMinute() / 15)));
      List<ConsumerRecord<String, UsageAggregate>> buckets = ledger.readUntil(BOUND, r -> TEAMS.stream()
          .allMatch(t -> latest(r, t, bucket) == EVENTS_PER_TEAM), "every team's ledger bucket");
      assertNeverDown(buckets);
      for (String team : TEAMS) {
        JsonNode total = periodToDate(port, keys, team, minute);
        assertEquals(EVENTS_PER_TEAM, total.get("event_count").asLong(), team);
        assertEquals(EVENTS_PER_TEAM * COST, total.get("cost_nano_usd").asLong(), team);
      }
    } finally {
      StreamsApps.close(streams, Duration.ofSeconds(30));
    }
  }

  /** librdkafka's default for keyed records: CRC32 of the key bytes. */
  private static int crc32Partition(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }

  private static String teamIn(int partition) {
    for (int i = 0; ; i++) {
      if (TeamPartitions.partitionOf("clock-" + i, PARTITIONS) == partition) {
        return "clock-" + i;
      }
    }
  }

  /** Each record is cumulative for its (key, window): none may show less than one before it. */
  private static void assertNeverDown(List<ConsumerRecord<String, UsageAggregate>> records) {
    Map<String, Long> last = new HashMap<>();
    for (ConsumerRecord<String, UsageAggregate> r : records) {
      String window = r.key() + "@" + r.value().getWindowStart();
      long before = last.getOrDefault(window, 0L);
      assertTrue(r.value().getEventCount() >= before, window + " went down from " + before + " to "
          + r.value().getEventCount());
      last.put(window, r.value().getEventCount());
    }
  }

  private static long latest(List<ConsumerRecord<String, UsageAggregate>> records, String key, Instant start) {
    long latest = -1;
    for (ConsumerRecord<String, UsageAggregate> r : records) {
      if (r.key().equals(key) && r.value().getWindowStart().equals(start)) {
        latest = r.value().getEventCount();
      }
    }
    return latest;
  }

  private static JsonNode periodToDate(int port, ReadKeys keys, String team, Instant at) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + port + "/v1/period-to-date?team=" + team + "&period=month&zone=UTC&at=" + at))
        .header("Authorization", keys.financeHeader()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new ObjectMapper().readTree(response.body()).get("total");
  }

  private static UsageEvent event(String id, String team, Instant at) {
    return UsageEvent.newBuilder().setEventId(id).setEventTime(at).setTeam(team).setWorkflow("triage")
        .setService("svc").setProvider("openai").setModel("gpt-4o")
        .setUncachedInputTokens(id.startsWith("clock") ? 0 : 1_000).build();
  }

}
