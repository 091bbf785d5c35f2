package io.tokenledger.economics;

import io.tokenledger.schemas.HumanBaseline;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.WorkOutcomeStatus;
import io.tokenledger.schemas.WorkflowEconomics;
import io.tokenledger.schemas.topics.BaselineKeys;
import io.tokenledger.schemas.topics.SeriesKey;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The economics topology on a TopologyTestDriver, with builders for its inputs. */
final class EconomicsFixture implements AutoCloseable {
  static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");
  /** $50.00 an hour. */
  static final long FIFTY_USD_PER_HOUR = 50_000_000_000L;

  final Topics topics;
  final TopologyTestDriver driver;
  private final TestInputTopic<String, PricedUsageEvent> usage;
  private final TestInputTopic<String, WorkOutcome> outcomes;
  private final TestInputTopic<String, UsageAggregate> ledger;
  private final TestInputTopic<String, HumanBaseline> baselines;
  private final TestOutputTopic<String, WorkflowEconomics> economics;
  private final Map<String, WorkflowEconomics> latest = new HashMap<>();
  private int sequence;

  EconomicsFixture(Map<String, Object> overrides) {
    Map<String, Object> config = new HashMap<>();
    config.put("tokenledger.topic.usage.partitions", "1"); // the driver has one partition
    config.put(EconomicsSettings.PREFIX + "abandon-after", "1h");
    config.put(EconomicsSettings.PREFIX + "retain", "2d");
    config.put(EconomicsSettings.PREFIX + "min-outcomes", "10");
    config.putAll(overrides);
    topics = Topics.from(config);
    Properties props = EconomicsApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
        StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/economics-ttd-" + System.nanoTime()));
    driver = new TopologyTestDriver(EconomicsApp.buildTopology(topics, EconomicsSettings.from(config)), props, DEC_1);
    usage = driver.createInputTopic(topics.pricedUsage.name(), topics.pricedUsage.keySerde().serializer(),
        topics.pricedUsage.valueSerde().serializer());
    outcomes = driver.createInputTopic(topics.workOutcomes.name(), topics.workOutcomes.keySerde().serializer(),
        topics.workOutcomes.valueSerde().serializer());
    ledger = driver.createInputTopic(topics.seriesLedger15m.name(), topics.seriesLedger15m.keySerde().serializer(),
        topics.seriesLedger15m.valueSerde().serializer());
    baselines = driver.createInputTopic(topics.humanBaselines.name(), topics.humanBaselines.keySerde().serializer(),
        topics.humanBaselines.valueSerde().serializer());
    economics = driver.createOutputTopic(topics.economics.name(), topics.economics.keySerde().deserializer(),
        topics.economics.valueSerde().deserializer());
  }

  /** One call of an item (null: a call without one), as the aggregation publishes it once accepted and priced. */
  void call(String team, String workflow, String model, String item, Instant at) {
    call(team, workflow, "openai", model, item, at);
  }

  /** The same, from a named provider. */
  void call(String team, String workflow, String provider, String model, String item, Instant at) {
    PricedUsageEvent event = PricedUsageEvent.newBuilder().setEventId("e-" + (++sequence)).setEventTime(at)
        .setTeam(team).setWorkflow(workflow).setService("svc").setProvider(provider).setModel(model)
        .setPricedModel(model).setUncachedInputTokens(100).setCacheReadTokens(0).setCacheWriteTokens(0)
        .setOutputTokens(10).setReasoningTokens(0).setRequestCount(1).setCostNanoUsd(1_000L).setWorkItemId(item)
        .build();
    usage.pipeInput(team, event, at);
  }

  /** What the aggregation's ledger says a (team, workflow, model) 15-minute bucket now totals. */
  void ledger(String team, String workflow, String model, Instant bucketStart, long costNanoUsd) {
    ledger(team, workflow, "openai", model, bucketStart, costNanoUsd);
  }

  /** The same, of a named provider's model. */
  void ledger(String team, String workflow, String provider, String model, Instant bucketStart, long costNanoUsd) {
    SeriesKey key = new SeriesKey(team, workflow, provider, model);
    ledger.pipeInput(key.toString(), UsageAggregate.newBuilder().setScope(key.toString()).setTeam(team)
        .setWorkflow(workflow).setProvider(provider).setModel(model).setWindowStart(bucketStart)
        .setWindowEnd(bucketStart.plus(Duration.ofMinutes(15))).setEventCount(1).setRequestCount(1)
        .setUncachedInputTokens(0).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0)
        .setReasoningTokens(0).setCostNanoUsd(costNanoUsd).setUnpricedEventCount(0).setOutcomeUnits(0)
        .setIsFinal(false).build(), bucketStart);
  }

  void outcome(String team, String workflow, String item, WorkOutcomeStatus status, long units, long humanSeconds,
      Instant at) {
    outcomes.pipeInput(team, WorkOutcome.newBuilder().setOutcomeId("o-" + (++sequence)).setWorkItemId(item)
        .setTeam(team).setWorkflow(workflow).setOutcomeUnit("ticket").setStatus(status).setUnitsDelivered(units)
        .setHumanSeconds(humanSeconds).setEventTime(at).build(), at);
  }

  void baseline(String workflow, long secondsPerUnit, long nanoUsdPerHour, int successBasisPoints, Instant from) {
    HumanBaseline b = HumanBaseline.newBuilder().setWorkflow(workflow).setOutcomeUnit("ticket")
        .setSecondsPerUnit(secondsPerUnit).setLoadedCostNanoUsdPerHour(nanoUsdPerHour)
        .setSuccessRateBasisPoints(successBasisPoints).setEffectiveFrom(from).setSetBy("test").setSource("time study")
        .setUpdatedAt(from).build();
    baselines.pipeInput(BaselineKeys.of(b), b, from);
  }

  /** A baseline as given, e.g. with a person's turnaround and quality. */
  void baseline(HumanBaseline b) {
    baselines.pipeInput(BaselineKeys.of(b), b, b.getEffectiveFrom());
  }

  /** A priced call as given (a variant, a cost of its own). */
  void callAs(PricedUsageEvent event) {
    usage.pipeInput(event.getTeam(), event, event.getEventTime());
  }

  /** Raw bytes on the outcomes topic, as a foreign producer might write them. */
  void rawOutcome(String key, byte[] value) {
    driver.createInputTopic(topics.workOutcomes.name(), new org.apache.kafka.common.serialization.StringSerializer(),
        new org.apache.kafka.common.serialization.ByteArraySerializer()).pipeInput(key, value, DEC_1);
  }

  java.util.List<io.tokenledger.schemas.DeadLetter> deadLetters() {
    return driver.createOutputTopic(topics.deadLetters.name(), topics.deadLetters.keySerde().deserializer(),
        topics.deadLetters.valueSerde().deserializer()).readValuesToList();
  }

  void outcomeAs(String key, WorkOutcome outcome) {
    outcomes.pipeInput(key, outcome, outcome.getEventTime());
  }

  void advanceWallClock(Duration by) {
    driver.advanceWallClockTime(by);
  }

  /** The latest figures of a key, e.g. {@code DAY|UTC|2026-12-01|support|*}. */
  WorkflowEconomics figures(String key) {
    driver.advanceWallClockTime(Duration.ofSeconds(1)); // the changed figures are published every emit interval
    economics.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
    WorkflowEconomics figures = latest.get(key);
    if (figures == null) {
      throw new AssertionError("no figures for " + key + "; keys: " + new java.util.TreeSet<>(latest.keySet()));
    }
    return figures;
  }

  @Override
  public void close() {
    driver.close();
  }
}
