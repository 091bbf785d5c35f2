package io.tokenledger.connectors.slack;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * The alert_ids already handled (posted, held back or refused), kept in a compacted topic so
 * that a restart, a rebalance or a redelivered batch never posts an alert twice. Each id is
 * written right after Slack accepted its message; the only window for a repeat is a crash
 * between Slack's answer and that write.
 */
final class DeliveryLog implements AutoCloseable {
  private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);
  /** Alert topics keep 31 days; an id older than that can no longer be redelivered. */
  private static final long RETENTION_MS = Duration.ofDays(62).toMillis();

  private final String topic;
  private final Map<String, Object> common;
  private final KafkaConsumer<String, String> consumer;
  private final KafkaProducer<String, String> producer;
  private final Set<String> handled = new HashSet<>();

  DeliveryLog(String bootstrap, String topic, String clientId) {
    this.topic = topic;
    this.common = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    ensureTopic();
    this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-delivered-reader", ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new StringDeserializer());
    this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.CLIENT_ID_CONFIG, clientId + "-delivered-writer", ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  private void ensureTopic() {
    try (Admin admin = Admin.create(common)) {
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
          TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
          TopicConfig.RETENTION_MS_CONFIG, Long.toString(RETENTION_MS))))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new ConnectException("Could not create the delivered-alerts topic '" + topic + "': " + e.getCause()
            + ". Create it (compacted) or give the worker's principal CREATE on it.", e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while creating " + topic, e);
    }
  }

  /** Reads the log up to its end: everything handled by any task before now. */
  void catchUp() {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new RetriableException("Could not read the delivered-alerts topic '" + topic + "' to its end within "
            + CATCH_UP_LIMIT.toSeconds() + " s; will retry (is the broker reachable?)");
      }
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
        if (record.value() == null) {
          handled.remove(record.key());
        } else {
          handled.add(record.key());
        }
      }
    }
  }

  boolean contains(String alertId) {
    return handled.contains(alertId);
  }

  /** Records the ids as handled, durably, before returning. */
  void record(Collection<String> alertIds, String how) {
    String value = how + " " + Instant.now();
    try {
      List<Future<RecordMetadata>> sends = alertIds.stream()
          .map(id -> producer.send(new ProducerRecord<>(topic, id, value))).toList();
      for (Future<RecordMetadata> send : sends) {
        send.get();
      }
      handled.addAll(alertIds);
    } catch (ExecutionException e) {
      throw new RetriableException("Could not record delivered alerts in '" + topic + "': " + e.getCause()
          + "; they may be posted once more when retried", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted while recording delivered alerts", e);
    }
  }

  @Override
  public void close() {
    consumer.close();
    producer.close();
  }
}
