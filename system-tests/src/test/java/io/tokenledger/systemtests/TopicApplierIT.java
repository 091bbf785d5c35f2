package io.tokenledger.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tokenledger.platform.topics.TopicApplier;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.TopicSpec;
import io.tokenledger.testing.EmbeddedKafka;
import io.tokenledger.testing.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Once {@link TopicApplier#apply} returns, every partition of the topics it created takes writes:
 * a producer that may not retry writes to each at once, and each write lands at offset 0.
 * (A new topic is in the metadata a moment before its leader appends; an idempotent producer
 * writing in that moment can lose its first batch, KAFKA-15591.)
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class TopicApplierIT {

  @Test
  void everyPartitionOfACreatedTopicTakesWritesWhenApplyReturns(EmbeddedKafka kafka) throws Exception {
    List<Topic<?, ?>> topics = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String name = "applier-" + System.nanoTime() + "-" + i;
      topics.add(new Topic<>(name, name, Serdes.String(), Serdes.String(),
          TopicSpec.deleteAfter(3, Duration.ofDays(1))));
    }
    try (var admin = kafka.admin()) {
      assertEquals(12, TopicApplier.apply(admin, topics).size());
    }

    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.RETRIES_CONFIG, 0,
        ProducerConfig.ACKS_CONFIG, "all");
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
        new StringSerializer())) {
      for (Topic<?, ?> topic : topics) {
        for (int partition = 0; partition < 3; partition++) {
          sent.add(producer.send(new ProducerRecord<>(topic.name(), partition, "k", "v")));
        }
      }
      for (Future<RecordMetadata> record : sent) {
        assertEquals(0, record.get(30, TimeUnit.SECONDS).offset());
      }
    }
    assertEquals(36, sent.size());
    // Applying again creates nothing and waits for nothing.
    try (var admin = kafka.admin()) {
      assertEquals(List.of(), TopicApplier.apply(admin, topics));
    }
  }
}
