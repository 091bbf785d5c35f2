package io.tokenledger.alerting.anomaly;

import io.tokenledger.alerting.AlertingApp;
import io.tokenledger.alerting.AlertingSettings;
import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The alerting topology in a test driver, fed per (team, workflow, model) 1-minute aggregates
 * as the aggregation topology publishes them: cumulative live updates of the minute so far,
 * timestamped with the event time they include.
 */
final class AnomalyFixture implements AutoCloseable {
  static final long MINUTE = 60_000L;

  final TopologyTestDriver driver;
  final TestInputTopic<String, UsageAggregate> minutes;
  final TestOutputTopic<String, AnomalyAlert> anomalies;

  AnomalyFixture(Instant start, String stateDir) {
    Topics topics = Topics.defaults();
    driver = new TopologyTestDriver(AlertingApp.buildTopology(topics, AlertingSettings.defaults()),
        AlertingApp.config(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            StreamsConfig.STATE_DIR_CONFIG, stateDir)), start);
    minutes = driver.createInputTopic(topics.seriesAggregates1m.name(), topics.seriesAggregates1m.keySerde().serializer(),
        topics.seriesAggregates1m.valueSerde().serializer());
    anomalies = driver.createOutputTopic(topics.anomalyAlerts.name(), topics.anomalyAlerts.keySerde().deserializer(),
        topics.anomalyAlerts.valueSerde().deserializer());
  }

  /** One cumulative update of a minute: requests, tokens and cost so far, as of {@code asOf}. */
  void update(String scope, long minuteStart, long requests, long tokens, long costNanoUsd, long asOf) {
    io.tokenledger.schemas.topics.SeriesKey series = io.tokenledger.schemas.topics.SeriesKey.parse(scope);
    UsageAggregate aggregate = UsageAggregate.newBuilder().setScope(scope).setTeam(series.team())
        .setWorkflow(series.workflow()).setProvider(series.provider()).setModel(series.model()).setWindowStart(Instant.ofEpochMilli(minuteStart))
        .setWindowEnd(Instant.ofEpochMilli(minuteStart + MINUTE)).setEventCount(requests).setRequestCount(requests)
        .setUncachedInputTokens(tokens).setCacheReadTokens(0).setCacheWriteTokens(0).setOutputTokens(0)
        .setReasoningTokens(0).setCostNanoUsd(costNanoUsd).build();
    minutes.pipeInput(scope, aggregate, asOf);
  }

  /** A whole minute in one update, as of its last millisecond. */
  void minute(String scope, long minuteStart, long requests, long tokens, long costNanoUsd) {
    update(scope, minuteStart, requests, tokens, costNanoUsd, minuteStart + MINUTE - 1);
  }

  void advanceWallClock(Duration duration) {
    driver.advanceWallClockTime(duration);
  }

  @Override
  public void close() {
    driver.close();
  }
}
