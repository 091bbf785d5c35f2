package io.tokenledger.platform.service;

import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
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
  private final List<ConfigDeclaration> declared;

  /** @param declared the {@code tokenledger.*} keys of its own that the service reads */
  public ServiceDescription(String name, String applicationId, BiFunction<Topics, Map<String, ?>, Topology> topology,
      Function<Map<String, ?>, Properties> config, List<ConfigDeclaration> declared) {
    this.name = name;
    this.applicationId = applicationId;
    this.topology = topology;
    this.config = config;
    this.declared = List.copyOf(declared);
  }

  @Override
  public List<ConfigDeclaration> configuration() {
    List<ConfigDeclaration> all = new ArrayList<>(StreamsService.super.configuration());
    all.addAll(declared);
    return List.copyOf(all);
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
