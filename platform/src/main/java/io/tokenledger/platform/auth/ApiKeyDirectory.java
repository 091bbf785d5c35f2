package io.tokenledger.platform.auth;

import io.tokenledger.platform.topics.ClientConfigs;
import io.tokenledger.schemas.ApiKey;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The API keys every gateway instance knows: the compacted key topic, read from the start
 * and followed, kept in memory. Authentication never touches Kafka on the request path.
 */
public final class ApiKeyDirectory implements AutoCloseable {
  private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
  private final KafkaConsumer<String, ApiKey> consumer;
  private final Thread follower;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final String topicName;
  private volatile boolean running = true;

  /** Who a request is from, or why it is refused. */
  public sealed interface Identity permits Team, Refused {}

  /** A valid key: its id, its team ('*' for a read-all key) and what it may do. */
  public record Team(String keyId, String team, ApiKeyScope scope) implements Identity {
    /** Whether this key may read {@code team}'s figures. */
    public boolean reads(String otherTeam) {
      return scope == ApiKeyScope.READ_ALL || (scope == ApiKeyScope.READ_TEAM && team.equals(otherTeam));
    }

    /** Whether this key may read figures across teams (per model, per workflow, the company). */
    public boolean readsAll() {
      return scope == ApiKeyScope.READ_ALL;
    }
  }

  public record Refused(String reason) implements Identity {}

  public ApiKeyDirectory(String bootstrapServers, Topic<String, ApiKey> topic) {
    this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
  }

  /** @param settings Kafka client settings: the address, and security where the cluster needs it */
  public ApiKeyDirectory(Map<String, ?> settings, Topic<String, ApiKey> topic) {
    this.topicName = topic.name();
    Map<String, Object> config = ClientConfigs.consumer(settings);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    this.follower = new Thread(this::follow, "tokenledger-apikey-directory");
    this.follower.setDaemon(true);
    this.follower.start();
  }

  private void follow() {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(topicName).stream()
          .map(p -> new TopicPartition(topicName, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (running) {
        for (ConsumerRecord<String, ApiKey> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value() == null) {
            keys.remove(record.key());
          } else {
            keys.put(record.key(), record.value());
          }
        }
        if (caughtUp.getCount() > 0 && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  /** Waits until every key that existed at start-up is known. */
  public boolean awaitLoaded(Duration bound) throws InterruptedException {
    return caughtUp.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean loaded() {
    return caughtUp.getCount() == 0;
  }

  /** Resolves an {@code Authorization} header value. */
  public Identity identify(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return new Refused("send your tokenledger API key as 'Authorization: Bearer tlk_...'");
    }
    Optional<ApiKeyTokens.Parsed> parsed = ApiKeyTokens.parse(authorization.substring("Bearer ".length()).strip());
    if (parsed.isEmpty()) {
      return new Refused("the bearer token is not a tokenledger API key (tlk_...)");
    }
    ApiKey key = keys.get(parsed.get().keyId());
    if (key == null || !ApiKeyTokens.matches(parsed.get().secret(), key.getSecretSha256())) {
      return new Refused("unknown API key; create one with 'tokenledger keys create --team <team>'");
    }
    if (key.getRevokedAt() != null) {
      return new Refused("API key " + key.getKeyId() + " was revoked at " + key.getRevokedAt());
    }
    return new Team(key.getKeyId(), key.getTeam(), key.getScope());
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      follower.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
