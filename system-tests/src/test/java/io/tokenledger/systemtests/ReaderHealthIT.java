package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.query.AlertFeed;
import io.tokenledger.alerting.query.AlertQueries;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.Await;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The topic readers behind a query server (the API keys, the alert feed) on a real broker: a record
 * that does not deserialize and a tombstone on an alert topic are skipped and counted, the readers
 * go on; a reader whose consumer fails turns {@code /healthz} 503 within seconds and green again
 * once it has reconnected, and a key revoked after that is refused.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ReaderHealthIT {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A real consumer whose polls fail while {@code broken} is set, like one that lost its broker. */
  static final class Breakable extends KafkaConsumer<byte[], byte[]> {
    private final AtomicBoolean broken;

    Breakable(Map<String, Object> config, AtomicBoolean broken) {
      super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      this.broken = broken;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      if (broken.get()) {
        throw new KafkaException("injected: the broker is out of reach");
      }
      return super.poll(timeout);
    }
  }

  @Test
  void aFailedReaderTurnsHealthRedThenGreenAndBadRecordsAreSkipped(EmbeddedKafka kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(Topics.PREFIX_CONFIG, "health-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    Topics topics = Topics.from(config);
    TopicApplier.apply(kafka.admin(), topics.all());
    ApiKeyAdmin admin = new ApiKeyAdmin(bootstrap, topics.apiKeys);
    String before = admin.create(null, ApiKeyScope.READ_ALL, "before").token();
    try (var raw = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(topics.apiKeys.name(), "garbage".getBytes(), "not avro".getBytes())).get();
      raw.send(new ProducerRecord<>(topics.budgetAlerts.name(), "tombstone".getBytes(), null)).get();
    }
    String after = admin.create(null, ApiKeyScope.READ_ALL, "after").token();

    AtomicBoolean broken = new AtomicBoolean();
    int port = Ports.free();
    Map<String, Object> streamsConfig = new HashMap<>(config);
    streamsConfig.put(StreamsConfig.APPLICATION_ID_CONFIG, "health-" + UUID.randomUUID());
    streamsConfig.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "health").toString());
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topics.budgetStatus.name(), org.apache.kafka.streams.kstream.Consumed.with(
        org.apache.kafka.common.serialization.Serdes.ByteArray(), org.apache.kafka.common.serialization.Serdes.ByteArray()))
        .foreach((k, v) -> { });
    Properties props = new Properties();
    props.putAll(streamsConfig);
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
         ApiKeyDirectory keys = new ApiKeyDirectory(config, topics.apiKeys, c -> new Breakable(c, broken));
         AlertFeed feed = new AlertFeed(config, topics, AlertingApp.FEED_LOOKBACK)) {
      streams.start();
      try (QueryHttpServer server = AlertQueries.start(streams, new HostInfo("127.0.0.1", port), feed, keys)) {
        JsonNode healthy = Await.value(BOUND, () -> health(port, 200), "/healthz 200");
        assertEquals(7, healthy.get("readers").size(), healthy.toString());
        JsonNode keyReader = healthy.get("readers").get(0);
        assertEquals(topics.apiKeys.name(), keyReader.get("topic").asText());
        assertEquals("following", keyReader.get("state").asText());
        assertEquals(1, keyReader.get("skipped").asLong(), "the garbage key record is skipped and counted");
        for (JsonNode reader : healthy.get("readers")) {
          if (!reader.get("topic").asText().equals(topics.apiKeys.name())) {
            assertEquals(0, reader.get("skipped").asLong(), reader.toString()); // the tombstone is passed over
          }
        }
        assertEquals(200, get(port, "/v1/budgets", after).statusCode(), "the key after the bad record is known");

        broken.set(true);
        JsonNode down = Await.value(Duration.ofSeconds(20), () -> health(port, 503), "/healthz 503 after the reader failed");
        assertEquals("down", down.get("readers").get(0).get("state").asText(), down.toString());
        assertTrue(down.get("readers").get(0).get("error").asText().contains("out of reach"), down.toString());

        broken.set(false);
        Await.value(Duration.ofSeconds(30), () -> health(port, 200), "/healthz 200 after the reader reconnected");
        admin.revoke(keyId(before));
        Await.until(BOUND, () -> get(port, "/v1/budgets", before).statusCode() == 401,
            () -> "the key revoked after the reconnect to be refused");
      }
    }
  }

  private static String keyId(String token) {
    return io.tokenledger.platform.auth.ApiKeyTokens.parse(token).orElseThrow().keyId();
  }

  private static JsonNode health(int port, int wanted) {
    try {
      HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
          .build(), HttpResponse.BodyHandlers.ofString());
      return answer.statusCode() == wanted ? JSON.readTree(answer.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static HttpResponse<String> get(int port, String path, String token) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
