package io.tokenledger.ops.cli.plan;

import io.tokenledger.economics.plan.PlanAdvice;
import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.plan.PlanOutlook;
import io.tokenledger.pricing.plan.Quarter;
import io.tokenledger.schemas.TokenPlan;
import io.tokenledger.schemas.topics.Topics;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "advise", mixinStandardHelpOptions = true,
    description = {"Where the quarter's plan buys the most successful outcomes per dollar: workflows whose agent is",
        "cheaper than a person and whose forecast passes their plan (fund), workflows where a person is cheaper",
        "(cut), and what moving plan between them changes, priced with the forecast's price trend."})
final class AdvisePlan implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--quarter", description = "The quarter, e.g. 2027-Q1 (default: this quarter).")
  String quarter;

  @Option(names = "--as-of", description = "The day actuals stop and the forecast starts (default: today, UTC).")
  LocalDate asOf;

  @Override
  public Integer call() throws Exception {
    LocalDate day = asOf != null ? asOf : LocalDate.now(ZoneOffset.UTC);
    Quarter q;
    try {
      q = quarter == null ? Quarter.of(day) : Quarter.parse(quarter);
    } catch (IllegalArgumentException e) {
      System.err.println("No advice: " + e.getMessage());
      return 2;
    }
    Topics topics = kafka.appliedTopics();
    List<TokenPlan> plans = List.copyOf(CompactedTopics.readLatest(kafka.settings(), topics.plans).values());
    List<PlanOutlook.Line> lines = PlanOutlook.of(q, day, plans,
        LedgerReads.buckets(kafka.settings(), topics, b -> true).values(), LedgerReads.catalog(kafka.settings(), topics),
        List.of());
    List<PlanAdvice.Advice> advice = PlanAdvice.of(lines, PlanAdvice.latestMonths(
        CompactedTopics.readLatest(kafka.settings(), topics.economics).values(), day));
    if (advice.isEmpty()) {
      System.out.println("No advice for " + q + ": no workflow with a USD plan is both under-funded with an agent "
          + "cheaper than a person, or planned where a person is cheaper (workflows need outcomes and a human "
          + "baseline for a verdict).");
      return 0;
    }
    advice.forEach(a -> System.out.println("[" + a.kind() + "] " + a.text()));
    ShowPlan.ledgerCoverage(q, day).ifPresent(System.out::println);
    return 0;
  }
}
