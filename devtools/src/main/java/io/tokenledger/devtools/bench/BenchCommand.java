package io.tokenledger.devtools.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenledger.ingest.gateway.GatewaySettings;
import io.tokenledger.ingest.gateway.IngestGateway;
import io.tokenledger.platform.auth.ApiKeyAdmin;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.devtools.broker.DevBroker;
import io.tokenledger.ops.cli.Ports;
import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topics;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures; method and figures go to BENCHMARKS.md.",
    subcommands = {BenchRecorder.class, BenchGateway.class, BenchTopology.class, BenchLatency.class, BenchOtlp.class,
        BenchDedup.class, BenchApp.class, BenchAdmission.class, BenchRestart.class})
public final class BenchCommand {
  private BenchCommand() {
  }

  /** A throwaway dev broker on free loopback ports, in {@code dir/broker}, in this JVM. */
  static DevBroker scratchBroker(Path dir) throws java.io.IOException {
    return DevBroker.start(dir.resolve("broker"), "127.0.0.1", Ports.free(), Ports.free());
  }

  static String machine() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return Runtime.getRuntime().availableProcessors() + " cores, " + (Runtime.getRuntime().maxMemory() >> 20)
        + " MiB max heap, " + os.getName() + " " + os.getArch() + ", Java " + System.getProperty("java.version");
  }

}
