package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.query.QueryRouter;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances of one Streams app under dashboard-like load, every question about a key the
 * other instance owns, so that each request is forwarded: with one pool of threads per server,
 * both pools filled with requests waiting on each other and every answer timed out; with
 * forwarded requests on a pool of their own, every answer is 200.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class QueryForwardingIT {
  private static final String STORE = "forwarding-store";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void twoInstancesAskingEachOtherUnderLoadAllAnswer(EmbeddedKafka kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    String prefix = "fwd-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    Topics topics = Topics.from(Map.of(Topics.PREFIX_CONFIG, prefix));
    TopicApplier.apply(kafka.admin(), List.of(topics.apiKeys));
    String input = prefix + "input";
    kafka.admin().createTopics(List.of(new NewTopic(input, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
    String token = new ApiKeyAdmin(bootstrap, topics.apiKeys).create(null, ApiKeyScope.READ_ALL, "load").token();
    String applicationId = "fwd-" + UUID.randomUUID();

    List<Instance> instances = new ArrayList<>();
    try (ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys)) {
      keys.awaitLoaded(Duration.ofSeconds(30));
      for (int i = 0; i < 2; i++) {
        instances.add(new Instance(bootstrap, applicationId, input, Ports.free(), keys));
      }
      Await.until(Duration.ofSeconds(60), () -> instances.stream().allMatch(Instance::ownsOnePartition),
          () -> "each instance to own one partition");
      // A key owned by each instance, asked of the other one.
      Map<Integer, String> keyOwnedBy = new TreeMap<>();
      for (int k = 0; keyOwnedBy.size() < 2; k++) {
        KeyQueryMetadata owner = instances.get(0).streams.queryMetadataForKey(STORE, "team-" + k,
            Serdes.String().serializer());
        keyOwnedBy.putIfAbsent(owner.activeHost().port(), "team-" + k);
      }

      int perInstance = 4 * (8 + 1); // well past the callers' pool of either version
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int round = 0; round < perInstance; round++) {
        for (int i = 0; i < 2; i++) {
          Instance asked = instances.get(i);
          Instance other = instances.get(1 - i);
          String key = keyOwnedBy.get(other.port);
          answers.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + asked.port
              + "/v1/slow?key=" + key)).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60))
              .build(), HttpResponse.BodyHandlers.ofString()));
        }
      }
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        statuses.merge(answer.get(120, TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
      }
      assertEquals(Map.of(200, answers.size()), statuses);
    } finally {
      for (Instance instance : instances) {
        instance.close();
      }
    }
  }

  private static final class Instance implements AutoCloseable {
    final KafkaStreams streams;
    final QueryHttpServer server;
    final int port;

    Instance(String bootstrap, String applicationId, String input, int port, ApiKeyDirectory keys) throws Exception {
      this.port = port;
      StreamsBuilder builder = new StreamsBuilder();
      builder.table(input, Consumed.with(Serdes.String(), Serdes.String()),
          Materialized.<String, String, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes,
              byte[]>>as(STORE));
      Properties config = new Properties();
      config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
      config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + port);
      config.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(Path.of("target"), "fwd").toString());
      streams = new KafkaStreams(builder.build(), config);
      streams.start();
      QueryRouter router = new QueryRouter(streams, new HostInfo("127.0.0.1", port));
      // A slow local answer, as a scan of many windows is: each request holds a thread for a while.
      server = QueryHttpServer.start(router, port, Map.of("/v1/slow", request -> router.route(STORE,
          request.params().get("key"), request, partition -> {
            try {
              Thread.sleep(300);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return router.answer(200, Map.of("partition", partition));
          })), keys);
    }

    boolean ownsOnePartition() {
      return streams.state() == KafkaStreams.State.RUNNING && streams.metadataForLocalThreads().stream()
          .mapToInt(t -> t.activeTasks().size()).sum() == 1;
    }

    @Override
    public void close() {
      server.close();
      streams.close(Duration.ofSeconds(10));
    }
  }
}
