package io.tokenledger.platform.service;

import io.tokenledger.schemas.topics.Topics;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.Topology;

/**
 * A {@link StreamsService} from what every service has, its name, application id, topology
 * function and config function; a service overrides only what it adds (checked topics,
 * preconditions, queries).
 */
public class ServiceDescription implements StreamsService {
  private final String name;
  private final String applicationId;
  private final BiFunction<Topics, Map<String, ?>, Topology> topology;
  private final Function<Map<String, ?>, Properties> config;

  public ServiceDescription(String name, String applicationId, BiFunction<Topics, Map<String, ?>, Topology> topology,
      Function<Map<String, ?>, Properties> config) {
    this.name = name;
    this.applicationId = applicationId;
    this.topology = topology;
    this.config = config;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String applicationId() {
    return applicationId;
  }

  @Override
  public Topology topology(Topics topics, Map<String, ?> settings) {
    return topology.apply(topics, settings);
  }

  @Override
  public Properties config(Map<String, ?> overrides) {
    return config.apply(overrides);
  }
}
