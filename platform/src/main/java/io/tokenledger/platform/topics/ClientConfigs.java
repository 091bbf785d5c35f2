package io.tokenledger.platform.topics;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * A Kafka client's configuration from a service's settings (a --config file): the keys that
 * client knows, so security, timeouts and the address all carry over, and tokenledger's own keys
 * do not reach the client (which would warn about each).
 */
public final class ClientConfigs {
  private ClientConfigs() {}

  public static Map<String, Object> admin(Map<String, ?> settings) {
    return known(settings, AdminClientConfig.configNames());
  }

  public static Map<String, Object> consumer(Map<String, ?> settings) {
    return known(settings, ConsumerConfig.configNames());
  }

  public static Map<String, Object> producer(Map<String, ?> settings) {
    return known(settings, ProducerConfig.configNames());
  }

  private static Map<String, Object> known(Map<String, ?> settings, Set<String> names) {
    Map<String, Object> config = new HashMap<>();
    settings.forEach((key, value) -> {
      if (names.contains(key)) {
        config.put(key, value);
      }
    });
    return config;
  }
}
