package io.tokenledger.ops.cli;

import io.tokenledger.ops.cli.prices.CorrectPrices;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.reconciliation.PriceDriftCorrections;
import io.tokenledger.reconciliation.Reconciliation;
import io.tokenledger.reconciliation.ReconciliationTable;
import io.tokenledger.reconciliation.mapping.BillMap;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The ledger against the imported bills, every difference classified; and the corrections a price drift implies. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
    description = {"Compares a UTC month of the ledger (corrections included) with the imported bills (bills import)",
        "per day, provider, model, tier and token type, and classifies every difference: tokens missing or extra on",
        "our side, price drift, tier or cache classification, rounding, not metered, unexplained. Days no bill",
        "covers are not compared. --propose-corrections prints the catalog corrections the price drifts imply;",
        "--apply makes them (the re-rating moves the ledger, and a second reconcile shows the drift gone)."})
public final class ReconcileCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--period", required = true, description = "The month (UTC), e.g. 2026-11.")
  YearMonth period;

  @Option(names = "--provider", description = "Only this provider (openai, anthropic, aws.bedrock, ...).")
  String provider;

  @Option(names = "--tolerance-usd", defaultValue = "0.000001",
      description = "What a bill line may be off by and still match, in USD (default: ${DEFAULT-VALUE}).")
  BigDecimal tolerance;

  @Option(names = "--propose-corrections", description = "Print the catalog corrections the price drifts imply.")
  boolean propose;

  @Option(names = "--apply", description = "With --propose-corrections: make them.")
  boolean apply;

  @Override
  public Integer call() throws Exception {
    if (apply && !propose) {
      System.err.println("--apply makes the proposed corrections: give --propose-corrections too");
      return 2;
    }
    Topics topics = kafka.appliedTopics();
    Map<String, Object> settings = kafka.settings();
    Reconciliation.Report report = report(settings, topics, period, provider, new Reconciliation.Settings(tolerance));
    System.out.print(ReconciliationTable.render(report));
    if (!propose) {
      return 0;
    }
    List<PriceDriftCorrections.Proposal> proposals = PriceDriftCorrections.propose(report,
        LedgerReads.catalog(settings, topics), System.getProperty("user.name", "unknown"));
    if (proposals.isEmpty()) {
      System.out.println("\nNo price drift: no correction to propose.");
      return 0;
    }
    System.out.println("\nCorrections the price drifts imply" + (apply ? "" : " (dry run; --apply makes them)") + ":");
    int status = 0;
    for (PriceDriftCorrections.Proposal p : proposals) {
      System.out.println("- " + p.description());
      if (p.spec().isPresent()) {
        status = Math.max(status, CorrectPrices.correctChecked(kafka, p.spec().get(), !apply));
      }
    }
    return status;
  }

  /** The month's reconciliation from the topics: the ledger's buckets, the catalog, the bills and the mappings. */
  public static Reconciliation.Report report(Map<String, Object> settings, Topics topics, YearMonth period,
      String provider, Reconciliation.Settings tolerance) {
    Instant from = period.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = period.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Map<String, UsageAggregate> buckets = LedgerReads.buckets(settings, topics,
        b -> !b.getWindowStart().isBefore(from) && b.getWindowStart().isBefore(to));
    PriceBook catalog = LedgerReads.catalog(settings, topics);
    var lines = CompactedTopics.readLatest(settings, topics.bills).values();
    BillMap map = new BillMap(CompactedTopics.readLatest(settings, topics.billMappings).values());
    return Reconciliation.reconcile(period, provider, buckets.values(), catalog, lines, map, tolerance);
  }
}
