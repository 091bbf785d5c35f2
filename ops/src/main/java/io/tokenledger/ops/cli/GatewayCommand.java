package io.tokenledger.ops.cli;

import io.tokenledger.platform.metrics.ServiceMeters;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.topics.ClientConfigs;
import io.tokenledger.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ingest-gateway", mixinStandardHelpOptions = true,
    description = "Runs the HTTP ingest gateway (POST /v1/usage, GET /healthz, GET /metrics) until Ctrl-C/SIGTERM.")
public final class GatewayCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all interfaces).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> settings = kafka.settings();
    Topics topics = Topics.from(settings);
    kafka.applyTopics(topics);
    ApiKeyDirectory keys = new ApiKeyDirectory(settings, topics.apiKeys);
    if (!keys.awaitLoaded(Duration.ofSeconds(60))) {
      System.err.println("Could not read the API keys from " + topics.apiKeys.name() + " within 60 s; is Kafka up?");
      return 1;
    }
    IngestGateway gateway = IngestGateway.connected(ClientConfigs.producer(settings), topics,
        keys, GatewaySettings.from(settings), ServiceMeters.prometheus()).start(host, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      stopped.countDown();
    }, "gateway-stop"));
    System.out.println("Ingest gateway on http://" + host + ":" + gateway.port() + "/v1/usage and /v1/outcomes (Ctrl-C to stop)");
    stopped.await();
    return 0;
  }
}
