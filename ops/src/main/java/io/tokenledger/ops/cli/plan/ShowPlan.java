package io.tokenledger.ops.cli.plan;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.SpendForecast;
import io.tokenledger.pricing.plan.PlanOutlook;
import io.tokenledger.pricing.plan.Quarter;
import io.tokenledger.schemas.TokenPlan;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.MoneyFormat;
import io.tokenledger.schemas.topics.Topics;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "show", mixinStandardHelpOptions = true,
    description = {"Shows a quarter's plan per team and workflow next to what was spent and the forecast to the",
        "quarter's end (the usage trend times the price schedule, as 'tokenledger forecast' computes it)."})
public final class ShowPlan implements Callable<Integer> {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH);

  @Mixin KafkaOptions kafka;

  @Option(names = "--quarter", description = "The quarter, e.g. 2027-Q1 (default: this quarter).")
  String quarter;

  @Option(names = "--as-of", description = "The day actuals stop and the forecast starts (default: today, UTC).")
  LocalDate asOf;

  @Option(names = "--team", description = "Only this team's plans.")
  String team;

  @Option(names = "--assume", description = "A quarterly price change of a model or provider, e.g. openai:-10%% (repeatable).")
  List<String> assumptions = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    LocalDate day = asOf != null ? asOf : LocalDate.now(ZoneOffset.UTC);
    Quarter q;
    List<SpendForecast.Assumption> assumed;
    try {
      q = quarter == null ? Quarter.of(day) : Quarter.parse(quarter);
      assumed = assumptions.stream().map(SpendForecast.Assumption::parse).toList();
    } catch (IllegalArgumentException e) {
      System.err.println("No plan shown: " + e.getMessage());
      return 2;
    }
    Topics topics = kafka.appliedTopics();
    List<TokenPlan> plans = CompactedTopics.readLatest(kafka.settings(), topics.plans).values().stream()
        .filter(p -> team == null || p.getTeam().equals(team)).toList();
    if (plans.stream().noneMatch(p -> p.getQuarter().equals(q.toString()))) {
      System.out.println("No plan for " + q + (team == null ? "" : " of team " + team) + ". Set one with 'tokenledger "
          + "plan set --team ... --quarter " + q + " --usd ... --set-by ...'.");
      return 0;
    }
    Map<String, UsageAggregate> buckets = LedgerReads.buckets(kafka.settings(), topics,
        b -> team == null || b.getTeam().equals(team));
    PriceBook catalog = LedgerReads.catalog(kafka.settings(), topics);
    List<PlanOutlook.Line> lines = PlanOutlook.of(q, day, plans, buckets.values(), catalog, assumed);
    System.out.printf("%-36s %16s %16s %16s %8s %30s%n", "PLAN " + q, "PLAN", "SPENT", "FORECAST", "VS PLAN",
        "FORECAST BAND (LOW .. HIGH)");
    for (PlanOutlook.Line line : lines) {
      System.out.printf("%-36s %16s %16s %16s %8s %30s%n", line.name(),
          line.planNanoUsd() == null ? String.format("%,d tok", line.planTokens()) : MoneyFormat.usd(line.planNanoUsd()),
          MoneyFormat.usd(line.actualNanoUsd()), MoneyFormat.usd(line.forecastNanoUsd()), deviation(line),
          MoneyFormat.usd(line.forecastLowNanoUsd()) + " .. " + MoneyFormat.usd(line.forecastHighNanoUsd()));
    }
    System.out.println();
    for (PlanOutlook.Line line : lines) {
      System.out.println(sentence(line));
    }
    ledgerCoverage(q, day).ifPresent(System.out::println);
    return 0;
  }

  /** Said when the period ledger no longer holds the quarter's first days: its actuals would be short. */
  static java.util.Optional<String> ledgerCoverage(Quarter q, LocalDate asOf) {
    LocalDate kept = LocalDate.now(ZoneOffset.UTC).minusDays(io.tokenledger.schemas.ledger.LedgerBuckets.RETENTION
        .toDays());
    if (q.start().isBefore(kept) && asOf.isAfter(kept)) {
      return java.util.Optional.of("Note: the period ledger keeps " + io.tokenledger.schemas.ledger.LedgerBuckets
          .RETENTION.toDays() + " days, so the actuals leave out " + q + "'s days before " + kept + "; the economics "
          + "keeps the whole quarter: GET /v1/plan on its query endpoint, or the dashboard's Plan page.");
    }
    return java.util.Optional.empty();
  }

  /** "support / ticket-triage: 2027-Q1 plan $18,000.00, spent $7,420.00 by Feb 3, forecast $19,900.00 (+11%)". */
  public static String sentence(PlanOutlook.Line line) {
    String plan = line.planNanoUsd() == null ? String.format("%,d tokens", line.planTokens())
        : MoneyFormat.usd(line.planNanoUsd());
    return line.name() + ": " + line.quarter() + " plan " + plan + ", spent " + MoneyFormat.usd(line.actualNanoUsd())
        + " by " + DAY.format(line.asOf()) + ", forecast " + MoneyFormat.usd(line.forecastNanoUsd())
        + (line.deviationPercent() == null ? "" : " (" + deviation(line) + ")")
        + (line.forecastUnpriced() ? "; some of its usage has no price, so the forecast is short" : "");
  }

  private static String deviation(PlanOutlook.Line line) {
    Integer percent = line.deviationPercent();
    return percent == null ? "-" : (percent > 0 ? "+" : "") + percent + "%";
  }
}
