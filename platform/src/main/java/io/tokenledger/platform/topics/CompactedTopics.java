package io.tokenledger.platform.topics;

import io.tokenledger.schemas.topics.Topic;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Reading and writing compacted topics used as tables (budgets, API keys) from command-line
 * tools: read everything to the current end, keep the latest value per key.
 */
public final class CompactedTopics {
  private CompactedTopics() {}

  /** The latest value of every key, tombstoned keys left out, in first-written order. */
  public static <V> Map<String, V> readLatest(String bootstrapServers, Topic<String, V> topic) {
    return readLatest(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
  }

  /** The same, with a service's client settings (address, security, timeouts). */
  public static <V> Map<String, V> readLatest(Map<String, ?> settings, Topic<String, V> topic) {
    Map<String, V> latest = new LinkedHashMap<>();
    TopicScan.forEach(settings, topic, r -> {
      if (r.value() == null) {
        latest.remove(r.key());
      } else {
        latest.put(r.key(), r.value());
      }
    });
    return latest;
  }

  /** Writes one value (null: a tombstone) and waits until Kafka has it (acks=all, idempotent). */
  public static <V> void write(String bootstrapServers, Topic<String, V> topic, String key, V value) throws Exception {
    write(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, key, value);
  }

  /** The same, with a service's client settings (address, security, timeouts). */
  public static <V> void write(Map<String, ?> settings, Topic<String, V> topic, String key, V value) throws Exception {
    Map<String, Object> config = ClientConfigs.producer(settings);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(config,
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  /** Writes a tombstone for a key that has a value; false, writing nothing, when it has none. */
  public static boolean deleteIfPresent(Map<String, ?> settings, Topic<String, ?> topic, String key) throws Exception {
    if (!readLatest(settings, topic).containsKey(key)) {
      return false;
    }
    write(settings, topic, key, null);
    return true;
  }
}
