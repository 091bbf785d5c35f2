package io.tokenledger.platform.auth;

import io.tokenledger.platform.topics.TopicFollower;
import io.tokenledger.platform.topics.TopicReaders;
import io.tokenledger.schemas.ApiKey;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API keys every gateway instance knows: the compacted key topic, read from the start
 * and followed, kept in memory. Authentication never touches Kafka on the request path.
 */
public final class ApiKeyDirectory implements TopicReaders, AutoCloseable {
  private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
  private final TopicFollower<String, ApiKey> follower;

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
    this(Map.of("bootstrap.servers", bootstrapServers), topic);
  }

  /** @param settings Kafka client settings: the address, and security where the cluster needs it */
  public ApiKeyDirectory(Map<String, ?> settings, Topic<String, ApiKey> topic) {
    this(settings, topic, TopicFollower.ConsumerFactory.KAFKA);
  }

  public ApiKeyDirectory(Map<String, ?> settings, Topic<String, ApiKey> topic, TopicFollower.ConsumerFactory consumers) {
    this.follower = new TopicFollower<>(settings, topic, null, record -> {
      if (record.value() == null) {
        keys.remove(record.key());
      } else {
        keys.put(record.key(), record.value());
      }
    }, consumers);
  }

  /** The key topic's reader: while it is down, revocations are not seen, so health says so. */
  @Override
  public List<TopicFollower.Health> readers() {
    return List.of(follower.health());
  }

  /** Waits until every key that existed at start-up is known. */
  public boolean awaitLoaded(Duration bound) throws InterruptedException {
    return follower.awaitLoaded(bound);
  }

  public boolean loaded() {
    return follower.loaded();
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
    follower.close();
  }
}
