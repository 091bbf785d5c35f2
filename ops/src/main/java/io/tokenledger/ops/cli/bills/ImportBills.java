package io.tokenledger.ops.cli.bills;

import io.tokenledger.ops.cli.KafkaOptions;
import io.tokenledger.platform.topics.ClientConfigs;
import io.tokenledger.reconciliation.bills.BillLines;
import io.tokenledger.reconciliation.bills.ExportFiles;
import io.tokenledger.reconciliation.bills.ProviderExports;
import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.topics.Topic;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Reads provider exports as they come and writes their lines to the bills topic, one per (provider,",
        "day, account, key, model, token type, tier): importing a day again replaces its lines. The files of one",
        "import are summed (hourly buckets, pages); give every page of a day in one import.",
        "  openai     the Usage API's completions pages (/v1/organization/usage/completions) and the Costs API's",
        "             (/v1/organization/costs, group_by=line_item,project_id), as saved JSON",
        "  anthropic  the usage report (/v1/organizations/usage_report/messages) and the cost report",
        "             (/v1/organizations/cost_report, group_by=description,workspace_id), as saved JSON",
        "  focus      a FOCUS 1.2 CSV from AWS Data Exports (FOCUS_1_2_AWS, daily), Google Cloud or Azure",
        "Files may be gzip-compressed (.csv.gz, as AWS delivers them).",
        "Example: bills import --provider anthropic usage-2026-11.json cost-2026-11.json"})
public final class ImportBills implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--provider", required = true, description = "The export's format: openai, anthropic or focus.")
  String format;

  @Option(names = "--dry-run", description = "Read and summarise; write nothing.")
  boolean dryRun;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The export files.")
  List<Path> files;

  @Override
  public Integer call() throws Exception {
    if (!ProviderExports.FORMATS.contains(format)) {
      System.err.println("--provider must be one of " + ProviderExports.FORMATS + ", not '" + format + "'");
      return 2;
    }
    BillLines lines = new BillLines(files.size() == 1 ? files.get(0).getFileName().toString()
        : files.get(0).getFileName() + " and " + (files.size() - 1) + " more", Instant.now());
    for (Path file : files) {
      try {
        ProviderExports.read(format, file.getFileName().toString(),
            ExportFiles.read(file), lines);
      } catch (IllegalArgumentException e) {
        System.err.println("Nothing imported: " + e.getMessage());
        return 2;
      } catch (java.io.IOException e) {
        System.err.println("Nothing imported: cannot read " + file + " (" + e.getMessage() + ")");
        return 2;
      }
    }
    List<BillLine> built = lines.build();
    summarise(built);
    List<String> skipped = lines.skipped();
    if (!skipped.isEmpty()) {
      System.out.println(skipped.size() + " results not imported, each for a reason:");
      skipped.stream().limit(10).forEach(s -> System.out.println("  " + s));
      if (skipped.size() > 10) {
        System.out.println("  ... and " + (skipped.size() - 10) + " more");
      }
    }
    if (dryRun) {
      System.out.println("Dry run: nothing written.");
      return 0;
    }
    Topic<String, BillLine> topic = kafka.appliedTopics().bills;
    write(kafka.settings(), topic, built);
    System.out.println("Wrote " + built.size() + " bill lines to " + topic.name() + "; reconcile --period YYYY-MM "
        + "compares them with the ledger.");
    return 0;
  }

  /** Writes lines to the bills topic, keyed by their line ids, each acknowledged. */
  public static void write(Map<String, ?> settings, Topic<String, BillLine> topic, List<BillLine> lines)
      throws Exception {
    Map<String, Object> config = ClientConfigs.producer(settings);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, BillLine> producer = new KafkaProducer<>(config, topic.keySerde().serializer(),
        topic.valueSerde().serializer())) {
      List<Future<?>> acks = new ArrayList<>();
      for (BillLine line : lines) {
        acks.add(producer.send(new ProducerRecord<>(topic.name(), line.getLineId(), line)));
      }
      for (Future<?> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void summarise(List<BillLine> lines) {
    record Source(String provider, String source) implements Comparable<Source> {
      public int compareTo(Source o) {
        return (provider + " " + source).compareTo(o.provider + " " + o.source);
      }
    }
    Map<Source, List<BillLine>> bySource = new TreeMap<>();
    lines.forEach(l -> bySource.computeIfAbsent(new Source(l.getProvider(), l.getSource()), s -> new ArrayList<>()).add(l));
    bySource.forEach((source, list) -> {
      String first = list.stream().map(BillLine::getDay).min(String::compareTo).orElse("");
      String last = list.stream().map(BillLine::getDay).max(String::compareTo).orElse("");
      long tokens = list.stream().filter(l -> l.getTokens() != null).mapToLong(BillLine::getTokens).sum();
      Map<String, BigDecimal> amounts = new TreeMap<>();
      list.stream().filter(l -> l.getAmount() != null)
          .forEach(l -> amounts.merge(l.getCurrency(), new BigDecimal(l.getAmount()), BigDecimal::add));
      StringBuilder money = new StringBuilder();
      amounts.forEach((currency, amount) -> money.append(", ").append(amount.toPlainString()).append(' ').append(currency));
      System.out.printf("%s %s: %d lines, %s to %s, %,d tokens%s%n", source.provider(), source.source(), list.size(),
          first, last, tokens, money);
    });
  }
}
