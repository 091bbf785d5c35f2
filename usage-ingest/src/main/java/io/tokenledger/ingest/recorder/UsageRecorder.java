package io.tokenledger.ingest.recorder;

import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.validation.Violation;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an AI service embeds to record token usage.
 *
 * <p>{@link #record} validates on the caller's thread (an invalid event throws {@link
 * InvalidUsageException} at once, naming each field) and then only enqueues: a dedicated
 * sender thread hands events to an idempotent {@code acks=all} producer, so the caller's
 * request thread never waits for Kafka. The returned future completes when Kafka has
 * acknowledged the event.
 *
 * <p>Record key contract, relied on by the aggregation topology: the key is the event's
 * team (UTF-8). All of a team's events, and every retry of one event, land in the same
 * partition, which is what makes dedup by event_id and per-team aggregation partition-local.
 */
public final class UsageRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);
  private static final int DEFAULT_QUEUE_CAPACITY = 100_000;

  private final Topic<String, UsageEvent> topic;
  private final Producer<String, UsageEvent> producer;
  private final UsageValidator validator;
  private final BlockingQueue<Pending> queue;
  private final Thread sender;
  private volatile boolean closing;

  private record Pending(UsageEvent event, CompletableFuture<RecordMetadata> acked) {}

  UsageRecorder(Topic<String, UsageEvent> topic, Producer<String, UsageEvent> producer,
      UsageValidator validator, int queueCapacity) {
    this.topic = topic;
    this.producer = producer;
    this.validator = validator;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.sender = new Thread(this::sendLoop, "tokenledger-usage-sender");
    this.sender.setDaemon(true);
    this.sender.start();
  }

  /**
   * @param producerConfig at least {@code bootstrap.servers}; reliability settings
   *     (idempotence, acks=all) are enforced and cannot be weakened
   */
  public static UsageRecorder create(Map<String, Object> producerConfig, Topic<String, UsageEvent> topic) {
    return new UsageRecorder(topic, new KafkaProducer<>(reliable(producerConfig),
        topic.keySerde().serializer(), topic.valueSerde().serializer()),
        UsageValidator.withDefaults(), DEFAULT_QUEUE_CAPACITY);
  }

  static Map<String, Object> reliable(Map<String, Object> producerConfig) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "tokenledger-usage-recorder");
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return config;
  }

  /**
   * Validates and enqueues one event. Never blocks.
   *
   * @throws InvalidUsageException if the event breaks a rule; nothing is sent
   * @return completes with the partition and offset once Kafka has the event; completes
   *     exceptionally if it could not be handed over (queue full, recorder closed, send failed)
   */
  public CompletableFuture<RecordMetadata> record(UsageEvent event) {
    List<Violation> violations = validator.validate(event);
    if (!violations.isEmpty()) {
      throw new InvalidUsageException(event.getEventId(), violations);
    }
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    if (closing) {
      acked.completeExceptionally(new IllegalStateException(
          "UsageRecorder is closed; event " + event.getEventId() + " was not recorded"));
    } else if (!queue.offer(new Pending(event, acked))) {
      acked.completeExceptionally(new IllegalStateException("UsageRecorder queue is full ("
          + queue.size() + " events waiting for Kafka); event " + event.getEventId() + " was not recorded"));
    }
    return acked;
  }

  private void sendLoop() {
    try {
      while (!closing || !queue.isEmpty()) {
        Pending next = queue.poll(100, TimeUnit.MILLISECONDS);
        if (next != null) {
          send(next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(Pending pending) {
    UsageEvent event = pending.event();
    try {
      producer.send(new ProducerRecord<>(topic.name(), null, event.getEventTime().toEpochMilli(),
          event.getTeam(), event), (metadata, error) -> {
            if (error == null) {
              pending.acked().complete(metadata);
            } else {
              log.error("Could not record usage event {} for team {} to topic {}: {}",
                  event.getEventId(), event.getTeam(), topic.name(), error.toString());
              pending.acked().completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      log.error("Could not hand usage event {} for team {} to the Kafka producer: {}",
          event.getEventId(), event.getTeam(), e.toString());
      pending.acked().completeExceptionally(e);
    }
  }

  /** Sends everything already recorded, waits for Kafka's acknowledgements, then closes. */
  @Override
  public void close() {
    closing = true;
    try {
      sender.join(Duration.ofSeconds(60).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.flush();
    producer.close(Duration.ofSeconds(30));
  }
}
