package io.tokenledger.ops.cli;

import io.tokenledger.focus.FocusExport;
import io.tokenledger.focus.rules.FocusRules;
import io.tokenledger.platform.topics.TopicScan;
import io.tokenledger.schemas.PriceCorrection;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.money.MoneyFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Exports for other tools: FOCUS cost and usage rows for chargeback. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Exports figures for other tools.",
    subcommands = ExportCommand.Focus.class)
public final class ExportCommand {
  private ExportCommand() {}

  @Command(name = "focus", mixinStandardHelpOptions = true,
      description = {"A UTC month as FOCUS 1.2 rows (CSV): one per charge day, team, workflow, provider, model and token",
          "type, from the period ledger, price corrections as ChargeClass=Correction rows. Totals equal the ledger's."})
  static final class Focus implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--period", required = true, description = "The billing month (UTC), e.g. 2026-10.")
    YearMonth period;

    @Option(names = "--format", defaultValue = "csv",
        description = "csv or parquet (typed: exact decimals, UTC timestamps; needs --out) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", description = "The file (default: standard output).")
    Path out;

    @Option(names = "--billing-account", defaultValue = "tokenledger",
        description = "BillingAccountId and name (default: ${DEFAULT-VALUE}).")
    String billingAccount;

    @Option(names = "--rules", description = {"The FinOps validator's rule file for FOCUS 1.2 (model-1.2.json): every",
        "MUST rule under the criteria the export claims is checked before anything is written."})
    Path rules;

    @Option(names = "--currency", description = {"Bill in this currency (EUR, INR, ...): each row converted at its charge",
        "day's reference rate ('tokenledger fx import'), stated in x_FxRate, x_FxRateDate and x_FxRateSource; the USD",
        "pricing kept in PricingCurrency* columns, as FOCUS 1.2 has it."})
    String currency;

    @Override
    public Integer call() throws Exception {
      if (!format.equals("csv") && !format.equals("parquet")) {
        System.err.println("--format must be csv or parquet, not '" + format + "'");
        return 2;
      }
      if (format.equals("parquet") && out == null) {
        System.err.println("--format parquet writes a binary file: give --out FILE.parquet");
        return 2;
      }
      Instant from = period.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant to = period.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Topics topics = kafka.appliedTopics();
      Map<String, UsageAggregate> buckets = LedgerReads.buckets(kafka.settings(), topics,
          b -> !b.getWindowStart().isBefore(from) && b.getWindowStart().isBefore(to));
      List<PriceCorrection> corrections = new ArrayList<>();
      TopicScan.forEach(kafka.settings(), topics.priceCorrectionsApplied, r -> {
        if (r.value() != null) {
          corrections.add(r.value());
        }
      });
      // Rows of usage a provider's bill (a cloud's FOCUS file) put on an invoice carry its InvoiceId.
      io.tokenledger.reconciliation.InvoiceIds invoices = io.tokenledger.reconciliation.InvoiceIds.of(
          io.tokenledger.platform.topics.CompactedTopics.readLatest(kafka.settings(), topics.bills).values(),
          new io.tokenledger.reconciliation.mapping.BillMap(io.tokenledger.platform.topics.CompactedTopics
              .readLatest(kafka.settings(), topics.billMappings).values()));
      List<FocusExport.Row> rows = FocusExport.rows(buckets.values(), corrections,
          LedgerReads.catalog(kafka.settings(), topics), from, to, billingAccount, invoices::of);
      long total = rows.stream().mapToLong(FocusExport.Row::costNanoUsd).sum();
      long teamLedger = LedgerReads.buckets(kafka.settings(), topics.teamLedger15m,
          b -> !b.getWindowStart().isBefore(from) && b.getWindowStart().isBefore(to)).values().stream()
          .mapToLong(UsageAggregate::getCostNanoUsd).sum();
      java.util.Optional<String> wrong = FocusExport.check(rows, FocusExport.expectedTotal(teamLedger, corrections,
          from, to));
      if (wrong.isPresent()) {
        System.err.println("The FOCUS rows for " + period + " do not check out: " + wrong.get() + ". Nothing written.");
        return 1;
      }
      // The committed-spend agreements in force this month, drawn down from the ledger's earlier months.
      List<io.tokenledger.schemas.Commitment> commitments = List.copyOf(io.tokenledger.platform.topics.CompactedTopics
          .readLatest(kafka.settings(), topics.commitments).values());
      Map<String, Map<YearMonth, Long>> listByProvider = commitments.isEmpty() ? Map.of()
          : io.tokenledger.pricing.capacity.CommitmentDrawdown.listByProvider(LedgerReads.buckets(kafka.settings(),
              topics, b -> b.getProvider() != null && b.getWindowStart().isBefore(from)).values());
      io.tokenledger.focus.FocusFile file;
      try {
        file = io.tokenledger.focus.FocusFile.of(rows, commitments, listByProvider, period, java.time.Instant.now(),
            billingAccount, currency == null || currency.equals("USD") ? null
                : io.tokenledger.ops.cli.capacity.FxCommand.book(kafka.settings(), topics), currency);
      } catch (IllegalArgumentException e) {
        System.err.println("The FOCUS rows for " + period + " cannot be billed in " + currency + ": " + e.getMessage()
            + ". Nothing written.");
        return 1;
      }
      List<String> columns = file.columns();
      java.util.Set<String> claimed = file.claimed();
      rows = file.rows();
      String inCurrency = currency == null || currency.equals("USD") ? "" : " (" + io.tokenledger.schemas.money
          .MoneyFormat.amount(rows.stream().map(r -> new java.math.BigDecimal(r.values().get("BilledCost")))
              .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add), currency) + " billed in " + currency
          + ", each row at its day's rate)";
      if (rules != null) {
        FocusRules.Report report = FocusRules.load(rules).check(columns, FocusExport.cells(rows, columns), claimed);
        if (!report.failures().isEmpty()) {
          report.failures().forEach(f -> System.err.println("  " + f.rule() + ": " + f.mustSatisfy() + " (" + f.example()
              + ")"));
          System.err.println("The FOCUS rows for " + period + " break " + report.failures().size() + " MUST rules of "
              + rules.getFileName() + ". Nothing written.");
          return 1;
        }
        // On stdout with --out; on stderr when stdout is the file.
        (out == null ? System.err : System.out).println("FOCUS rules: " + report.checked().size() + " MUST rules of " + rules.getFileName()
            + " checked under " + claimed.size() + " claimed criteria, none broken ("
            + report.notCheckable() + " not machine-checkable).");
      }
      if (out == null) {
        System.out.print(FocusExport.csv(rows, columns));
      } else {
        if (format.equals("parquet")) {
          Files.write(out, FocusExport.parquet(rows, columns));
        } else {
          Files.writeString(out, FocusExport.csv(rows, columns), StandardCharsets.UTF_8);
        }
        System.out.println("Wrote " + rows.size() + " FOCUS rows for " + period + " to " + out + ": "
            + MoneyFormat.usd(total) + " in total" + inCurrency + ", equal to the team ledger's month, read apart (with "
            + "the corrections made after the month in a later file, and those made in it to earlier months here).");
      }
      return 0;
    }
  }
}
