package io.tokenledger.ops.cli;

import io.tokenledger.ingest.gateway.auth.ApiKeyAdmin;
import io.tokenledger.ingest.gateway.auth.ApiKeyTokens;
import io.tokenledger.schemas.ApiKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manages API keys of the HTTP ingest gateway.",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand {

  private static ApiKeyAdmin admin(KafkaOptions kafka) throws Exception {
    return new ApiKeyAdmin(kafka.settings(), kafka.appliedTopics().apiKeys);
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates a key that may write usage for one team. The token is printed once; only its hash is kept.")
  static final class Create implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--team", required = true, description = "The only team this key may write usage for.")
    String team;

    @Option(names = "--description", description = "What the key is for, e.g. the calling service.")
    String description;

    @Override
    public Integer call() throws Exception {
      ApiKeyTokens.Generated key = admin(kafka).create(team, description);
      System.out.println("Created key " + key.keyId() + " for team " + team + ". Store this token now; it is not shown again:");
      System.out.println(key.token());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists keys (ids, teams, state; never secrets).")
  static final class ListKeys implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      System.out.printf("%-20s %-20s %-26s %-10s %s%n", "KEY ID", "TEAM", "CREATED", "STATE", "DESCRIPTION");
      for (ApiKey key : admin(kafka).list()) {
        System.out.printf("%-20s %-20s %-26s %-10s %s%n", key.getKeyId(), key.getTeam(), key.getCreatedAt(),
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
