package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.TeamPartitions;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import io.tokenledger.testing.LedgerFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code tokenledger capacity}, {@code commitments} and {@code fx} against a real broker, the
 * ledger written as the aggregation writes it, every figure the hand computation in
 * PoolAllocationTest, CommitmentDrawdownTest, FxBookTest and BuildOrBuyTest works out:
 * <ul>
 *   <li>pool gpu-a, 2 GPUs at $2.00/h serving 1,000 tokens/s, November: $2,880.00; finance-ops'
 *       invoice extraction (400M in, 100M out) and support's triage (148M) measure 25% of it:
 *       $555.56 and $164.44 allocated, $2,160.00 idle, platform's;
 *   <li>openai at list $7,000 in November and $6,500 in December against $10,000 a quarter at 20% off;
 *   <li>the ECB's rates: $5,000 on Saturday 5 December is €4,610.42 at Friday's 1.0845;
 *   <li>growth's campaigns on gpt-4o ($60, busiest hour 17,280,000 tokens) against GPUs at $2.10/h.
 * </ul>
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class CapacityCommandIT {
  static final long USD = 1_000_000_000L;

  @Test
  void poolsCommitmentsAndRatesFromTheCommandLine(EmbeddedKafka kafka) throws Exception {
    IsolatedRun run = IsolatedRun.create(kafka, "capacity");
    Topics topics = run.topics();
    List<UsageAggregate> buckets = new ArrayList<>(List.of(
        bucket("finance-ops", "invoice-extraction", "selfhosted", "llama-3.1-8b", "2026-11-10T09:00:00Z", 400_000_000,
            100_000_000, 0),
        bucket("support", "ticket-triage", "selfhosted", "llama-3.1-8b", "2026-11-11T09:00:00Z", 148_000_000, 0, 0),
        bucket("support", "ticket-triage", "openai", "gpt-4o", "2026-11-12T09:00:00Z", 1_000, 0, 6_940 * USD),
        bucket("support", "ticket-triage", "openai", "gpt-4o", "2026-12-02T09:00:00Z", 1_000, 0, 6_500 * USD)));
    for (String start : List.of("2026-11-10T09:00:00Z", "2026-11-10T09:15:00Z", "2026-11-11T14:00:00Z")) {
      buckets.add(bucket("growth", "campaigns", "openai", "gpt-4o", start, 6_000_000, 2_640_000, 20 * USD));
    }
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, UsageAggregate> ledger = new KafkaProducer<>(config,
        topics.seriesLedger15m.keySerde().serializer(), topics.seriesLedger15m.valueSerde().serializer())) {
      for (UsageAggregate b : buckets) {
        ledger.send(new ProducerRecord<>(topics.seriesLedger15m.name(), TeamPartitions.partitionOf(b.getTeam(),
            topics.seriesLedger15m.spec().partitions()), b.getScope(), b)).get();
        // The team ledger, which the FOCUS export checks its rows against (no two buckets share a team and window).
        UsageAggregate team = UsageAggregate.newBuilder(b).setScope(b.getTeam()).setWorkflow(null).setModel(null)
            .setProvider(null).build();
        ledger.send(new ProducerRecord<>(topics.teamLedger15m.name(), TeamPartitions.partitionOf(b.getTeam(),
            topics.teamLedger15m.spec().partitions()), b.getTeam(), team)).get();
      }
    }

    Ledger.publishPrice(kafka.bootstrapServers(), topics, LedgerFixtures.openAiPrice("gpt-4o", "2026-01-01T00:00:00Z",
        2_500_000));

    // Pools: set, refused, listed, and November's report.
    assertEquals(0, Cli.run(run.cli("capacity", "set", "--pool", "gpu-a", "--serves", "selfhosted/llama-3.1-8b",
        "--owner", "platform", "--gpu-hour-usd", "2.00", "--units", "2", "--tokens-per-second", "1000",
        "--effective-from", "2026-10-01", "--set-by", "infra")));
    String refused = Cli.refusal(2, run.cli("capacity", "set", "--pool", "bad", "--serves", "llama", "--owner", "x",
        "--gpu-hour-usd", "1", "--monthly-usd", "5", "--set-by", "t"));
    assertTrue(refused.contains("give either an hourly cost per unit or a monthly cost, not both; 'llama' is not "
        + "provider/model"), refused);
    assertTrue(Cli.output(run.cli("capacity", "list")).contains("gpu-a from 2026-10-01T00:00:00Z: 2 x $2.00/h, serves "
        + "selfhosted/llama-3.1-8b, 1,000 tokens/s, owner platform"));
    String report = Cli.output(run.cli("capacity", "report", "--month", "2026-11"));
    assertTrue(report.contains("gpu-a, 2026-11: $2,880.00 (exact $2,880.00)"), report);
    assertTrue(report.contains("served 648,000,000 tokens (measured 648,000,000 of a capacity of 2,592,000,000), 25% used"),
        report);
    assertTrue(report.matches("(?s).*finance-ops / invoice-extraction\\s+\\$555\\.56\\s+\\(exact \\$555\\.555555556\\).*"),
        report);
    assertTrue(report.matches("(?s).*support / ticket-triage\\s+\\$164\\.44\\s+\\(exact \\$164\\.444444444\\).*"), report);
    assertTrue(report.matches("(?s).*idle capacity \\(platform\\)\\s+\\$2,160\\.00\\s+\\(exact \\$2,160\\.00\\).*"),
        report);

    // A quarterly commitment drawn down across November and December. November's openai list:
    // $6,940 + growth's $60 = $7,000.
    assertEquals(0, Cli.run(run.cli("commitments", "set", "--id", "openai-msa-2026", "--provider", "openai", "--usd",
        "10000", "--period-months", "3", "--discount", "20", "--start", "2026-11", "--term-months", "12", "--owner",
        "finance-ops", "--set-by", "procurement")));
    String drawn = Cli.output(run.cli("commitments", "show", "--until", "2027-01"));
    assertTrue(drawn.matches("(?s).*2026-11\\s+\\$7,000\\.00\\s+\\$5,600\\.00\\s+\\$5,600\\.00\\s+\\$0\\.00\\s+\\$4,400\\.00.*"),
        drawn);
    // December: the $4,400 left covers $5,500 of list; $1,000 of list is over it, paid at list.
    assertTrue(drawn.matches("(?s).*2026-12\\s+\\$6,500\\.00\\s+\\$5,200\\.00\\s+\\$4,400\\.00\\s+\\$1,000\\.00\\s+\\$0\\.00.*"),
        drawn);
    assertTrue(drawn.matches("(?s).*2027-01\\s+\\$0\\.00\\s+\\$0\\.00\\s+\\$0\\.00\\s+\\$0\\.00\\s+\\$0\\.00.*"), drawn);

    // Reference rates from the ECB's CSV, a conversion, and a budget in euros.
    Path csv = Files.createTempFile(Path.of("target").toAbsolutePath(), "eurofxref-hist", ".csv");
    Files.writeString(csv, """
        Date,USD,JPY,BGN,CYP,CZK,DKK,EEK,GBP,HUF,INR,
        2026-12-04,1.0845,163.21,N/A,N/A,24.311,7.4603,N/A,0.85123,385.55,91.7750,
        2026-11-30,1.0812,162.45,N/A,N/A,24.250,7.4598,N/A,0.84750,383.10,91.2345,
        """);
    assertTrue(Cli.output(run.cli("fx", "import", "--file", csv.toString(), "--currencies", "INR", "--set-by", "finance"))
        .contains("Imported 4 rates ([INR, USD]) from 2026-11-30 to 2026-12-04"));
    assertTrue(Cli.output(run.cli("fx", "convert", "--usd", "5000", "--to", "EUR", "--date", "2026-11-30")).contains(
        "$5,000.00 = €4,624.49 (exact 4624.491305956 EUR) at 1 EUR = 1.0812 USD (ECB euro foreign exchange reference "
            + "rates, 2026-11-30)"));
    assertEquals(0, Cli.run(run.cli("budgets", "set", "--id", "support-monthly", "--team", "support", "--limit-usd",
        "5000", "--period", "month")));
    String budgets = Cli.output(run.cli("budgets", "list", "--currency", "EUR", "--date", "2026-12-05"));
    assertTrue(budgets.contains("in EUR: limit €4,610.42 (exact 4610.419548179), at 1 EUR = 1.0845 USD (ECB euro "
        + "foreign exchange reference rates, 2026-12-04)"), budgets);

    // November's FOCUS file in euros: refused while a charge day has no rate on or before it, then
    // written with every row at its day's rate, the validator's MUST rules kept.
    Path rules = io.tokenledger.testing.SharedData.path("focus/model-1.2.json");
    Path focus = csv.resolveSibling("focus-eur.csv");
    String noRate = Cli.refusal(1, run.cli("export", "focus", "--period", "2026-11", "--currency", "EUR", "--out",
        focus.toString()));
    assertTrue(noRate.contains("cannot be billed in EUR: no EUR rate on or before 2026-11-10"), noRate);
    assertEquals(0, Cli.run(run.cli("fx", "set", "--base", "EUR", "--currency", "USD", "--rate", "1.08", "--date",
        "2026-10-30", "--source", "ECB reference rate", "--set-by", "finance")));
    String exported = Cli.output(run.cli("export", "focus", "--period", "2026-11", "--currency", "EUR", "--out",
        focus.toString(), "--rules", rules.toString()));
    assertTrue(exported.contains("billed in EUR, each row at its day's rate"), exported);
    assertTrue(exported.contains("none broken"), exported);
    String file = Files.readString(focus);
    assertTrue(file.lines().skip(1).allMatch(l -> l.contains(",EUR,") && l.contains("1 EUR = 1.08 USD,2026-10-30,"
        + "ECB reference rate")), file);
    // The quarter's commitment is in it: its purchase ($10,000 = 9,259.259259259 EUR at 1.08) and openai's usage it
    // covers (Used, billed 0), as FOCUS has a spend-based commitment discount.
    assertTrue(file.lines().anyMatch(l -> l.startsWith("9259.259259259,") && l.contains(",Purchase,")
        && l.contains(",openai-msa-2026,")), file);
    assertTrue(file.lines().anyMatch(l -> l.contains(",Used,") && l.contains(",Committed,")), file);

    // Build or buy for growth's campaigns in November.
    String compared = Cli.output(run.cli("capacity", "compare", "--workflow", "campaigns", "--candidate",
        "selfhosted/llama-3.1-8b", "--gpu-hour-usd", "2.10", "--tokens-per-second", "2400", "--month", "2026-11"));
    assertTrue(compared.contains("Build or buy for campaigns, 2026-11: 25,920,000 tokens, busiest hour 17,280,000"),
        compared);
    assertTrue(compared.matches("(?s).*API \\(as priced\\):\\s+\\$60\\.00 .*"), compared);
    assertTrue(compared.matches("(?s).*selfhosted/llama-3\\.1-8b on 2 GPUs at \\$2\\.10/h, 2,400 tokens/s each:\\s+"
        + "\\$3,024\\.00 .*"), compared);
    assertTrue(compared.contains("The API is cheaper by $2,964.00 over the 720 hours."), compared);
    assertTrue(compared.contains("Break-even: none in this shape; one unit serves at most 12,960,000 tokens over the "
        + "720 hours"), compared);
  }

  static UsageAggregate bucket(String team, String workflow, String provider, String model, String start, long input,
      long output, long cost) {
    UsageAggregate b = LedgerFixtures.bucket(team, workflow, new ProviderModel(provider, model), Instant.parse(start),
        input, cost);
    b.setOutputTokens(output);
    return b;
  }
}
