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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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
    // The checks talk to the broker while this thread builds the topology and the clients: on a
    // restart both are on the critical path, and neither needs the other (BENCHMARKS.md, recovery).
    FutureTask<Optional<String>> checks = new FutureTask<>(() -> {
      Optional<String> refusal = TopicApplier.prepare(settings, topics.all(),
          service.partitionsChecked(topics).toArray(Topic<?, ?>[]::new));
      return refusal.isPresent() ? refusal : service.precondition(topics, settings);
    });
    new Thread(checks, service.applicationId() + "-topic-checks").start();
    KafkaStreams streams = new KafkaStreams(service.topology(topics, settings), config);
    Optional<String> refused;
    try {
      refused = checks.get();
    } catch (ExecutionException e) {
      streams.close();
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    if (refused.isPresent()) {
      streams.close();
      log.error("Not starting {}: {}", service.name(), refused.get());
      return 2;
    }
    Optional<StreamsService.Queries> queries = service.queries(topics, settings);
    if (queries.isEmpty() || settings.get(StreamsConfig.APPLICATION_SERVER_CONFIG) == null) {
      if (queries.isPresent()) {
        log.info("No {} set: {} answers no queries from this instance", StreamsConfig.APPLICATION_SERVER_CONFIG,
            service.name());
      }
      StreamsApps.runUntilShutdown(streams, config);
      return 0;
    }
    try (ApiKeyDirectory keys = new ApiKeyDirectory(settings, topics.apiKeys)) {
      // The query server starts while the tasks restore, not before Kafka Streams starts.
      StreamsApps.runUntilShutdown(streams, config, (now, before) -> { },
          () -> queries.get().start(streams, QueryHttpServer.advertised(settings), keys));
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
