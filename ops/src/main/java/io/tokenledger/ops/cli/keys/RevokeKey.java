package io.tokenledger.ops.cli.keys;

import io.tokenledger.ops.cli.KafkaOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a key; gateways refuse it at once.")
final class RevokeKey implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "KEY_ID", description = "The key id shown by 'keys list'.")
  String keyId;

  @Override
  public Integer call() throws Exception {
    if (!KeysCommand.admin(kafka).revoke(keyId)) {
      System.err.println("No API key with id " + keyId + "; see 'tokenledger keys list'.");
      return 1;
    }
    System.out.println("Revoked key " + keyId + ".");
    return 0;
  }
}
