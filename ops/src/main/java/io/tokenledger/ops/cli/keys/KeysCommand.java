package io.tokenledger.ops.cli.keys;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import picocli.CommandLine.Command;

@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Manages API keys: ingest keys for the gateway, read keys for the query APIs.",
    subcommands = {CreateKey.class, ListKeys.class, RevokeKey.class})
public final class KeysCommand {
  private KeysCommand() {}

  static ApiKeyAdmin admin(KafkaOptions kafka) throws Exception {
    return new ApiKeyAdmin(kafka.settings(), kafka.appliedTopics().apiKeys);
  }
}
