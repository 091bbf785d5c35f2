package io.tokenledger.ops;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** The same pipeline on Apache Kafka in Docker, where a Docker engine exists; skipped elsewhere. */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPipelineIT extends PipelineContract {
  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @Override
  String bootstrapServers() {
    return KAFKA.getBootstrapServers();
  }
}
