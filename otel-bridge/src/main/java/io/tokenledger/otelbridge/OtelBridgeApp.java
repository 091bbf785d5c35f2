package io.tokenledger.otelbridge;

import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry bridge: the Collector's Kafka topic of OTLP trace exports in, usage events
 * out, exactly once (a message's events and its offset commit in one transaction); the
 * aggregation dedups by event id, so a span the Collector sends twice counts once.
 * {@link #buildTopology} and {@link #config} are what tests and launchers call.
 */
public final class OtelBridgeApp {
  public static final String APPLICATION_ID = "tokenledger-otel-bridge";
  static final String SOURCE = "otlp-source";
  static final String BRIDGE = "otlp-to-usage";
  static final String USAGE_SINK = "usage-sink";
  static final String DEAD_LETTER_SINK = "dead-letter-sink";

  private OtelBridgeApp() {}

  public static Topology buildTopology(Topics topics, OtelBridgeSettings settings) {
    Topology topology = new Topology();
    topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), settings.topic());
    topology.addProcessor(BRIDGE, () -> new SpanBridge(settings, USAGE_SINK, DEAD_LETTER_SINK), SOURCE);
    topology.addSink(USAGE_SINK, topics.usage.name(), topics.usage.keySerde().serializer(),
        topics.usage.valueSerde().serializer(), BRIDGE);
    topology.addSink(DEAD_LETTER_SINK, topics.deadLetters.name(), topics.deadLetters.keySerde().serializer(),
        topics.deadLetters.valueSerde().serializer(), BRIDGE);
    return topology;
  }

  public static Properties config(Map<String, ?> overrides) {
    return StreamsApps.baseConfig(APPLICATION_ID, overrides);
  }

  /**
   * Runs the bridge until SIGTERM: creates tokenledger's missing topics, and refuses to start
   * while the Collector's topic does not exist (saying which setting names it).
   *
   * @return the process exit code
   */
  public static int run(Map<String, ?> overrides) throws Exception {
    Properties config = StreamsApps.withStaticMembership(config(overrides));
    Map<String, Object> settings = StreamsApps.asMap(config);
    Topics topics = Topics.from(settings);
    OtelBridgeSettings bridge = OtelBridgeSettings.from(settings);
    TopicApplier.prepare(settings, topics.all());
    try (Admin admin = TopicApplier.admin(settings)) {
      if (!admin.listTopics().names().get().contains(bridge.topic())) {
        LoggerFactory.getLogger(OtelBridgeApp.class).error("Not starting the OTel bridge: there is no topic '{}'. "
            + "Point the Collector's Kafka exporter (traces_topic) and {}topic at the same topic.", bridge.topic(),
            OtelBridgeSettings.PREFIX);
        return 2;
      }
    }
    StreamsApps.runUntilShutdown(new KafkaStreams(buildTopology(topics, bridge), config), config);
    return 0;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(StreamsApps.overridesFrom(args)));
  }
}
