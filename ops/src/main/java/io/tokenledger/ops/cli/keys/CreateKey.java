package io.tokenledger.ops.cli.keys;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.platform.auth.ApiKeyTokens;
import io.tokenledger.schemas.ApiKeyScope;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "create", mixinStandardHelpOptions = true,
    description = {"Creates a key. The token is printed once; only its hash is kept. Scopes: ingest (default: write",
        "usage and outcomes for --team), read (read --team's figures), read-all (every team's figures: finance)."})
final class CreateKey implements Callable<Integer> {
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
      key = KeysCommand.admin(kafka).create(team, keyScope, description);
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
