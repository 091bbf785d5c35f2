package io.tokenledger.ops.cli.keys;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.schemas.ApiKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists keys (ids, teams, state; never secrets).")
final class ListKeys implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    System.out.printf("%-20s %-20s %-10s %-26s %-10s %s%n", "KEY ID", "TEAM", "SCOPE", "CREATED", "STATE",
        "DESCRIPTION");
    for (ApiKey key : KeysCommand.admin(kafka).list()) {
      System.out.printf("%-20s %-20s %-10s %-26s %-10s %s%n", key.getKeyId(), key.getTeam(), key.getScope(),
          key.getCreatedAt(),
          key.getRevokedAt() == null ? "active" : "revoked", key.getDescription() == null ? "" : key.getDescription());
    }
    return 0;
  }
}
