package io.tokenledger.ops.cli;

import io.tokenledger.platform.service.StreamsService;
import io.tokenledger.platform.service.StreamsServices;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Mixin;

/** Runs one Streams service on its own, as it runs in production ({@link StreamsServices#run}). */
abstract class ServiceCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  abstract StreamsService service();

  /** The host:port it answers queries on ({@code application.server}); null when it answers none. */
  abstract String queryEndpoint();

  @Override
  public Integer call() throws Exception {
    Map<String, Object> overrides = kafka.settings();
    if (queryEndpoint() != null) {
      overrides.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, queryEndpoint());
    }
    return StreamsServices.run(service(), overrides);
  }
}
