package io.tokenledger.devtools.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.devtools.broker.DevBroker;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench gateway}: load on the HTTP gateway. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
    description = "Load on the HTTP gateway over loopback against a real dev broker: single events and batches.")
final class BenchGateway implements Callable<Integer> {
  @Option(names = "--workers", defaultValue = "16", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--batch", defaultValue = "100", description = "Events per batch request (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  public Integer call() throws Exception {
    try (DevBroker broker = BenchCommand.scratchBroker(Files.createTempDirectory("tokenledger-bench"))) {
      String bootstrap = broker.bootstrapServers();
      Topics topics = Topics.from(Map.of());
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicApplier.apply(admin, topics.all());
      }
      String token = new ApiKeyAdmin(bootstrap, topics.apiKeys).create("support", "benchmark").token();
      try (ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
           IngestGateway gateway = IngestGateway.connected(
               Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics, keys, GatewaySettings.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
               .start("127.0.0.1", 0)) {
        keys.awaitLoaded(Duration.ofSeconds(30));
        String url = "http://127.0.0.1:" + gateway.port() + "/v1/usage";
        System.out.println("Machine: " + BenchCommand.machine());
        System.out.printf("%-8s %7s %6s %10s %12s %10s %9s %9s %9s %6s%n", "RUN", "WORKERS", "BATCH", "REQUESTS",
            "EVENTS/S", "REQ/S", "P50 ms", "P99 ms", "MAX ms", "ERRORS");
        for (int eventsPerRequest : new int[] {1, batch}) {
          GatewayLoad.Result r = GatewayLoad.run(eventsPerRequest == 1 ? "single" : "batch", url, token, workers,
              eventsPerRequest, Duration.ofSeconds(5), Duration.ofSeconds(seconds));
          System.out.printf("%-8s %7d %6d %10d %12.0f %10.0f %9.2f %9.2f %9.2f %6d%n", r.name(), r.workers(),
              r.eventsPerRequest(), r.requests(), r.eventsPerSecond(), r.requestsPerSecond(), r.p50Micros() / 1000.0,
              r.p99Micros() / 1000.0, r.maxMicros() / 1000.0, r.errors());
        }
      }
    }
    return 0;
  }
}
