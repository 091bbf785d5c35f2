package io.tokenledger.platform.service;

import io.tokenledger.schemas.config.ConfigDeclaration;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.streams.Topology;

/**
 * A {@link StreamsService} from what every service has (its name, application id, topology
 * function, config function and the keys it declares) and what some add: topics whose partition
 * counts are checked ({@link #checking}), a precondition ({@link #requiring}) and the queries it
 * answers ({@link #answering}). Each of those returns a new description; none is a subclass.
 */
public final class ServiceDescription implements StreamsService {
  /** Why the service must not start yet, if it must not. */
  @FunctionalInterface
  public interface Precondition {
    Optional<String> check(Topics topics, Map<String, ?> settings) throws Exception;
  }

  private final String name;
  private final String applicationId;
  private final BiFunction<Topics, Map<String, ?>, Topology> topology;
  private final Function<Map<String, ?>, Properties> config;
  private final List<ConfigDeclaration> declared;
  private final Function<Topics, List<Topic<?, ?>>> checked;
  private final Precondition precondition;
  private final BiFunction<Topics, Map<String, ?>, Queries> queries;

  /** @param declared the {@code tokenledger.*} keys of its own that the service reads */
  public ServiceDescription(String name, String applicationId, BiFunction<Topics, Map<String, ?>, Topology> topology,
      Function<Map<String, ?>, Properties> config, List<ConfigDeclaration> declared) {
    this(name, applicationId, topology, config, List.copyOf(declared), topics -> List.of(),
        (topics, settings) -> Optional.empty(), null);
  }

  private ServiceDescription(String name, String applicationId, BiFunction<Topics, Map<String, ?>, Topology> topology,
      Function<Map<String, ?>, Properties> config, List<ConfigDeclaration> declared,
      Function<Topics, List<Topic<?, ?>>> checked, Precondition precondition,
      BiFunction<Topics, Map<String, ?>, Queries> queries) {
    this.name = name;
    this.applicationId = applicationId;
    this.topology = topology;
    this.config = config;
    this.declared = declared;
    this.checked = checked;
    this.precondition = precondition;
    this.queries = queries;
  }

  /** The same service, with topics whose real partition counts must be the declared ones. */
  public ServiceDescription checking(Function<Topics, List<Topic<?, ?>>> topics) {
    return new ServiceDescription(name, applicationId, topology, config, declared, topics, precondition, queries);
  }

  /** The same service, not starting while {@code check} says why not. */
  public ServiceDescription requiring(Precondition check) {
    return new ServiceDescription(name, applicationId, topology, config, declared, checked, check, queries);
  }

  /** The same service, answering the queries {@code answering} makes for its topics and settings. */
  public ServiceDescription answering(BiFunction<Topics, Map<String, ?>, Queries> answering) {
    return new ServiceDescription(name, applicationId, topology, config, declared, checked, precondition, answering);
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

  @Override
  public List<ConfigDeclaration> configuration() {
    List<ConfigDeclaration> all = new ArrayList<>(StreamsService.super.configuration());
    all.addAll(declared);
    return List.copyOf(all);
  }

  @Override
  public List<Topic<?, ?>> partitionsChecked(Topics topics) {
    return checked.apply(topics);
  }

  @Override
  public Optional<String> precondition(Topics topics, Map<String, ?> settings) throws Exception {
    return precondition.check(topics, settings);
  }

  @Override
  public Optional<Queries> queries(Topics topics, Map<String, ?> settings) {
    return queries == null ? Optional.empty() : Optional.of(queries.apply(topics, settings));
  }
}
