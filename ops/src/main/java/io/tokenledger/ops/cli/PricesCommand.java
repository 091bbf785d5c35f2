package io.tokenledger.ops.cli;

import io.tokenledger.aggregation.AggregationApp;
import io.tokenledger.pricing.CatalogDiff;
import io.tokenledger.pricing.CatalogImport;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PriceRules;
import io.tokenledger.pricing.PriceUnits;
import io.tokenledger.pricing.Rerating;
import io.tokenledger.platform.topics.ClientConfigs;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.platform.topics.TopicScan;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.PriceTier;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.models.ModelNames;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The price catalog as operators manage it: set, list, history, delete, import and missing. The
 * rules are the pricing's ({@link PriceRules}); this command parses, shows units and writes.
 */
@Command(name = "prices", mixinStandardHelpOptions = true,
    description = "Manages the price catalog (effective-dated, every version kept, " + PriceUnits.UNIT + ").",
    subcommands = {PricesCommand.Set.class, PricesCommand.ListPrices.class, PricesCommand.History.class,
        PricesCommand.Delete.class, PricesCommand.Import.class, PricesCommand.Missing.class,
        PricesCommand.Correct.class})
public final class PricesCommand {
  private PricesCommand() {}

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = {"Adds a price version of one model, in force from --effective-from until the next version.",
          "Prices in " + PriceUnits.UNIT + ", e.g. --input 2.50 --output 10 (gpt-4o)."})
  static class Set implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--provider", required = true, description = "openai, anthropic, gcp.gemini, aws.bedrock, ...")
    String provider;

    @Option(names = "--model", required = true, description = "The catalog model name, e.g. gpt-4o.")
    String model;

    @Option(names = "--input", required = true, description = "Uncached input, " + PriceUnits.UNIT + ".")
    String input;

    @Option(names = "--cache-read", description = "Cache-read input (default: the input price).")
    String cacheRead;

    @Option(names = "--cache-write", description = "Cache-write input (default: the input price).")
    String cacheWrite;

    @Option(names = "--output", required = true, description = "Output, " + PriceUnits.UNIT + ".")
    String output;

    @Option(names = "--reasoning", description = "Reasoning output (default: the output price).")
    String reasoning;

    @Option(names = "--tier-above-input-tokens", description = "A long-context tier: prices above this many input tokens.")
    Long tierAbove;

    @Option(names = "--tier-input", description = "The tier's uncached input price.")
    String tierInput;

    @Option(names = "--tier-output", description = "The tier's output price.")
    String tierOutput;

    @Option(names = "--effective-from", required = true, description = "A date (UTC midnight) or an ISO instant.")
    String effectiveFrom;

    @Option(names = "--source", description = "Where the price comes from: a price page, a contract.")
    String source;

    @Option(names = "--set-by", description = "Who sets it (default: the user running the command).")
    String setBy;

    @Option(names = "--force", description = "Write it even though it looks like a unit mistake.")
    boolean force;

    @Override
    public Integer call() throws Exception {
      PriceVersion price;
      try {
        price = build();
      } catch (IllegalArgumentException e) {
        System.err.println("Price not set: " + e.getMessage());
        return 2;
      }
      if (!acceptable(price, force)) {
        return 2;
      }
      Topics topics = kafka.appliedTopics();
      CompactedTopics.write(kafka.settings(), topics.prices, PriceBook.catalogKey(price), price);
      System.out.println("Set " + PriceBook.catalogKey(price) + ": " + CatalogDiff.describe(price));
      return 0;
    }

    PriceVersion build() {
      long in = PriceUnits.fromUsdPerMillion(input);
      long out = PriceUnits.fromUsdPerMillion(output);
      PriceVersion.Builder price = PriceVersion.newBuilder().setProvider(provider.strip())
          .setModel(model.strip()).setEffectiveFrom(Times.instant(effectiveFrom, "--effective-from"))
          .setUncachedInputMicroUsdPerMtok(in)
          .setCacheReadMicroUsdPerMtok(cacheRead == null ? in : PriceUnits.fromUsdPerMillion(cacheRead))
          .setCacheWriteMicroUsdPerMtok(cacheWrite == null ? in : PriceUnits.fromUsdPerMillion(cacheWrite))
          .setOutputMicroUsdPerMtok(out)
          .setReasoningMicroUsdPerMtok(reasoning == null ? out : PriceUnits.fromUsdPerMillion(reasoning))
          .setSource(source).setSetBy(setBy != null ? setBy : System.getProperty("user.name", "unknown"));
      if (tierAbove != null) {
        if (tierInput == null || tierOutput == null) {
          throw new IllegalArgumentException("a tier needs --tier-input and --tier-output");
        }
        long tierIn = PriceUnits.fromUsdPerMillion(tierInput);
        long tierOut = PriceUnits.fromUsdPerMillion(tierOutput);
        price.setLongContextTier(PriceTier.newBuilder().setAboveInputTokens(tierAbove)
            .setUncachedInputMicroUsdPerMtok(tierIn).setCacheReadMicroUsdPerMtok(price.getCacheReadMicroUsdPerMtok())
            .setCacheWriteMicroUsdPerMtok(price.getCacheWriteMicroUsdPerMtok()).setOutputMicroUsdPerMtok(tierOut)
            .setReasoningMicroUsdPerMtok(tierOut).build());
      }
      return price.build();
    }
  }

  @Command(name = "correct", mixinStandardHelpOptions = true,
      description = {"Corrects a price that was wrong from --effective-from until --to: re-rates every (team, workflow,",
          "model) ledger bucket of the model in that period by its difference (correction records, the audit trail),",
          "and fixes the catalog for that period. Published final aggregates are never rewritten. Running it again",
          "changes nothing. Example: prices correct --provider openai --model gpt-4o --input 2.50 --output 10",
          "--effective-from 2026-11-03 --to 2026-11-04 --reason 'entered x10'"})
  static final class Correct extends Set {
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
      if (!acceptable(corrected, force)) {
        return 2;
      }
      Instant now = Instant.now();
      if (spec.from().isBefore(now.minus(AggregationApp.LEDGER_RETENTION))) {
        System.err.println("Nothing corrected: the period ledgers keep " + AggregationApp.LEDGER_RETENTION.toDays()
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
      if (dryRun) {
        System.out.println("Dry run: nothing written.");
        return 0;
      }
      fixCatalog(topics, spec);
      publish(topics, corrections);
      System.out.println(corrections.isEmpty()
          ? "Nothing to re-rate: every bucket already costs what the corrected price gives (" + spec.id() + ")."
          : "Published " + corrections.size() + " corrections (" + spec.id() + "); period-to-date figures, budgets "
              + "and the economics move by the difference once the aggregation applies them.");
      return 0;
    }

    private static void printSummary(Rerating.Spec spec, List<PriceCorrection> corrections) {
      Map<String, long[]> byDay = new TreeMap<>();
      for (PriceCorrection c : corrections) {
        long[] sums = byDay.computeIfAbsent(c.getDay() + "  " + c.getTeam() + "/" + c.getWorkflow() + "/" + c.getModel(),
            k -> new long[3]);
        sums[0] += c.getOldCostNanoUsd();
        sums[1] += c.getNewCostNanoUsd();
        sums[2] += c.getDifferenceNanoUsd();
      }
      System.out.printf("Correction %s of %s/%s from %s to %s: %s%n", spec.id(), spec.corrected().getProvider(),
          spec.corrected().getModel(), spec.from(), spec.to(), CatalogDiff.describe(spec.corrected()));
      System.out.printf("%-60s %16s %16s %16s%n", "DAY  TEAM/WORKFLOW/MODEL", "OLD", "NEW", "DIFFERENCE");
      long total = 0;
      for (Map.Entry<String, long[]> row : byDay.entrySet()) {
        System.out.printf("%-60s %16s %16s %16s%n", row.getKey(), NanoUsd.formatPrecise(row.getValue()[0]),
            NanoUsd.formatPrecise(row.getValue()[1]), NanoUsd.formatPrecise(row.getValue()[2]));
        total += row.getValue()[2];
      }
      System.out.printf("%-60s %16s %16s %16s%n", "TOTAL (" + corrections.size() + " buckets)", "", "",
          NanoUsd.formatPrecise(total));
    }

    /** Writes the catalog fix the pricing works out ({@link Rerating#catalogFix}). */
    private void fixCatalog(Topics topics, Rerating.Spec spec) throws Exception {
      for (PriceVersion version : Rerating.catalogFix(catalog(kafka).values(), spec)) {
        CompactedTopics.write(kafka.settings(), topics.prices, PriceBook.catalogKey(version), version);
      }
    }

    private void publish(Topics topics, List<PriceCorrection> corrections) throws Exception {
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

  /** Refuses what the pricing refuses, and what looks like a unit mistake unless forced; says why. */
  static boolean acceptable(PriceVersion price, boolean force) {
    String name = price.getProvider() + "/" + price.getModel();
    List<String> problems = PriceRules.problems(price);
    if (!problems.isEmpty()) {
      System.err.println(name + " refused: " + String.join("; ", problems));
      return false;
    }
    List<String> suspicions = PriceRules.suspicions(price);
    if (!suspicions.isEmpty() && !force) {
      System.err.println(name + " refused, it looks like a unit mistake: " + String.join("; ", suspicions)
          + ". If it is right, repeat with --force.");
      return false;
    }
    return true;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The prices in force now, or --at a time.")
  static final class ListPrices implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--at", description = "A date or ISO instant (default: now).")
    String at;

    @Override
    public Integer call() throws Exception {
      Instant when = at == null ? Instant.now() : Times.instant(at, "--at");
      Map<String, PriceVersion> versions = catalog(kafka);
      PriceBook book = book(versions.values());
      TreeMap<String, PriceVersion> inForce = new TreeMap<>();
      for (PriceVersion v : versions.values()) {
        book.priceAt(v.getProvider(), v.getModel(), when.toEpochMilli())
            .ifPresent(p -> inForce.put(p.getProvider() + "/" + p.getModel(), p));
      }
      System.out.printf("Prices in force at %s, %s:%n", when, PriceUnits.UNIT);
      System.out.printf("%-40s %-20s %9s %10s %11s %9s %9s  %s%n", "MODEL", "SINCE", "INPUT", "CACHE RD", "CACHE WR",
          "OUTPUT", "REASON", "LONG CONTEXT");
      inForce.forEach((name, p) -> System.out.printf("%-40s %-20s %9s %10s %11s %9s %9s  %s%n", name,
          p.getEffectiveFrom(), PriceUnits.usdPerMillion(p.getUncachedInputMicroUsdPerMtok()),
          PriceUnits.usdPerMillion(p.getCacheReadMicroUsdPerMtok()), PriceUnits.usdPerMillion(p.getCacheWriteMicroUsdPerMtok()),
          PriceUnits.usdPerMillion(p.getOutputMicroUsdPerMtok()), PriceUnits.usdPerMillion(p.getReasoningMicroUsdPerMtok()),
          p.getLongContextTier() == null ? "-" : "above " + p.getLongContextTier().getAboveInputTokens() + " input: "
              + PriceUnits.usdPerMillion(p.getLongContextTier().getUncachedInputMicroUsdPerMtok()) + " / "
              + PriceUnits.usdPerMillion(p.getLongContextTier().getOutputMicroUsdPerMtok())));
      if (inForce.isEmpty()) {
        System.out.println("(none: set one with 'tokenledger prices set' or 'tokenledger prices import')");
      }
      return 0;
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = "Every version of one model, oldest first.")
  static final class History implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--provider", required = true)
    String provider;

    @Option(names = "--model", required = true)
    String model;

    @Override
    public Integer call() throws Exception {
      String wanted = ModelNames.key(provider, model);
      List<Map.Entry<String, PriceVersion>> versions = catalog(kafka).entrySet().stream()
          .filter(e -> ModelNames.key(e.getValue().getProvider(), e.getValue().getModel()).equals(wanted))
          .sorted(Comparator.comparing(e -> e.getValue().getEffectiveFrom())).toList();
      if (versions.isEmpty()) {
        System.out.println("No versions of " + wanted + ".");
        return 1;
      }
      for (Map.Entry<String, PriceVersion> v : versions) {
        PriceVersion p = v.getValue();
        System.out.printf("%s  from %s: %s (set by %s; %s)%n", v.getKey(), p.getEffectiveFrom(), CatalogDiff.describe(p),
            p.getSetBy() == null ? "?" : p.getSetBy(), p.getSource() == null ? "no source" : p.getSource());
      }
      return 0;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Deletes one version (a mistake never in force); to change a price, set a new version.")
  static final class Delete implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Parameters(paramLabel = "KEY", description = "provider/model@effective_from, as 'prices history' shows it.")
    String key;

    @Override
    public Integer call() throws Exception {
      return TableDelete.delete(kafka, topics -> topics.prices, key, "price version", "tokenledger prices history");
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Imports LiteLLM's model_prices_and_context_window.json (USD per token) or our CSV",
          "(provider,model,uncached_input,cache_read,cache_write,output,reasoning[,effective_from] in "
              + PriceUnits.UNIT + "). Only new and changed prices are written."})
  static final class Import implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--effective-from", required = true, description = "From when the imported prices are in force.")
    String effectiveFrom;

    @Option(names = "--provider", split = ",", description = "Only these providers (ours: openai, anthropic, gcp.gemini, ...).")
    java.util.Set<String> providers;

    @Option(names = "--models", split = ",", description = "Only these models.")
    java.util.Set<String> models;

    @Option(names = "--dry-run", description = "Print what would change against the catalog in force; write nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Import prices that look like unit mistakes too.")
    boolean force;

    @Option(names = "--set-by", description = "Who imports (default: the user running the command).")
    String setBy;

    @Override
    public Integer call() throws Exception {
      Predicate<String> provider = providers == null ? p -> true : providers::contains;
      Predicate<String> model = models == null ? m -> true : models::contains;
      CatalogImport.Options options = new CatalogImport.Options(Times.instant(effectiveFrom, "--effective-from"),
          provider, model, setBy != null ? setBy : System.getProperty("user.name", "unknown"), "import " + file.getFileName());
      CatalogImport.Result result = file.toString().endsWith(".csv")
          ? CatalogImport.csv(Files.readString(file), options)
          : CatalogImport.liteLlm(Files.readAllBytes(file), options);
      List<PriceVersion> usable = new ArrayList<>();
      for (PriceVersion p : result.prices()) {
        if (acceptable(p, force)) {
          usable.add(p);
        }
      }
      Topics topics = kafka.appliedTopics();
      CatalogDiff.Diff diff = CatalogDiff.between(usable, book(catalog(kafka).values()));
      System.out.printf("%s: %d new, %d changed, %d unchanged, %d left out%n", file.getFileName(), diff.added().size(),
          diff.changed().size(), diff.unchanged().size(), result.skipped().size() + result.prices().size() - usable.size());
      diff.added().forEach(line -> System.out.println("  new      " + line));
      diff.changed().forEach(line -> System.out.println("  changed  " + line));
      result.skipped().forEach((entry, why) -> System.out.println("  skipped  " + entry + ": " + why));
      if (dryRun) {
        System.out.println("Dry run: nothing written.");
        return 0;
      }
      int written = 0;
      for (PriceVersion p : usable) {
        if (!diff.unchanged().contains(p)) {
          CompactedTopics.write(kafka.settings(), topics.prices, PriceBook.catalogKey(p), p);
          written++;
        }
      }
      System.out.println("Wrote " + written + " price versions.");
      return 0;
    }
  }

  @Command(name = "missing", mixinStandardHelpOptions = true,
      description = "Models seen with no price in force (from the unpriced-usage topic): unbilled until priced.")
  static final class Missing implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Topics topics = kafka.appliedTopics();
      Map<String, long[]> seen = new TreeMap<>();
      TopicScan.forEach(kafka.settings(), topics.unpricedUsage, r -> {
        UsageEvent e = r.value();
        long[] s = seen.computeIfAbsent(e.getProvider() + "|" + e.getModel(), k -> new long[] {0, 0, Long.MAX_VALUE, 0});
        s[0]++;
        s[1] += e.getUncachedInputTokens() + e.getCacheReadTokens() + e.getCacheWriteTokens() + e.getOutputTokens()
            + e.getReasoningTokens();
        s[2] = Math.min(s[2], e.getEventTime().toEpochMilli());
        s[3] = Math.max(s[3], e.getEventTime().toEpochMilli());
      });
      if (seen.isEmpty()) {
        System.out.println("Every model seen had a price in force: nothing is unbilled.");
        return 0;
      }
      PriceBook book = book(catalog(kafka).values());
      System.out.printf("%-45s %9s %14s  %-24s %-24s %s%n", "PROVIDER/MODEL (as reported)", "EVENTS", "TOKENS",
          "FIRST SEEN", "LAST SEEN", "PRICE NOW");
      seen.forEach((key, s) -> {
        String provider = key.substring(0, key.indexOf('|'));
        String model = key.substring(key.indexOf('|') + 1);
        Optional<PriceVersion> now = book.priceAt(provider, model, System.currentTimeMillis());
        System.out.printf("%-45s %,9d %,14d  %-24s %-24s %s%n", provider + "/" + model, s[0], s[1],
            Instant.ofEpochMilli(s[2]), Instant.ofEpochMilli(s[3]), now.map(p -> "since " + p.getEffectiveFrom()
                + " (" + p.getProvider() + "/" + p.getModel() + ")").orElse("NONE: set one with 'prices set'"));
      });
      return 0;
    }
  }

  static Map<String, PriceVersion> catalog(KafkaOptions kafka) throws Exception {
    return CompactedTopics.readLatest(kafka.settings(), kafka.appliedTopics().prices);
  }

  static PriceBook book(java.util.Collection<PriceVersion> versions) {
    PriceBook book = new PriceBook();
    versions.stream().filter(p -> PriceRules.problems(p).isEmpty()).forEach(book::put);
    return book;
  }
}
