package io.tokenledger.platform.auth;

import io.tokenledger.schemas.ApiKey;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.topics.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Creates, lists and revokes API keys on the key topic (what {@code tokenledger keys} runs). */
public final class ApiKeyAdmin {
  /** The team of a read-all key. */
  public static final String ALL_TEAMS = "*";
  private final Map<String, ?> settings;
  private final Topic<String, ApiKey> topic;

  public ApiKeyAdmin(String bootstrapServers, Topic<String, ApiKey> topic) {
    this(Map.of("bootstrap.servers", bootstrapServers), topic);
  }

  /** @param settings Kafka client settings: the address, and security where the cluster needs it */
  public ApiKeyAdmin(Map<String, ?> settings, Topic<String, ApiKey> topic) {
    this.settings = settings;
    this.topic = topic;
  }

  /** Stores a new ingest key for the team; the returned token is the only copy of its secret. */
  public ApiKeyTokens.Generated create(String team, String description) throws Exception {
    return create(team, ApiKeyScope.INGEST, description);
  }

  /**
   * Stores a new key; the returned token is the only copy of its secret. A read-all key has no
   * team of its own: its team is '*'.
   */
  public ApiKeyTokens.Generated create(String team, ApiKeyScope scope, String description) throws Exception {
    String owner = scope == ApiKeyScope.READ_ALL ? ALL_TEAMS : team;
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("A " + scope + " key needs its team (--team)");
    }
    if (scope != ApiKeyScope.READ_ALL && ALL_TEAMS.equals(owner)) {
      throw new IllegalArgumentException("'*' is the team of read-all keys only; give a team's name");
    }
    ApiKeyTokens.Generated generated = ApiKeyTokens.generate();
    write(ApiKey.newBuilder().setKeyId(generated.keyId()).setTeam(owner).setSecretSha256(generated.secretSha256())
        .setDescription(description).setCreatedAt(Instant.now()).setScope(scope).build());
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
    return new ArrayList<>(CompactedTopics.readLatest(settings, topic).values());
  }

  private void write(ApiKey key) throws Exception {
    CompactedTopics.write(settings, topic, key.getKeyId(), key);
  }
}
