package io.tokenledger.ops.cli;

import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyTokens;
import io.tokenledger.schemas.ApiKey;
import io.tokenledger.schemas.ApiKeyScope;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Manages API keys: ingest keys for the gateway, read keys for the query APIs.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand {

  private static ApiKeyAdmin admin(KafkaOptions kafka) throws Exception {
    return new ApiKeyAdmin(kafka.settings(), kafka.appliedTopics().apiKeys);
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Creates a key. The token is printed once; only its hash is kept. Scopes: ingest (default: write",
          "usage and outcomes for --team), read (read --team's figures), read-all (every team's figures: finance)."})
  static final class Create implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--team", description = "The key's team (not for read-all).")
    String team;

    @Option(names = "--scope", defaultValue = "ingest", description = "ingest, read or read-all (default: ${DEFAULT-VALUE}).")
    String scope;

    @Option(names = "--description", description = "What the key is for, e.g. the calling service.")
    String description;

    @Override
    public Integer call() throws Exception {
      ApiKeyScope keyScope = switch (scope) {
        case "ingest" -> ApiKeyScope.INGEST;
        case "read" -> ApiKeyScope.READ_TEAM;
        case "read-all" -> ApiKeyScope.READ_ALL;
        default -> null;
      };
      if (keyScope == null) {
        System.err.println("--scope must be ingest, read or read-all, not '" + scope + "'");
        return 2;
      }
      ApiKeyTokens.Generated key;
      try {
        key = admin(kafka).create(team, keyScope, description);
      } catch (IllegalArgumentException e) {
        System.err.println("No key created: " + e.getMessage());
        return 2;
      }
      System.out.println("Created " + scope + " key " + key.keyId() + (keyScope == ApiKeyScope.READ_ALL ? " for every team"
          : " for team " + team) + ". Store this token now; it is not shown again:");
      System.out.println(key.token());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists keys (ids, teams, state; never secrets).")
  static final class ListKeys implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      System.out.printf("%-20s %-20s %-10s %-26s %-10s %s%n", "KEY ID", "TEAM", "SCOPE", "CREATED", "STATE",
          "DESCRIPTION");
      for (ApiKey key : admin(kafka).list()) {
        System.out.printf("%-20s %-20s %-10s %-26s %-10s %s%n", key.getKeyId(), key.getTeam(), key.getScope(),
            key.getCreatedAt(),
            key.getRevokedAt() == null ? "active" : "revoked", key.getDescription() == null ? "" : key.getDescription());
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a key; gateways refuse it at once.")
  static final class Revoke implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Parameters(paramLabel = "KEY_ID", description = "The key id shown by 'keys list'.")
    String keyId;

    @Override
    public Integer call() throws Exception {
      if (!admin(kafka).revoke(keyId)) {
        System.err.println("No API key with id " + keyId + "; see 'tokenledger keys list'.");
        return 1;
      }
      System.out.println("Revoked key " + keyId + ".");
      return 0;
    }
  }
}
