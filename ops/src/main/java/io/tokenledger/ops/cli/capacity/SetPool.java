package io.tokenledger.ops.cli.capacity;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.UsdAmounts;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.capacity.CapacityRules;
import io.tokenledger.schemas.CapacityPool;
import io.tokenledger.schemas.topics.CapacityKeys;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "set", mixinStandardHelpOptions = true,
    description = {"Sets a capacity pool from a date on; earlier versions are kept (a price change mid-month is a new version).",
        "Examples:",
        "  capacity set --pool gpu-a --serves selfhosted/llama-3.1-8b --owner platform --gpu-hour-usd 2.10 --units 4 \\",
        "      --tokens-per-second 9600 --set-by infra",
        "  capacity set --pool ptu-eastus --serves azure/gpt-4o --owner platform --monthly-usd 26,280 --set-by finops",
        "  capacity set --pool dgx --serves selfhosted/llama-3.1-70b --owner research --purchase-usd 300000 \\",
        "      --amortise-months 36 --set-by finance"})
final class SetPool implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--pool", required = true, description = "The pool's name.")
  String pool;

  @Option(names = "--serves", description = "A model it serves, provider/model (repeatable).")
  List<String> serves = new ArrayList<>();

  @Option(names = "--owner", required = true, description = "The team that owns it and carries its idle capacity.")
  String owner;

  @Option(names = "--gpu-hour-usd", description = "Cost of one unit (GPU, PTU) per hour, USD.")
  String hourly;

  @Option(names = "--units", defaultValue = "1", description = "Units paid for by the hour (default: ${DEFAULT-VALUE}; 0 ends the pool).")
  int units;

  @Option(names = "--monthly-usd", description = "Cost per calendar month, USD (a subscription, a reservation billed monthly).")
  String monthly;

  @Option(names = "--purchase-usd", description = "A purchase amortised over --amortise-months: its monthly cost is the price / the months.")
  String purchase;

  @Option(names = "--amortise-months", description = "Months a purchase is amortised over.")
  Integer amortiseMonths;

  @Option(names = "--tokens-per-second", description = "What the whole pool serves per second, in its measure (tokens, or weighted tokens).")
  Long tokensPerSecond;

  @Option(names = "--output-weight", defaultValue = "1", description = "How much an output token weighs in the measure (default: ${DEFAULT-VALUE}).")
  int outputWeight;

  @Option(names = "--effective-from", description = "From when this version holds (a UTC date; default: now).")
  LocalDate effectiveFrom;

  @Option(names = "--set-by", required = true, description = "Who sets it.")
  String setBy;

  @Option(names = "--note", description = "Why, for the record.")
  String note;

  @Override
  public Integer call() throws Exception {
    CapacityPool version;
    try {
      Long monthlyNano = monthly == null ? null : UsdAmounts.parse("--monthly-usd", monthly);
      if (purchase != null) {
        if (monthly != null || amortiseMonths == null || amortiseMonths < 1) {
          throw new IllegalArgumentException("--purchase-usd needs --amortise-months (at least 1) and no --monthly-usd");
        }
        // The month's share of the purchase, rounded once: a price that does not divide evenly is
        // off by less than a nano-USD a month.
        monthlyNano = new BigDecimal(UsdAmounts.parse("--purchase-usd", purchase))
            .divide(BigDecimal.valueOf(amortiseMonths), 0, RoundingMode.HALF_EVEN).longValueExact();
      }
      Instant now = Instant.now();
      version = CapacityPool.newBuilder().setPoolId(pool).setServes(new ArrayList<>(serves)).setOwnerTeam(owner)
          .setHourlyCostNanoUsd(hourly == null ? null : UsdAmounts.parse("--gpu-hour-usd", hourly)).setUnits(units)
          .setMonthlyCostNanoUsd(monthlyNano).setCapacityTokensPerSecond(tokensPerSecond)
          .setOutputTokenWeight(outputWeight)
          .setEffectiveFrom(effectiveFrom == null ? now : effectiveFrom.atStartOfDay(ZoneOffset.UTC).toInstant())
          .setSetBy(setBy).setNote(note).setUpdatedAt(now).build();
      List<String> problems = CapacityRules.problems(version);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", problems));
      }
    } catch (IllegalArgumentException e) {
      System.err.println("Pool not set: " + e.getMessage());
      return 2;
    }
    CompactedTopics.write(kafka.settings(), kafka.appliedTopics().capacityPools, CapacityKeys.of(version), version);
    System.out.println("Set " + CapacityCommand.describe(version));
    return 0;
  }
}
