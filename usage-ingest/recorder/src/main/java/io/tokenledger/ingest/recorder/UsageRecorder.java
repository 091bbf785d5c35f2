package io.tokenledger.ingest.recorder;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.tokenledger.ingest.spool.FsyncPolicy;
import io.tokenledger.ingest.spool.Spool;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.validation.ValidationSettings;
import io.tokenledger.schemas.validation.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an AI service embeds to record token usage. Nothing recorded is lost while the
 * machine's disk lasts, and the caller's request thread never waits for Kafka.
 *
 * <ul>
 *   <li>{@link #record} validates on the caller's thread (an invalid event throws {@link
 *       InvalidUsageException} naming each field) and then only enqueues.
 *   <li>A sender thread hands events to an idempotent {@code acks=all} producer.
 *   <li>An event Kafka cannot take (broker unreachable, timeout, queue full, shutdown before
 *       it was sent) goes to a local append-only {@link Spool}; a replayer sends the spool to
 *       Kafka, oldest first, once Kafka answers again, also after a restart of the service.
 *       Only when the spool's disk budget is exhausted is an event dropped: it is counted,
 *       logged as an error and its future fails.
 * </ul>
 *
 * <p>Record key contract, relied on by the aggregation topology: the key is the event's team
 * (UTF-8). All of a team's events, and every retry of one event, land in the same partition,
 * which makes dedup by event_id and per-team aggregation partition-local. Replays may send an
 * event twice (after a crash mid-replay); the topology drops the repeat by its event_id.
 */
public final class UsageRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);
  private static final long FIRST_BACKOFF_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final Topic<String, UsageEvent> topic;
  private final Serializer<UsageEvent> encoder;
  private final Producer<String, UsageEvent> producer;
  private final UsageValidator validator;
  private final Spool spool;
  private final BlockingQueue<Pending> queue;
  private final RecorderMetrics metrics;
  private final Duration closeTimeout;
  private final Thread sender;
  private final Thread replayer;
  private final Object wakeup = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong lastSuccessNanos = new AtomicLong();
  private final AtomicLong lastFailureNanos = new AtomicLong();
  private volatile boolean closing;

  private record Pending(UsageEvent event, CompletableFuture<Receipt> receipt) {}

  private UsageRecorder(Builder b) {
    this.topic = b.topic;
    this.encoder = b.topic.valueSerde().serializer();
    this.producer = b.producer != null ? b.producer
        : new KafkaProducer<>(reliable(b.producerConfig), b.topic.keySerde().serializer(), encoder);
    this.validator = b.validator;
    this.closeTimeout = b.closeTimeout;
    try {
      this.spool = Spool.open(b.spoolDirectory, b.spoolMaxBytes, b.spoolSegmentBytes, b.fsync);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the usage spool in " + b.spoolDirectory
          + "; give the recorder a writable spool directory", e);
    }
    this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
    this.metrics = new RecorderMetrics(b.meterRegistry, topic.name(), queue::size, spool::usedBytes);
    this.sender = daemon(this::sendLoop, "tokenledger-usage-sender");
    this.replayer = daemon(this::replayLoop, "tokenledger-usage-replayer");
    if (b.closeOnShutdown) {
      Runtime.getRuntime().addShutdownHook(new Thread(this::close, "tokenledger-usage-recorder-shutdown"));
    }
  }

  public static Builder builder(Topic<String, UsageEvent> topic) {
    return new Builder(topic);
  }

  /** A recorder with defaults: spool in {@code .tokenledger/spool/<client.id>/<topic>}, 1 GiB budget. */
  public static UsageRecorder create(Map<String, Object> producerConfig, Topic<String, UsageEvent> topic) {
    return builder(topic).producerConfig(producerConfig).build();
  }

  /**
   * Producer settings for usage: the caller's, over defaults that fail within seconds rather
   * than the client's two minutes (so the recorder spools, or the gateway answers 503, in
   * time); idempotence and acks=all are enforced and cannot be weakened.
   */
  public static Map<String, Object> reliable(Map<String, Object> producerConfig) {
    Map<String, Object> config = new HashMap<>(producerConfig);
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "tokenledger-usage-recorder");
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return config;
  }

  /**
   * Validates and enqueues one event. Never blocks on Kafka.
   *
   * @throws InvalidUsageException if the event breaks a rule; nothing is recorded
   * @return completes with a {@link Receipt} once Kafka acknowledged the event or the spool
   *     holds it; fails only if the event was dropped (spool full, recorder closed, or Kafka
   *     rejected it for good)
   */
  public CompletableFuture<Receipt> record(UsageEvent event) {
    List<Violation> violations = validator.validate(event, System.currentTimeMillis());
    if (!violations.isEmpty()) {
      throw new InvalidUsageException(event.getEventId(), violations);
    }
    CompletableFuture<Receipt> receipt = new CompletableFuture<>();
    if (closing) {
      return refused(event, receipt);
    }
    Pending pending = new Pending(event, receipt);
    if (!queue.offer(pending)) {
      spool(event, receipt, "the send queue is full");
    } else if (closing && queue.remove(pending)) {
      // close() began after the check above and may have drained the queue already: nobody would send it.
      return refused(event, receipt);
    }
    metrics.recorded.increment();
    return receipt;
  }

  private CompletableFuture<Receipt> refused(UsageEvent event, CompletableFuture<Receipt> receipt) {
    metrics.dropped.increment();
    receipt.completeExceptionally(new IllegalStateException("UsageRecorder is closed; event " + event.getEventId()
        + " of team " + event.getTeam() + " was not recorded. Record usage before closing the recorder."));
    return receipt;
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
    if (kafkaFailing()) {
      // Don't block on a broker we know is away; the replayer probes and closes the circuit.
      spool(event, pending.receipt(), "Kafka is unreachable");
      return;
    }
    long start = System.nanoTime();
    try {
      producer.send(keyedByTeam(event), (metadata, error) -> {
        if (error == null) {
          lastSuccessNanos.set(System.nanoTime());
          metrics.sent.increment();
          metrics.sendLatency(start);
          pending.receipt().complete(Receipt.sent(metadata));
        } else {
          sendFailed(pending, error);
        }
      });
    } catch (RuntimeException e) {
      sendFailed(pending, e);
    }
  }

  private void sendFailed(Pending pending, Exception error) {
    metrics.failed.increment();
    if (!isPermanent(error)) {
      lastFailureNanos.set(System.nanoTime());
      spool(pending.event(), pending.receipt(), "Kafka did not take it (" + error + ")");
    } else {
      metrics.dropped.increment();
      log.error("Kafka rejected usage event {} of team {} for good on topic {}: {}. It is NOT recorded; "
          + "fix the cause (authorization, record size, configuration).", pending.event().getEventId(),
          pending.event().getTeam(), topic.name(), error.toString());
      pending.receipt().completeExceptionally(error);
    }
  }

  private void spool(UsageEvent event, CompletableFuture<Receipt> receipt, String why) {
    byte[] bytes = encoder.serialize(topic.name(), event);
    spool.append(bytes).whenComplete((ignored, error) -> {
      if (error == null) {
        metrics.spooled.increment();
        receipt.complete(Receipt.spooled());
      } else {
        metrics.dropped.increment();
        log.error("DROPPED usage event {} of team {}: it could not be sent ({}) nor spooled ({}). "
            + "This usage is lost to the ledger.", event.getEventId(), event.getTeam(), why, error.getMessage());
        receipt.completeExceptionally(error);
      }
    });
  }

  private void replayLoop() {
    long backoffMillis = FIRST_BACKOFF_MILLIS;
    long nextAttemptNanos = 0;
    while (!closing) {
      if (!kafkaFailing() || System.nanoTime() >= nextAttemptNanos) {
        List<Path> sealed = spool.sealedSegments();
        boolean delivered = true;
        for (Path segment : sealed) {
          if (closing || !(delivered = replay(segment))) {
            break;
          }
        }
        if (delivered) {
          backoffMillis = FIRST_BACKOFF_MILLIS;
        } else {
          nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
          log.info("Kafka is not taking spooled usage yet; next replay attempt in {} ms ({} bytes spooled)",
              backoffMillis, spool.usedBytes());
          backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        }
      }
      pause(200);
    }
  }

  /**
   * Sends one sealed segment; deletes it only once Kafka acknowledged every record in it. A
   * damaged segment (a checksum mismatch, or records that are not usage events) has its readable
   * events sent and is then quarantined, so it never blocks the segments after it.
   */
  private boolean replay(Path segment) {
    Spool.SegmentContents contents;
    try {
      contents = Spool.read(segment);
    } catch (IOException e) {
      log.error("Cannot read spool segment {}: {}. Check the file's permissions and the disk.", segment,
          e.toString());
      return false;
    }
    List<UsageEvent> events = new ArrayList<>(contents.records().size());
    int undecodable = 0;
    String firstDecodeError = null;
    for (byte[] bytes : contents.records()) {
      try {
        events.add(topic.valueSerde().deserializer().deserialize(topic.name(), bytes));
      } catch (RuntimeException e) {
        undecodable++;
        firstDecodeError = firstDecodeError == null ? e.getMessage() : firstDecodeError;
      }
    }
    try {
      List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
      for (UsageEvent event : events) {
        acks.add(producer.send(keyedByTeam(event)));
      }
      for (int i = 0; i < acks.size(); i++) {
        try {
          acks.get(i).get();
        } catch (ExecutionException e) {
          if (!isPermanent(e.getCause())) {
            lastFailureNanos.set(System.nanoTime());
            return false;
          }
          metrics.dropped.increment();
          log.error("Kafka rejected spooled usage event {} of team {} for good: {}. It is NOT recorded.",
              events.get(i).getEventId(), events.get(i).getTeam(), e.getCause().toString());
        }
      }
    } catch (RuntimeException e) {
      lastFailureNanos.set(System.nanoTime());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    lastSuccessNanos.set(System.nanoTime());
    metrics.replayed.increment(events.size());
    try {
      if (contents.damage() == null && undecodable == 0) {
        spool.delete(segment);
        log.info("Replayed {} spooled usage events from {}", events.size(), segment.getFileName());
      } else {
        quarantine(segment, events.size(), contents.damage(), undecodable, firstDecodeError);
      }
      return true;
    } catch (IOException e) {
      log.error("Cannot delete or move spool segment {} after replaying it: {}. Its events may be sent again "
          + "(the topology counts each event_id once).", segment, e.toString());
      return false;
    }
  }

  private void quarantine(Path segment, int delivered, String damage, int undecodable, String decodeError)
      throws IOException {
    Path moved = spool.quarantine(segment);
    metrics.quarantinedSegments.increment();
    StringBuilder what = new StringBuilder();
    if (damage != null) {
      what.append(damage);
    }
    if (undecodable > 0) {
      what.append(what.length() > 0 ? "; " : "").append(undecodable)
          .append(" records are not usage events (").append(decodeError).append(')');
    }
    log.error("Spool segment {} is damaged: {}. Its {} readable usage events were delivered; the segment was moved "
        + "to {} and the rest of its usage is NOT recorded. Inspect the file (records are framed as length, "
        + "CRC32C, then Avro single-object bytes), re-record what can be recovered, then delete it; sending an "
        + "already delivered event again is harmless (events are counted once per event_id).", segment.getFileName(),
        what, delivered, moved);
  }

  /**
   * Keyed by team; the record timestamp is left to the producer (now), so the broker never
   * refuses an old or replayed event and retention counts from when Kafka got it. The event
   * time travels in the event, where pricing and windows read it.
   */
  private ProducerRecord<String, UsageEvent> keyedByTeam(UsageEvent event) {
    return new ProducerRecord<>(topic.name(), event.getTeam(), event);
  }

  /**
   * Errors that sending the same record again can never fix. Anything else (timeouts, an
   * unreachable broker, a producer closed during shutdown, missing ACLs) is spooled and
   * replayed, because dropping usage is worse than holding it.
   */
  private static boolean isPermanent(Throwable error) {
    return error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
        || error instanceof SerializationException || error instanceof InvalidTopicException
        || error instanceof InvalidRecordException;
  }

  private boolean kafkaFailing() {
    return lastFailureNanos.get() > lastSuccessNanos.get();
  }

  private void pause(long millis) {
    synchronized (wakeup) {
      try {
        wakeup.wait(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Thread daemon(Runnable body, String name) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /**
   * Sends everything already recorded and waits for Kafka (up to the close timeout); what
   * Kafka has not acknowledged by then is spooled, to be replayed by the next recorder on
   * the same spool directory. Also run by a JVM shutdown hook unless disabled.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    synchronized (wakeup) {
      wakeup.notifyAll();
    }
    try {
      sender.join(closeTimeout.toMillis());
      List<Pending> unsent = new ArrayList<>();
      queue.drainTo(unsent); // the sender is stuck on a send: keep what waits behind it
      unsent.forEach(p -> spool(p.event(), p.receipt(), "the recorder closed before Kafka took it"));
      replayer.join(closeTimeout.toMillis());
      producer.close(closeTimeout); // fails what it could not send; the callbacks spool those
      sender.join(closeTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      spool.close();
    } catch (IOException e) {
      log.error("Closing the usage spool failed: {}", e.toString());
    }
  }

  /** Settings of a {@link UsageRecorder}. */
  public static final class Builder {
    private final Topic<String, UsageEvent> topic;
    private Map<String, Object> producerConfig = Map.of();
    private Producer<String, UsageEvent> producer;
    private Path spoolDirectory;
    private long spoolMaxBytes = 1L << 30;
    private long spoolSegmentBytes = 8L << 20;
    private FsyncPolicy fsync = FsyncPolicy.EVERY_BATCH;
    private int queueCapacity = 100_000;
    private MeterRegistry meterRegistry = Metrics.globalRegistry;
    private UsageValidator validator = UsageValidator.withDefaults();
    private Duration closeTimeout = Duration.ofSeconds(15);
    private boolean closeOnShutdown = true;

    private Builder(Topic<String, UsageEvent> topic) {
      this.topic = topic;
    }

    /**
     * Kafka producer settings, at least {@code bootstrap.servers}; idempotence and acks=all are
     * enforced. {@code tokenledger.validation.*} keys in the same map set the validation limits,
     * read as the gateway and the topology read them; they are not passed to the producer.
     */
    public Builder producerConfig(Map<String, Object> config) {
      Map<String, Object> kafka = new HashMap<>(config);
      kafka.keySet().removeIf(key -> key.startsWith("tokenledger."));
      this.producerConfig = kafka;
      this.validator = ValidationSettings.from(config).validator();
      return this;
    }

    /**
     * A producer you own instead of one built from {@link #producerConfig}: it must itself be
     * idempotent with acks=all (the recorder cannot enforce that on it). The recorder closes it.
     */
    public Builder producer(Producer<String, UsageEvent> producer) {
      this.producer = producer;
      return this;
    }

    /** Where undeliverable events are kept; one directory per recorder. */
    public Builder spoolDirectory(Path directory) {
      this.spoolDirectory = directory;
      return this;
    }

    /** The spool's disk budget; past it events are dropped (counted and logged). */
    public Builder spoolMaxBytes(long bytes) {
      this.spoolMaxBytes = bytes;
      return this;
    }

    public Builder spoolSegmentBytes(long bytes) {
      this.spoolSegmentBytes = bytes;
      return this;
    }

    public Builder fsync(FsyncPolicy policy) {
      this.fsync = policy;
      return this;
    }

    /** Events waiting for the sender thread; past it they go straight to the spool. */
    public Builder queueCapacity(int capacity) {
      this.queueCapacity = capacity;
      return this;
    }

    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    public Builder validator(UsageValidator validator) {
      this.validator = validator;
      return this;
    }

    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = timeout;
      return this;
    }

    /** Close (and so flush or spool) on JVM shutdown. Default true. */
    public Builder closeOnShutdown(boolean enabled) {
      this.closeOnShutdown = enabled;
      return this;
    }

    public UsageRecorder build() {
      if (spoolDirectory == null) {
        Object clientId = producerConfig.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, "tokenledger-usage-recorder");
        // Per topic: a spooled event is replayed to the topic it was recorded for.
        spoolDirectory = Path.of(".tokenledger", "spool", clientId.toString(), topic.name());
      }
      return new UsageRecorder(this);
    }
  }
}
