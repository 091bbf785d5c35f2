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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench otlp}: OpenTelemetry ingestion through the gateway and the bridge. */
@Command(name = "otlp", mixinStandardHelpOptions = true,
    description = {"OpenTelemetry ingestion against a real dev broker: OTLP/HTTP protobuf on the gateway (closed loop),",
        "then the bridge draining a preloaded Collector topic, next to a pass-through app over the same topic."})
final class BenchOtlp implements Callable<Integer> {
  @Option(names = "--workers", defaultValue = "16", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds on the gateway (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--spans-per-trace", defaultValue = "10", description = "Spans per trace (default: ${DEFAULT-VALUE}).")
  int spansPerTrace;

  @Option(names = "--genai-per-trace", defaultValue = "2",
      description = "LLM spans with usage per trace; the rest are HTTP and database spans (default: ${DEFAULT-VALUE}).")
  int genAiPerTrace;

  @Option(names = "--traces-per-export", defaultValue = "10", description = "Traces per export (default: ${DEFAULT-VALUE}).")
  int tracesPerExport;

  @Option(names = "--messages", defaultValue = "5000",
      description = "Exports preloaded on the Collector topic for the bridge (default: ${DEFAULT-VALUE}).")
  int messages;

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("tokenledger-bench");
    int spansPerExport = tracesPerExport * spansPerTrace;
    int usagePerExport = tracesPerExport * genAiPerTrace;
    System.out.println("Machine: " + BenchCommand.machine());
    System.out.printf("Exports of %d spans (%d traces of %d), %d with GenAI usage: %.0f%% of spans are not LLM calls%n",
        spansPerExport, tracesPerExport, spansPerTrace, usagePerExport,
        100.0 * (spansPerExport - usagePerExport) / spansPerExport);
    try (DevBroker broker = BenchCommand.scratchBroker(dir)) {
      String bootstrap = broker.bootstrapServers();
      Topics topics = Topics.from(Map.of());
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicApplier.apply(admin, topics.all());
        admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic("otlp_spans", 6, (short) 1),
            new org.apache.kafka.clients.admin.NewTopic("otlp_spans_copy", 6, (short) 1))).all().get();
      }
      String token = new ApiKeyAdmin(bootstrap, topics.apiKeys).create("support", "benchmark").token();
      try (ApiKeyDirectory keys = new ApiKeyDirectory(bootstrap, topics.apiKeys);
           IngestGateway gateway = IngestGateway.connected(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
               topics, keys, GatewaySettings.defaults(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
               .start("127.0.0.1", 0)) {
        keys.awaitLoaded(Duration.ofSeconds(30));
        GatewayLoad.Result r = GatewayLoad.run("otlp", "http://127.0.0.1:" + gateway.port() + "/v1/traces", token,
            workers, spansPerExport, Duration.ofSeconds(5), Duration.ofSeconds(seconds),
            () -> OtlpLoad.export("support", tracesPerExport, spansPerTrace, genAiPerTrace).toByteArray(),
            "application/x-protobuf", 200);
        System.out.printf("gateway /v1/traces: %d clients, %,.0f spans/s (%,.0f usage events/s), %,.0f requests/s, "
            + "p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors%n", r.workers(), r.eventsPerSecond(),
            r.eventsPerSecond() * usagePerExport / spansPerExport, r.requestsPerSecond(), r.p50Micros() / 1000.0,
            r.p99Micros() / 1000.0, r.maxMicros() / 1000.0, r.errors());
      }
      TopologyBenchmark bench = new TopologyBenchmark(bootstrap, Files.createDirectories(dir.resolve("state")));
      long loadStart = System.nanoTime();
      try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20),
          new org.apache.kafka.common.serialization.ByteArraySerializer(),
          new org.apache.kafka.common.serialization.ByteArraySerializer())) {
        for (int m = 0; m < messages; m++) {
          producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("otlp_spans",
              OtlpLoad.export("team-" + (m % 20), tracesPerExport, spansPerTrace, genAiPerTrace).toByteArray()));
        }
      }
      long spans = (long) messages * spansPerExport;
      System.out.printf("Preloaded %,d exports (%,d spans) in %.1f s%n", messages, spans,
          (System.nanoTime() - loadStart) / 1e9);
      var ceiling = bench.time("pass-through (ceiling)", TopologyBenchmark.passThrough("otlp_spans", "otlp_spans_copy"),
          bench.streamsConfig("bench-otlp-pass-through", Map.of()), "otlp_spans", messages);
      var bridge = bench.time("otel-bridge", io.tokenledger.otelbridge.OtelBridgeApp.buildTopology(topics,
          io.tokenledger.otelbridge.OtelBridgeSettings.from(Map.of())), bench.streamsConfig("bench-otel-bridge",
          Map.of()), "otlp_spans", messages);
      for (var run : java.util.List.of(ceiling, bridge)) {
        System.out.printf("%-24s %,8d exports in %6.1f s = %,10.0f spans/s (%,.0f usage events/s)%n", run.name(),
            run.events(), run.seconds(), spans / run.seconds(), (double) messages * usagePerExport / run.seconds());
      }
      System.out.printf("Bridge / ceiling: %.2f%n", ceiling.seconds() / bridge.seconds());
    }
    return 0;
  }
}
