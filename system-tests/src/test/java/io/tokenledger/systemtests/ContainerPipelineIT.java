package io.tokenledger.systemtests;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same pipeline on Apache Kafka in Docker, where a Docker engine exists and the image is
 * there or can be pulled; skipped elsewhere (no engine, or an engine with no registry in reach,
 * as on the machines this project is built on).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPipelineIT extends PipelineContract {
  private static final String IMAGE = "apache/kafka:4.1.0";
  private static KafkaContainer kafka;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(imageAvailable(), "the image " + IMAGE + " is not here and cannot be pulled");
    kafka = new KafkaContainer(IMAGE);
    kafka.start();
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.stop();
    }
  }

  private static boolean imageAvailable() {
    var docker = DockerClientFactory.lazyClient();
    try {
      docker.inspectImageCmd(IMAGE).exec();
      return true;
    } catch (RuntimeException notHere) {
      try {
        return docker.pullImageCmd(IMAGE).start().awaitCompletion(120, TimeUnit.SECONDS);
      } catch (RuntimeException | InterruptedException cannotPull) {
        return false;
      }
    }
  }

  @Override
  String bootstrapServers() {
    return kafka.getBootstrapServers();
  }
}
