package io.tokenledger.ops.cli.capacity;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.pricing.capacity.PoolCosts;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true, description = "Every version of a pool, oldest first.")
final class PoolHistory implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--pool", required = true, description = "The pool.")
  String pool;

  @Override
  public Integer call() throws Exception {
    PoolCosts costs = CapacityCommand.pools(kafka.settings(), kafka.appliedTopics()).get(pool);
    if (costs == null) {
      System.err.println("No pool named " + pool + ". 'tokenledger capacity list' shows the pools.");
      return 1;
    }
    costs.held(Instant.EPOCH, Instant.MAX).forEach(h -> System.out.println(CapacityCommand.describe(h.version())
        + (h.version().getUpdatedAt().equals(h.version().getEffectiveFrom()) ? "" : "; written " + h.version().getUpdatedAt())));
    return 0;
  }
}
