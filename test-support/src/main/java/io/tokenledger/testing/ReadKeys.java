package io.tokenledger.testing;

import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;

/**
 * Read keys for tests of the query APIs: a read-all (finance) key, team keys on demand, and the
 * directory the query servers check them against, each key usable before it is handed out.
 */
public final class ReadKeys implements AutoCloseable {
  private static final Duration BOUND = Duration.ofSeconds(60);
  private final ApiKeyAdmin admin;
  private final ApiKeyDirectory directory;
  private final String readAll;

  private ReadKeys(String bootstrapServers, Topics topics) throws Exception {
    admin = new ApiKeyAdmin(bootstrapServers, topics.apiKeys);
    directory = new ApiKeyDirectory(bootstrapServers, topics.apiKeys);
    readAll = usable(admin.create(null, ApiKeyScope.READ_ALL, "tests: finance").token());
  }

  public static ReadKeys create(String bootstrapServers, Topics topics) throws Exception {
    return new ReadKeys(bootstrapServers, topics);
  }

  /** The directory to give query servers. */
  public ApiKeyDirectory directory() {
    return directory;
  }

  /** {@code Bearer <read-all key>}, the value of an Authorization header. */
  public String financeHeader() {
    return "Bearer " + readAll;
  }

  /** A new key of {@code scope} for {@code team}, once the directory knows it. */
  public String key(String team, ApiKeyScope scope) throws Exception {
    return usable(admin.create(team, scope, "tests").token());
  }

  private String usable(String token) {
    Await.until(BOUND, () -> directory.identify("Bearer " + token) instanceof ApiKeyDirectory.Team,
        () -> "the key directory to know a new key");
    return token;
  }

  @Override
  public void close() {
    directory.close();
  }
}
