package io.tokenledger.systemtests;

import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pipeline on a real in-process KRaft broker (runs everywhere, no Docker needed). */
@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedPipelineIT extends PipelineContract {
  private static String bootstrapServers;

  @BeforeAll
  static void broker(EmbeddedKafka kafka) {
    bootstrapServers = kafka.bootstrapServers();
  }

  @Override
  String bootstrapServers() {
    return bootstrapServers;
  }
}
