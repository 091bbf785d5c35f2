package io.tokenledger.platform.service;

import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.streams.StreamsApps;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a {@link StreamsService}: the one launch sequence of every tokenledger Streams service. */
public final class StreamsServices {
  private static final Logger log = LoggerFactory.getLogger(StreamsServices.class);

  private StreamsServices() {
  }

  /**
   * Runs the service until SIGTERM, as every launcher does: joins as a static member, creates the
   * missing topics, refuses to start when a checked topic's partition count differs from the
   * declared one or a precondition fails (exit code 2, saying why), and answers its queries on
   * {@code application.server} when that is set.
   *
   * @return the process exit code
   */
  public static int run(StreamsService service, Map<String, ?> overrides) throws Exception {
    Properties config = StreamsApps.withStaticMembership(service.config(overrides));
    Map<String, Object> settings = StreamsApps.asMap(config);
    Topics topics = Topics.from(settings);
    Optional<String> refused = TopicApplier.prepare(settings, topics.all(),
        service.partitionsChecked(topics).toArray(Topic<?, ?>[]::new));
    if (refused.isEmpty()) {
      refused = service.precondition(topics, settings);
    }
    if (refused.isPresent()) {
      log.error("Not starting {}: {}", service.name(), refused.get());
      return 2;
    }
    KafkaStreams streams = new KafkaStreams(service.topology(topics, settings), config);
    Optional<StreamsService.Queries> queries = service.queries(topics, settings);
    if (queries.isEmpty() || settings.get(StreamsConfig.APPLICATION_SERVER_CONFIG) == null) {
      if (queries.isPresent()) {
        log.info("No {} set: {} answers no queries from this instance", StreamsConfig.APPLICATION_SERVER_CONFIG,
            service.name());
      }
      StreamsApps.runUntilShutdown(streams, config);
      return 0;
    }
    try (ApiKeyDirectory keys = new ApiKeyDirectory(settings, topics.apiKeys);
         AutoCloseable answering = queries.get().start(streams, QueryHttpServer.advertised(settings), keys)) {
      StreamsApps.runUntilShutdown(streams, config);
    }
    return 0;
  }

  /** A service started in this process, with its query server when it has one; closing stops both. */
  public record Running(KafkaStreams streams, AutoCloseable queries) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try {
        if (queries != null) {
          queries.close();
        }
      } finally {
        StreamsApps.close(streams, Duration.ofSeconds(30));
      }
    }
  }

  /**
   * Starts the service in this process (the local stack, tests): its topology and configuration
   * as {@link #run} would use them, failed stream threads replaced, queries answered on
   * {@code self} with {@code keys}. Topics are expected to exist.
   */
  public static Running start(StreamsService service, Map<String, ?> overrides, HostInfo self, ApiKeyDirectory keys)
      throws Exception {
    Properties config = service.config(overrides);
    Map<String, Object> settings = StreamsApps.asMap(config);
    Topics topics = Topics.from(settings);
    KafkaStreams streams = new KafkaStreams(service.topology(topics, settings), config);
    StreamsApps.replaceFailedThreads(streams, service.applicationId());
    streams.start();
    Optional<StreamsService.Queries> queries = service.queries(topics, settings);
    try {
      return new Running(streams, queries.isPresent() ? queries.get().start(streams, self, keys) : null);
    } catch (Exception e) {
      StreamsApps.close(streams, Duration.ofSeconds(30));
      throw e;
    }
  }
}
