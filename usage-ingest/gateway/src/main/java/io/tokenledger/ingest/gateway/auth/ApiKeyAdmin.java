package io.tokenledger.ingest.gateway.auth;

import io.tokenledger.schemas.ApiKey;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.schemas.topics.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Creates, lists and revokes API keys on the key topic (what {@code tokenledger keys} runs). */
public final class ApiKeyAdmin {
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
    return new ArrayList<>(CompactedTopics.readLatest(settings, topic).values());
  }

  private void write(ApiKey key) throws Exception {
    CompactedTopics.write(settings, topic, key.getKeyId(), key);
  }
}
