package io.tokenledger.ops.cli.capacity;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.ops.cli.UsdAmounts;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.capacity.CapacityRules;
import io.tokenledger.pricing.capacity.CommitmentDrawdown;
import io.tokenledger.schemas.Commitment;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.Topics;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Committed-spend agreements: set them, and see them drawn down month by month. */
@Command(name = "commitments", mixinStandardHelpOptions = true,
    description = "Committed-spend agreements with providers: discount, amount per period, drawdown and what is left.",
    subcommands = {CommitmentsCommand.Set.class, CommitmentsCommand.Show.class})
public final class CommitmentsCommand {
  private CommitmentsCommand() {}

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = {"Records an agreement (a new version replaces the old).",
          "Example: commitments set --id openai-msa-2026 --provider openai --usd 10000 --period-months 3 \\",
          "    --discount 20 --start 2026-11 --term-months 12 --owner finance-ops --set-by procurement"})
  static final class Set implements Callable<Integer> {
    @Mixin KafkaOptions kafka;
    @Option(names = "--id", required = true, description = "The agreement's identifier.") String id;
    @Option(names = "--provider", required = true, description = "The provider whose usage draws it down.") String provider;
    @Option(names = "--usd", required = true, description = "The amount committed per period, USD.") String usd;
    @Option(names = "--period-months", defaultValue = "1", description = "Months per period (default: ${DEFAULT-VALUE}).") int periodMonths;
    @Option(names = "--discount", required = true, description = "The discount on list prices, percent (e.g. 20 or 12.5).") BigDecimal discount;
    @Option(names = "--start", required = true, description = "The first month, e.g. 2026-11.") YearMonth start;
    @Option(names = "--term-months", required = true, description = "How many months it runs.") int termMonths;
    @Option(names = "--owner", required = true, description = "The team that carries its unused amount.") String owner;
    @Option(names = "--set-by", required = true, description = "Who records it.") String setBy;
    @Option(names = "--note", description = "For the record.") String note;

    @Override
    public Integer call() throws Exception {
      Commitment commitment;
      try {
        BigDecimal bp = discount.movePointRight(2);
        if (bp.stripTrailingZeros().scale() > 0) {
          throw new IllegalArgumentException("--discount is at most two decimals of a percent, not " + discount);
        }
        commitment = Commitment.newBuilder().setCommitmentId(id).setProvider(provider)
            .setAmountNanoUsd(UsdAmounts.parse("--usd", usd)).setPeriodMonths(periodMonths)
            .setDiscountBasisPoints(bp.intValueExact()).setStart(start.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant())
            .setTermMonths(termMonths).setOwnerTeam(owner).setSetBy(setBy).setNote(note).setUpdatedAt(Instant.now())
            .build();
        List<String> problems = CapacityRules.problems(commitment);
        if (!problems.isEmpty()) {
          throw new IllegalArgumentException(String.join("; ", problems));
        }
      } catch (IllegalArgumentException | ArithmeticException e) {
        System.err.println("Commitment not set: " + e.getMessage());
        return 2;
      }
      CompactedTopics.write(kafka.settings(), kafka.appliedTopics().commitments, id, commitment);
      System.out.println("Set " + describe(commitment));
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = {"Every agreement drawn down month by month from the ledger: list cost, at the commitment's",
          "price, drawn, over (at list, not covered), left; and whether the current period is on pace to leave money",
          "unused."})
  static final class Show implements Callable<Integer> {
    @Mixin KafkaOptions kafka;
    @Option(names = "--until", description = "The last month shown (default: this month).") YearMonth until;

    @Override
    public Integer call() throws Exception {
      Topics topics = kafka.appliedTopics();
      Map<String, Commitment> commitments = CompactedTopics.readLatest(kafka.settings(), topics.commitments);
      if (commitments.isEmpty()) {
        System.out.println("No commitments. Record one with 'tokenledger commitments set'.");
        return 0;
      }
      YearMonth last = until != null ? until : YearMonth.now(ZoneOffset.UTC);
      Map<String, Map<YearMonth, Long>> listByProvider = CommitmentDrawdown.listByProvider(LedgerReads.buckets(kafka.settings(), topics,
          b -> b.getProvider() != null).values());
      Instant now = Instant.now();
      for (Commitment c : new TreeMap<>(commitments).values()) {
        Map<YearMonth, Long> list = listByProvider.getOrDefault(c.getProvider().toString(), Map.of());
        System.out.print(render(c, CommitmentDrawdown.months(c, list, last), now));
      }
      return 0;
    }
  }

  static String describe(Commitment c) {
    return String.format("%s with %s: %s %s at %s off list, %d months from %s, owner %s (set by %s)",
        c.getCommitmentId(), c.getProvider(), MoneyFormat.usd(c.getAmountNanoUsd()), c.getPeriodMonths() == 1
            ? "a month" : "per " + c.getPeriodMonths() + " months", BigDecimal.valueOf(c.getDiscountBasisPoints(), 2).stripTrailingZeros()
            .toPlainString() + "%", c.getTermMonths(), YearMonth.from(c.getStart().atZone(ZoneOffset.UTC)),
        c.getOwnerTeam(), c.getSetBy());
  }

  /** An agreement's months, and its current period's outlook when it runs now. */
  public static String render(Commitment c, List<CommitmentDrawdown.Month> months, Instant now) {
    StringBuilder out = new StringBuilder(describe(c)).append(System.lineSeparator());
    out.append(String.format("  %-8s %14s %14s %14s %14s %14s%n", "month", "list", "discounted", "drawn",
        "over at list", "left"));
    for (CommitmentDrawdown.Month m : months) {
      out.append(String.format("  %-8s %14s %14s %14s %14s %14s%n", m.month(), MoneyFormat.usd(m.listNanoUsd()),
          MoneyFormat.usd(m.discountedNanoUsd()), MoneyFormat.usd(m.drawnNanoUsd()), MoneyFormat.usd(m.overageNanoUsd()),
          MoneyFormat.usd(m.remainingNanoUsd())));
    }
    YearMonth current = YearMonth.from(now.atZone(ZoneOffset.UTC));
    long soFar = months.stream().filter(m -> !m.month().isAfter(current)
        && m.periodStart().equals(CommitmentDrawdown.periodOf(c, current))).mapToLong(m -> m.discountedNanoUsd()).sum();
    CommitmentDrawdown.outlook(c, soFar, now).ifPresent(o -> out.append(o.underUsed()
        ? String.format("  On pace for %s of %s by %s: %s would go unused (%s's).%n", MoneyFormat.usd(o.projectedNanoUsd()),
            MoneyFormat.usd(o.amountNanoUsd()), o.periodEnd(), MoneyFormat.usd(o.projectedUnusedNanoUsd()), c.getOwnerTeam())
        : String.format("  On pace to use all of %s by %s.%n", MoneyFormat.usd(o.amountNanoUsd()), o.periodEnd())));
    return out.toString();
  }
}
