package io.tokenledger.ops.cli.capacity;

import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.capacity.PoolCosts;
import io.tokenledger.schemas.CapacityPool;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** Capacity pools: fixed costs that serve models, allocated to their usage; and build or buy. */
@Command(name = "capacity", mixinStandardHelpOptions = true,
    description = {"Capacity pools (self-hosted GPUs, reserved throughput, subscriptions): their cost allocated to the",
        "usage they serve, idle capacity, and build or buy against the API."},
    subcommands = {SetPool.class, ListPools.class, PoolHistory.class, PoolReport.class, ComparePool.class})
public final class CapacityCommand {
  private CapacityCommand() {}

  /** Every pool's versions, by pool. */
  public static Map<String, PoolCosts> pools(Map<String, ?> settings, Topics topics) {
    Map<String, List<CapacityPool>> versions = CompactedTopics.readLatest(settings, topics.capacityPools).values()
        .stream().collect(Collectors.groupingBy(p -> p.getPoolId().toString(), TreeMap::new, Collectors.toList()));
    Map<String, PoolCosts> pools = new TreeMap<>();
    versions.forEach((id, list) -> pools.put(id, new PoolCosts(list)));
    return pools;
  }

  static String describe(CapacityPool p) {
    String cost = p.getHourlyCostNanoUsd() != null
        ? p.getUnits() + " x " + MoneyFormat.perHour(p.getHourlyCostNanoUsd())
        : MoneyFormat.usd(p.getMonthlyCostNanoUsd()) + " a month";
    return p.getPoolId() + " from " + p.getEffectiveFrom() + ": " + (p.getUnits() == 0 ? "ended"
        : cost + ", serves " + String.join(", ", p.getServes().stream().map(CharSequence::toString).toList())
        + (p.getCapacityTokensPerSecond() == null ? ", capacity not stated"
            : String.format(", %,d tokens/s", p.getCapacityTokensPerSecond()))
        + (p.getOutputTokenWeight() == 1 ? "" : ", output tokens weigh " + p.getOutputTokenWeight()))
        + ", owner " + p.getOwnerTeam() + " (set by " + p.getSetBy() + (p.getNote() == null ? "" : ": " + p.getNote())
        + ")";
  }
}
