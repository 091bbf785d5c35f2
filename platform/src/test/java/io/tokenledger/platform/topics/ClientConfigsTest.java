package io.tokenledger.platform.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientConfigsTest {
  @Test
  void aClientGetsTheKafkaKeysOfTheSettingsAndNoneOfTokenledgers() {
    Map<String, Object> settings = Map.of("bootstrap.servers", "kafka-1:9094", "security.protocol", "SASL_SSL",
        "sasl.mechanism", "PLAIN", "tokenledger.topic.prefix", "prod.", "application.id", "tokenledger-aggregation");
    Map<String, Object> expected = Map.of("bootstrap.servers", "kafka-1:9094", "security.protocol", "SASL_SSL",
        "sasl.mechanism", "PLAIN");
    assertEquals(expected, ClientConfigs.consumer(settings));
    assertEquals(expected, ClientConfigs.producer(settings));
    assertEquals(expected, ClientConfigs.admin(settings));
  }
}
