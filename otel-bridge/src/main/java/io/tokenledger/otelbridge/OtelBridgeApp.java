package io.tokenledger.otelbridge;

import io.tokenledger.platform.service.StreamsServices;
import io.tokenledger.platform.service.ServiceDescription;
import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

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
   * The bridge as a service ({@link StreamsServices} runs it): it does not start while the
   * Collector's topic does not exist, and says which setting names it.
   */
  public static final StreamsService SERVICE = new ServiceDescription("the OTel bridge", APPLICATION_ID,
      (topics, settings) -> buildTopology(topics, OtelBridgeSettings.from(settings)), OtelBridgeApp::config,
      java.util.List.of(OtelBridgeSettings.CONFIG, io.tokenledger.ingest.otel.SpanMapping.CONFIG,
          io.tokenledger.schemas.validation.ValidationSettings.CONFIG))
      .requiring((topics, settings) -> {
        OtelBridgeSettings bridge = OtelBridgeSettings.from(settings);
        try (Admin admin = TopicApplier.admin(settings)) {
          if (!admin.listTopics().names().get().contains(bridge.topic())) {
            return java.util.Optional.of("there is no topic '" + bridge.topic() + "'. Point the Collector's Kafka "
                + "exporter (traces_topic) and " + OtelBridgeSettings.PREFIX + "topic at the same topic.");
          }
        }
        return java.util.Optional.empty();
      });

  public static void main(String[] args) throws Exception {
    System.exit(StreamsServices.run(SERVICE, StreamsApps.overridesFrom(args)));
  }
}
