package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.EconomicsPeriod;
import io.tokenledger.schemas.EconomicsVerdict;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.LedgerFixtures;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code tokenledger plan set|show} against a real broker, the ledger written as the aggregation
 * writes it. support's ticket-triage uses 1,000,000 gpt-4o input tokens a day ($2.50; $2.00 from
 * March 1, a known cut) and its reply-drafting 500,000 gpt-4o-mini tokens ($0.075), every day from
 * January 1 2027. As of February 3: 33 days spent, 26 + 31 days forecast (PlanOutlookTest has the
 * same figures without a broker).
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class PlanCommandIT {
  @Test
  void setsPlansAndShowsThemAgainstActualsAndTheForecast(EmbeddedKafka kafka) throws Exception {
    IsolatedRun run = IsolatedRun.create(kafka, "plan");
    Topics topics = run.topics();
    for (PriceVersion price : new PriceVersion[] {LedgerFixtures.openAiPrice("gpt-4o", "2025-01-01T00:00:00Z", 2_500_000),
        LedgerFixtures.openAiPrice("gpt-4o", "2027-03-01T00:00:00Z", 2_000_000),
        LedgerFixtures.openAiPrice("gpt-4o-mini", "2025-01-01T00:00:00Z", 150_000)}) {
      CompactedTopics.write(run.config(), topics.prices, PriceBook.catalogKey(price), price);
    }
    try (KafkaProducer<String, UsageAggregate> ledger = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        topics.seriesLedger15m.keySerde().serializer(), topics.seriesLedger15m.valueSerde().serializer())) {
      for (LocalDate day = LocalDate.parse("2027-01-01"); day.isBefore(LocalDate.parse("2027-02-03"));
           day = day.plusDays(1)) {
        Instant at = day.atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(9));
        for (UsageAggregate b : new UsageAggregate[] {
            LedgerFixtures.bucket("support", "ticket-triage", new ProviderModel("openai", "gpt-4o"), at, 1_000_000,
                2_500_000_000L),
            LedgerFixtures.bucket("support", "reply-drafting", new ProviderModel("openai", "gpt-4o-mini"), at, 500_000,
                75_000_000L)}) {
          ledger.send(new ProducerRecord<>(topics.seriesLedger15m.name(), b.getScope(), b)).get();
        }
      }
    }

    assertEquals(0, Cli.run(run.cli("plan", "set", "--team", "support", "--workflow", "ticket-triage", "--quarter",
        "2027-Q1", "--usd", "150", "--effective-from", "2026-12-15", "--set-by", "finance")));
    String revised = Cli.output(run.cli("plan", "set", "--team", "support", "--workflow", "ticket-triage",
        "--quarter", "2027-q1", "--usd", "200", "--effective-from", "2027-01-20", "--set-by", "finance",
        "--note", "agents took over tier 1"));
    assertTrue(revised.contains("Set the 2027-Q1 plan of support / ticket-triage: $200.00, from 2027-01-20T00:00:00Z"),
        revised);
    assertEquals(0, Cli.run(run.cli("plan", "set", "--team", "support", "--quarter", "2027-Q1", "--usd", "250",
        "--effective-from", "2026-12-15", "--set-by", "finance")));
    assertTrue(Cli.refusal(2, run.cli("plan", "set", "--team", "support", "--quarter", "2027-Q5", "--usd", "1",
        "--set-by", "finance")).contains("a quarter is written YYYY-Qn, e.g. 2027-Q1, not '2027-Q5'"));
    assertTrue(Cli.refusal(2, run.cli("plan", "set", "--team", "support", "--quarter", "2027-Q1", "--set-by",
        "finance")).contains("give an amount in USD, tokens or both"));
    assertEquals(3, CompactedTopics.readLatest(run.config(), topics.plans).size(), "every version kept");

    String shown = Cli.output(run.cli("plan", "show", "--quarter", "2027-Q1", "--as-of", "2027-02-03"));
    // 33 x $2.575 = $84.975 spent; forecast + 26 x $2.575 + 31 x $2.075 = $216.25, 13.5% under $250.
    assertTrue(shown.contains("support: 2027-Q1 plan $250.00, spent $84.98 by Feb 3, forecast $216.25 (-14%)"), shown);
    // 33 x $2.50 = $82.50; + 26 x $2.50 + 31 x $2.00 = $209.50, 4.75% over $200 (the version in force on Feb 3).
    assertTrue(shown.contains("support / ticket-triage: 2027-Q1 plan $200.00, spent $82.50 by Feb 3, forecast "
        + "$209.50 (+5%)"), shown);
    assertTrue(Cli.output(run.cli("plan", "show", "--quarter", "2027-Q2", "--as-of", "2027-02-03"))
        .contains("No plan for 2027-Q2."));

    // The economics of February so far: ticket-triage's agent $0.80 per successful ticket, a person $10.53.
    WorkflowEconomics triage = WorkflowEconomics.newBuilder().setWorkflow("ticket-triage").setTeam("support")
        .setPeriod(EconomicsPeriod.MONTH).setZone("UTC").setFirstDay("2027-02-01")
        .setPeriodStart(Instant.parse("2027-02-01T00:00:00Z")).setPeriodEnd(Instant.parse("2027-03-01T00:00:00Z"))
        .setOutcomeUnit("ticket").setItemsStarted(100).setItemsSucceeded(90).setItemsFailed(10).setItemsEscalated(0)
        .setItemsAbandoned(0).setItemsOpen(0).setUnitsSucceeded(90).setHumanSeconds(0).setAiSpendNanoUsd(72 * 1_000_000_000L)
        .setHumanInLoopCostNanoUsd(0).setAiPathCostNanoUsd(72 * 1_000_000_000L).setCostPerSuccessNanoUsd(800_000_000L)
        .setHumanCostPerOutcomeNanoUsd(10_530_000_000L).setHumanCostAvoidedNanoUsd(0).setUnvaluedOutcomes(0)
        .setVerdict(EconomicsVerdict.AGENT_CHEAPER).setVerdictReason("cheaper").build();
    CompactedTopics.write(run.config(), topics.economics, "MONTH|UTC|2027-02-01|ticket-triage|support", triage);
    String advice = Cli.output(run.cli("plan", "advise", "--quarter", "2027-Q1", "--as-of", "2027-02-03"));
    // $9.50 over plan; $0.80 at March's cut prices (127 x 33 / (57 x 82.5)) is $0.712982456: 13 tickets.
    assertTrue(advice.contains("[FUND] support / ticket-triage: its agent is cheaper than a person ($0.71 per "
        + "successful ticket at the forecast's prices, against $10.53) and its forecast passes its plan by $9.50: that "
        + "is 13 tickets by the agent, which people would do for $136.89."), advice);
  }
}
