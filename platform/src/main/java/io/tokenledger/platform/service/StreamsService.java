package io.tokenledger.platform.service;

import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;

/**
 * What a tokenledger Streams service is, in the one shape every service has: its topology, its
 * configuration, the topics whose partition counts it works out ownership from, what must hold
 * before it starts, and the queries it answers. {@link StreamsServices} runs any of them the same
 * way, in production and in the local stack.
 */
public interface StreamsService {
  /** How logs name it: "the aggregation". */
  String name();

  String applicationId();

  /** Its topology, from the topic registry and its settings (every key of its configuration). */
  Topology topology(Topics topics, Map<String, ?> settings);

  /**
   * The {@code tokenledger.*} keys it reads, each declared once with its type, default, range
   * and meaning: the topics' and every Streams service's, then its own.
   */
  default List<ConfigDeclaration> configuration() {
    return List.of(Topics.configuration(), StreamsApps.CONFIG);
  }

  /** Exactly-once and tokenledger's defaults, the service's own, then the caller's overrides. */
  default Properties config(Map<String, ?> overrides) {
    return StreamsApps.baseConfig(applicationId(), overrides);
  }

  /**
   * Topics whose real partition counts must be the declared ones: a task reads them together, or
   * the service places records by team in them. The service does not start when one differs.
   */
  default List<Topic<?, ?>> partitionsChecked(Topics topics) {
    return List.of();
  }

  /** Why the service must not start, besides partitions (say, a topic of another system missing); empty to start. */
  default Optional<String> precondition(Topics topics, Map<String, ?> settings) throws Exception {
    return Optional.empty();
  }

  /** The queries it answers on {@code application.server}, if any. */
  default Optional<Queries> queries(Topics topics, Map<String, ?> settings) {
    return Optional.empty();
  }

  /** Starts answering queries for a running instance; what it returns is closed when the instance stops. */
  @FunctionalInterface
  interface Queries {
    AutoCloseable start(KafkaStreams streams, HostInfo self, ApiKeyDirectory keys) throws IOException;
  }
}
