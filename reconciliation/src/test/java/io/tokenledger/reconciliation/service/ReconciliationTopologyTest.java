package io.tokenledger.reconciliation.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.reconciliation.DifferenceClass;
import io.tokenledger.reconciliation.Reconciliation;
import io.tokenledger.reconciliation.ReconciliationTest;
import io.tokenledger.reconciliation.bills.BillLines;
import io.tokenledger.reconciliation.bills.ProviderExports;
import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.BillMapping;
import io.tokenledger.schemas.PriceVersion;
import io.tokenledger.schemas.ReconciliationAlert;
import io.tokenledger.schemas.ReconciliationState;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.BillKeys;
import io.tokenledger.schemas.topics.Topics;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation service on a TopologyTestDriver: the ledger's buckets (and a bucket's later
 * total) become cells equal to the pure reconciliation of the same buckets; a closed day whose
 * unexplained share passes 1% is raised once on the wall-clock check, and cleared once.
 */
class ReconciliationTopologyTest {
  private static final Instant NOV_5 = Instant.parse("2026-11-05T08:00:00Z");
  private TopologyTestDriver driver;
  private Topics topics;
  private TestInputTopic<String, UsageAggregate> ledger;
  private TestInputTopic<String, BillLine> bills;
  private TestOutputTopic<String, ReconciliationAlert> alerts;
  private ReconciliationSettings settings;

  @BeforeEach
  void start() {
    Map<String, Object> config = new HashMap<>();
    config.put("tokenledger.topic.ledger.team-workflow-model.15m.partitions", "1");
    config.put(ReconciliationSettings.PREFIX + "check-interval", "1m");
    topics = Topics.from(config);
    settings = ReconciliationSettings.from(config);
    Properties props = ReconciliationApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
        StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/reconciliation-ttd-" + System.nanoTime()));
    driver = new TopologyTestDriver(ReconciliationApp.buildTopology(topics, settings), props, NOV_5);
    ledger = driver.createInputTopic(topics.seriesLedger15m.name(), topics.seriesLedger15m.keySerde().serializer(),
        topics.seriesLedger15m.valueSerde().serializer());
    bills = driver.createInputTopic(topics.bills.name(), topics.bills.keySerde().serializer(),
        topics.bills.valueSerde().serializer());
    alerts = driver.createOutputTopic(topics.reconciliationAlerts.name(), topics.reconciliationAlerts.keySerde()
        .deserializer(), topics.reconciliationAlerts.valueSerde().deserializer());
    TestInputTopic<String, PriceVersion> prices = driver.createInputTopic(topics.prices.name(),
        topics.prices.keySerde().serializer(), topics.prices.valueSerde().serializer());
    ReconciliationTest.catalog().priceOf(new io.tokenledger.schemas.models.ProviderModel("anthropic",
        "claude-sonnet-4-5"), NOV_5.toEpochMilli()).ifPresent(p -> prices.pipeInput(PriceBook.catalogKey(p), p));
    TestInputTopic<String, BillMapping> mappings = driver.createInputTopic(topics.billMappings.name(),
        topics.billMappings.keySerde().serializer(), topics.billMappings.valueSerde().serializer());
    for (BillMapping m : List.of(ReconciliationTest.key("apikey_support", "support"),
        ReconciliationTest.key("apikey_research", "research"), ReconciliationTest.key("apikey_shadow", "data"))) {
      mappings.pipeInput(BillKeys.of(m), m);
    }
    ReconciliationTest.bill().forEach(line -> bills.pipeInput(line.getLineId(), line));
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private Reconciliation.Report served() {
    KeyValueStore<String, byte[]> cells = driver.getKeyValueStore(ReconciliationApp.CELLS_STORE);
    KeyValueStore<String, BillLine> lines = driver.getKeyValueStore(ReconciliationApp.BILLS_STORE);
    KeyValueStore<String, BillMapping> maps = driver.getKeyValueStore(ReconciliationApp.MAPPINGS_STORE);
    return DailyCells.reconcile(YearMonth.of(2026, 11), null, cells, lines, maps, ReconciliationTest.catalog(),
        settings);
  }

  @Test
  void theCellsOfTheLedgerReconcileAsItsBucketsDoIncludingALaterTotal() {
    List<UsageAggregate> buckets = ReconciliationTest.ledger();
    UsageAggregate a = buckets.get(0);
    // A first total of support's bucket, then its final one: only the difference is added.
    ledger.pipeInput(a.getTeam(), UsageAggregate.newBuilder(a).setUncachedInputTokens(400_000)
        .setCostNanoUsd(a.getCostNanoUsd() - 600_000 * 3_000L).setEventCount(4).build(), NOV_5.toEpochMilli());
    buckets.forEach(b -> ledger.pipeInput(b.getTeam(), b, NOV_5.toEpochMilli()));
    Reconciliation.Report expected = ReconciliationTest.report(ReconciliationTest.bill());
    Reconciliation.Report served = served();
    assertEquals(expected.summary().ourCostUsd().stripTrailingZeros(), served.summary().ourCostUsd().stripTrailingZeros());
    for (DifferenceClass kind : DifferenceClass.values()) {
      assertEquals(0, expected.summary().amount(kind).compareTo(served.summary().amount(kind)), kind.toString());
    }
    assertEquals(expected.findings().size(), served.findings().size());
    assertEquals(expected.teams(), served.teams());
  }

  @Test
  void aClosedDayWithTooMuchUnexplainedIsRaisedOnceAndClearedOnce() {
    ReconciliationTest.ledger().forEach(b -> ledger.pipeInput(b.getTeam(), b, NOV_5.toEpochMilli()));
    driver.advanceWallClockTime(Duration.ofMinutes(1));
    assertTrue(alerts.isEmpty(), "nothing unexplained yet");

    // $5 billed for the day without a model or token type: unexplained, 5 / 18.8625 of the bill.
    BillLines more = new BillLines("more", Instant.EPOCH);
    ProviderExports.read("anthropic", "more.json", "{\"data\":[{\"starting_at\":\"2026-11-03T00:00:00Z\","
        + "\"ending_at\":\"2026-11-04T00:00:00Z\",\"results\":[{\"currency\":\"USD\",\"amount\":\"500\","
        + "\"workspace_id\":null,\"description\":null,\"model\":null,\"token_type\":null,\"service_tier\":null,"
        + "\"context_window\":null}]}],\"has_more\":false,\"next_page\":null}", more);
    BillLine unsplit = more.build().get(0);
    bills.pipeInput(unsplit.getLineId(), unsplit);
    driver.advanceWallClockTime(Duration.ofMinutes(1));
    List<ReconciliationAlert> raised = alerts.readValuesToList();
    assertEquals(1, raised.size(), raised.toString());
    ReconciliationAlert alert = raised.get(0);
    assertEquals("anthropic/2026-11-03/reconciliation/1", alert.getAlertId());
    assertEquals(ReconciliationState.UNEXPLAINED_ABOVE_THRESHOLD, alert.getState());
    assertEquals("finance", alert.getTeam());
    assertEquals(0, new BigDecimal("18.8625").compareTo(new BigDecimal(alert.getBilledUsd())));
    assertEquals(0, new BigDecimal("5").compareTo(new BigDecimal(alert.getUnexplainedUsd())));
    assertEquals(new BigDecimal("5").divide(new BigDecimal("18.8625"), 12, java.math.RoundingMode.HALF_EVEN)
        .stripTrailingZeros().toPlainString(), alert.getUnexplainedShare());
    assertEquals("0.01", alert.getThresholdShare());
    assertEquals("-6", new BigDecimal(alert.getExplained().get("tier classification")).stripTrailingZeros()
        .toPlainString());
    assertTrue(alert.getLargestUnexplained().contains("grouped by"), alert.getLargestUnexplained());

    driver.advanceWallClockTime(Duration.ofMinutes(1));
    assertTrue(alerts.isEmpty(), "raised once");
    bills.pipeInput(unsplit.getLineId(), null);
    driver.advanceWallClockTime(Duration.ofMinutes(1));
    List<ReconciliationAlert> cleared = alerts.readValuesToList();
    assertEquals(1, cleared.size(), cleared.toString());
    assertEquals("anthropic/2026-11-03/reconciliation/2", cleared.get(0).getAlertId());
    assertEquals(ReconciliationState.WITHIN_THRESHOLD, cleared.get(0).getState());
  }
}
