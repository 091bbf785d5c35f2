package io.tokenledger.ingest.gateway.auth;

import io.tokenledger.schemas.ApiKey;
import io.tokenledger.schemas.topics.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** Creates, lists and revokes API keys on the key topic (what {@code tokenledger keys} runs). */
public final class ApiKeyAdmin {
  private static final Duration READ_BOUND = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Topic<String, ApiKey> topic;

  public ApiKeyAdmin(String bootstrapServers, Topic<String, ApiKey> topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
  }

  /** Stores a new key for the team; the returned token is the only copy of its secret. */
  public ApiKeyTokens.Generated create(String team, String description) throws Exception {
    if (team == null || team.isBlank()) {
      throw new IllegalArgumentException("A key needs the team it may write for (--team)");
    }
    ApiKeyTokens.Generated generated = ApiKeyTokens.generate();
    write(ApiKey.newBuilder().setKeyId(generated.keyId()).setTeam(team).setSecretSha256(generated.secretSha256())
        .setDescription(description).setCreatedAt(Instant.now()).build());
    return generated;
  }

  /** Marks a key revoked (kept for audit). Returns false if there is no such key. */
  public boolean revoke(String keyId) throws Exception {
    Optional<ApiKey> key = list().stream().filter(k -> k.getKeyId().equals(keyId)).findFirst();
    if (key.isEmpty()) {
      return false;
    }
    write(ApiKey.newBuilder(key.get()).setRevokedAt(Instant.now()).build());
    return true;
  }

  /** Every key, as last written. Secrets are not stored, so none can be shown. */
  public List<ApiKey> list() {
    Map<String, ApiKey> latest = new LinkedHashMap<>();
    try (KafkaConsumer<String, ApiKey> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.GROUP_ID_CONFIG, "tokenledger-keys-list-" + UUID.randomUUID(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), READ_BOUND).stream()
          .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_BOUND);
      long deadline = System.nanoTime() + READ_BOUND.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Could not read the API key topic " + topic.name() + " within " + READ_BOUND);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.value() == null) {
            latest.remove(r.key());
          } else {
            latest.put(r.key(), r.value());
          }
        });
      }
    }
    return new ArrayList<>(latest.values());
  }

  private void write(ApiKey key) throws InterruptedException, ExecutionException, TimeoutException {
    try (KafkaProducer<String, ApiKey> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key.getKeyId(), key)).get(30, TimeUnit.SECONDS);
    }
  }
}
