package io.tokenledger.ops.cli.prices;

import io.tokenledger.schemas.ledger.LedgerBuckets;

import io.tokenledger.ops.cli.LedgerReads;
import io.tokenledger.ops.cli.Times;
import io.tokenledger.platform.topics.ClientConfigs;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.CatalogDiff;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.Rerating;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.money.MoneyFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code prices correct}: re-rates a past period at a corrected price, refusing what cannot be done exactly ({@link Rerating#refusal}). */
@Command(name = "correct", mixinStandardHelpOptions = true,
    description = {"Corrects a price that was wrong from --effective-from until --to: re-rates every (team, workflow,",
        "model) ledger bucket of the model in that period by its difference (correction records, the audit trail),",
        "and fixes the catalog for that period. Published final aggregates are never rewritten. Running it again",
        "changes nothing. Example: prices correct --provider openai --model gpt-4o --input 2.50 --output 10",
        "--effective-from 2026-11-03 --to 2026-11-04 --reason 'entered x10'"})
public final class CorrectPrices extends SetPrice {
  @Option(names = "--to", required = true, description = "End of the wrong period, exclusive: a date or ISO instant.")
  String to;

  @Option(names = "--reason", required = true, description = "Why, for the audit trail.")
  String reason;

  @Option(names = "--dry-run", description = "Print the corrections; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    PriceVersion corrected;
    Rerating.Spec spec;
    try {
      corrected = build();
      spec = new Rerating.Spec(corrected, corrected.getEffectiveFrom(), Times.instant(to, "--to"), reason,
          corrected.getSetBy());
    } catch (IllegalArgumentException e) {
      System.err.println("Nothing corrected: " + e.getMessage());
      return 2;
    }
    if (!PricesCommand.acceptable(corrected, force)) {
      return 2;
    }
    return correct(kafka, spec, dryRun);
  }

  /** The same, after the price rules (a correction a bill implies is checked as one typed in). */
  public static int correctChecked(io.tokenledger.ops.cli.KafkaOptions kafka, Rerating.Spec spec, boolean dryRun)
      throws Exception {
    return PricesCommand.acceptable(spec.corrected(), false) ? correct(kafka, spec, dryRun) : 2;
  }

  /**
   * Re-rates the spec's period and fixes the catalog (or, with {@code dryRun}, prints what it would):
   * what {@code prices correct} does once its options are read, and what {@code reconcile
   * --propose-corrections --apply} does with a correction a bill implies.
   */
  static int correct(io.tokenledger.ops.cli.KafkaOptions kafka, Rerating.Spec spec, boolean dryRun)
      throws Exception {
    Instant now = Instant.now();
    if (spec.from().isBefore(now.minus(LedgerBuckets.RETENTION))) {
      System.err.println("Nothing corrected: the period ledgers keep " + LedgerBuckets.RETENTION.toDays()
          + " days; " + spec.from() + " is older");
      return 2;
    }
    Topics topics = kafka.appliedTopics();
    Optional<String> refused = Rerating.refusal(LedgerReads.catalog(kafka.settings(), topics), spec);
    if (refused.isPresent()) {
      System.err.println("Nothing corrected: " + refused.get() + ".");
      return 2;
    }
    long pending = PendingCorrections.count(kafka.settings(), topics);
    if (pending > 0) {
      String why = pending + " price corrections on " + topics.priceCorrections.name() + " are not applied by the "
          + "aggregation (consumer group " + PendingCorrections.group(kafka.settings()) + ") yet, and this one must "
          + "be computed from the ledger they make; wait until they are applied (is the aggregation running?) and "
          + "run this again";
      if (!dryRun) {
        System.err.println("Nothing corrected: " + why + ".");
        return 2;
      }
      System.err.println("Note: " + why + ".");
    }
    Map<String, UsageAggregate> buckets = LedgerReads.buckets(kafka.settings(), topics, b -> true);
    List<PriceCorrection> corrections = Rerating.corrections(buckets.values(), spec, now);
    printSummary(spec, corrections);
    int unrecorded = Rerating.unrecordedProvider(buckets.values(), spec).size();
    if (unrecorded > 0) {
      System.out.println("Note: " + unrecorded + " buckets of " + spec.corrected().getModel() + " in the period were "
          + "kept before figures were provider-qualified; their provider was not recorded, so this correction leaves "
          + "them as they are (see docs/operations.md, upgrading to provider-qualified figures).");
    }
    if (dryRun) {
      System.out.println("Dry run: nothing written.");
      return 0;
    }
    fixCatalog(kafka, topics, spec);
    publish(kafka, topics, corrections);
    System.out.println(corrections.isEmpty()
        ? "Nothing to re-rate: every bucket already costs what the corrected price gives (" + spec.id() + ")."
        : "Published " + corrections.size() + " corrections (" + spec.id() + "); period-to-date figures, budgets "
            + "and the economics move by the difference once the aggregation applies them.");
    return 0;
  }

  private static void printSummary(Rerating.Spec spec, List<PriceCorrection> corrections) {
    Map<String, long[]> byDay = new TreeMap<>();
    for (PriceCorrection c : corrections) {
      long[] sums = byDay.computeIfAbsent(c.getDay() + "  " + c.getTeam() + "/" + c.getWorkflow() + "/" + c.getProvider() + "/"
          + c.getModel(),
          k -> new long[3]);
      sums[0] += c.getOldCostNanoUsd();
      sums[1] += c.getNewCostNanoUsd();
      sums[2] += c.getDifferenceNanoUsd();
    }
    System.out.printf("Correction %s of %s/%s from %s to %s: %s%n", spec.id(), spec.corrected().getProvider(),
        spec.corrected().getModel(), spec.from(), spec.to(), CatalogDiff.describe(spec.corrected()));
    System.out.printf("%-60s %16s %16s %16s%n", "DAY  TEAM/WORKFLOW/PROVIDER/MODEL", "OLD", "NEW", "DIFFERENCE");
    long total = 0;
    for (Map.Entry<String, long[]> row : byDay.entrySet()) {
      System.out.printf("%-60s %16s %16s %16s%n", row.getKey(), MoneyFormat.usd(row.getValue()[0]),
          MoneyFormat.usd(row.getValue()[1]), MoneyFormat.usd(row.getValue()[2]));
      total += row.getValue()[2];
    }
    System.out.printf("%-60s %16s %16s %16s%n", "TOTAL (" + corrections.size() + " buckets)", "", "",
        MoneyFormat.usd(total));
  }

  /** Writes the catalog fix the pricing works out ({@link Rerating#catalogFix}). */
  private static void fixCatalog(io.tokenledger.ops.cli.KafkaOptions kafka, Topics topics, Rerating.Spec spec)
      throws Exception {
    for (PriceVersion version : Rerating.catalogFix(PricesCommand.catalog(kafka).values(), spec)) {
      CompactedTopics.write(kafka.settings(), topics.prices, PriceBook.catalogKey(version), version);
    }
  }

  private static void publish(io.tokenledger.ops.cli.KafkaOptions kafka, Topics topics,
      List<PriceCorrection> corrections) throws Exception {
    Map<String, Object> config = ClientConfigs.producer(kafka.settings());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, PriceCorrection> producer = new KafkaProducer<>(config,
        topics.priceCorrections.keySerde().serializer(), topics.priceCorrections.valueSerde().serializer())) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (PriceCorrection c : corrections) {
        // Keyed by team with Kafka's default partitioner: the team's partition, where its ledger is.
        acks.add(producer.send(new ProducerRecord<>(topics.priceCorrections.name(), c.getTeam(), c)));
      }
      for (java.util.concurrent.Future<?> ack : acks) {
        ack.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }
}
