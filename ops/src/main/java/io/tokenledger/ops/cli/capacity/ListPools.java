package io.tokenledger.ops.cli.capacity;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.pricing.capacity.PoolCosts;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every pool as it is now (and what is set to change).")
final class ListPools implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    Map<String, PoolCosts> pools = CapacityCommand.pools(kafka.settings(), kafka.appliedTopics());
    if (pools.isEmpty()) {
      System.out.println("No capacity pools. Set one with 'tokenledger capacity set --pool ... --serves provider/model ...'.");
    }
    Instant now = Instant.now();
    pools.values().forEach(pool -> {
      System.out.println(pool.at(now).map(CapacityCommand::describe).orElse(pool.poolId() + ": not in force yet"));
      pool.held(now, Instant.MAX).stream().skip(1).forEach(next -> System.out.println("  then " + CapacityCommand
          .describe(next.version())));
    });
    return 0;
  }
}
