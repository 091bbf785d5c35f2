package io.tokenledger.ingest.recorder;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.tokenledger.ingest.admission.Admission;
import io.tokenledger.ingest.admission.AdmissionClient;
import io.tokenledger.ingest.admission.AdmissionQuery;
import io.tokenledger.ingest.spool.FsyncPolicy;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.validation.OutcomeValidator;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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
 *
 * <p>{@link #recordOutcome} records how a work item ended ({@link WorkOutcome}) with the same
 * guarantees, in a lane of its own: its own producer, queue and spool directory.
 */
public final class UsageRecorder implements AutoCloseable {
  /** Events of a team in one record at most, by default. */
  public static final int DEFAULT_BATCH_EVENTS = 100;
  /** How long the sender waits for more events once one is waiting, by default. */
  public static final Duration DEFAULT_BATCH_LINGER = Duration.ofMillis(5);
  /** Encoded events in one record at most: well under Kafka's default 1 MiB request. */
  public static final int BATCH_MAX_BYTES = 256 * 1024;

  private final RecordLane<UsageEvent> usage;
  private final RecordLane<WorkOutcome> outcomes;
  private final AdmissionClient admission;

  private UsageRecorder(Builder b) {
    UsageValidator validator = b.validator;
    RecordLane.Batching<UsageEvent> batching = b.batchMaxEvents <= 1 ? null : new RecordLane.Batching<>(
        Topics.from(b.settings).usageBatches, b.batchMaxEvents, BATCH_MAX_BYTES,
        b.batchLinger);
    this.usage = new RecordLane<>(new RecordLane.Kind<>("usage event", UsageEvent::getEventId, UsageEvent::getTeam,
        validator::validate), b.topic, b.producer != null ? b.producer
        : new KafkaProducer<>(reliable(b.producerConfig), b.topic.keySerde().serializer(),
            new ByteArraySerializer()), batching, b.spoolDirectory, b.spoolMaxBytes, b.spoolSegmentBytes, b.fsync,
        b.queueCapacity, b.meterRegistry, b.closeTimeout, "usage");
    if (b.outcomesTopic == null) {
      this.outcomes = null;
    } else {
      OutcomeValidator rules = b.validation.outcomeValidator();
      this.outcomes = new RecordLane<>(new RecordLane.Kind<>("work outcome", WorkOutcome::getOutcomeId,
          WorkOutcome::getTeam, rules::validate), b.outcomesTopic, b.outcomeProducer != null ? b.outcomeProducer
          : new KafkaProducer<>(outcomeProducerConfig(b.producerConfig), b.outcomesTopic.keySerde().serializer(),
              new ByteArraySerializer()), null, b.outcomeSpoolDirectory, b.spoolMaxBytes,
          b.spoolSegmentBytes, b.fsync, b.queueCapacity, b.meterRegistry, b.closeTimeout, "outcome");
    }
    this.admission = b.admissionTopics == null ? null
        : new AdmissionClient(b.producerConfig, b.admissionTopics, b.admissionTimeout, b.meterRegistry,
            b.admissionLeases);
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
    return usage.record(event);
  }

  /**
   * Asks before an AI call whether the team may spend on it (see {@link AdmissionClient}): answered
   * from this recorder's lease when it holds one, else by the team's task within the admission
   * timeout, else by the covering budgets' fail-open/fail-closed choice. Record the call's usage
   * with {@link Admission#stamp} so that it settles the reservation.
   *
   * @throws IllegalStateException if the recorder was built without {@code admission(topics)}
   */
  public Admission admit(String team, String workflow, String provider, String model, long estimatedInputTokens,
      long maxOutputTokens) {
    return admit(AdmissionQuery.of(team, workflow, provider, model, estimatedInputTokens, maxOutputTokens));
  }

  /** The same, for a person's or an agent's call ({@link AdmissionQuery#forUser}, {@link AdmissionQuery#byAgent}). */
  public Admission admit(AdmissionQuery query) {
    if (admission == null) {
      throw new IllegalStateException("This UsageRecorder does not ask before calls: build it with admission(topics)");
    }
    return admission.admit(query);
  }

  /** The usage producer's settings, under a client id of its own (two producers, one process). */
  private static Map<String, Object> outcomeProducerConfig(Map<String, Object> producerConfig) {
    Map<String, Object> config = reliable(producerConfig);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, config.get(ProducerConfig.CLIENT_ID_CONFIG) + "-outcomes");
    return config;
  }

  /**
   * Validates and enqueues how a work item ended, with the same guarantees as {@link #record}.
   * A later outcome of the same item (another outcome_id) corrects the earlier one.
   *
   * @throws InvalidUsageException if the outcome breaks a rule; nothing is recorded
   * @throws IllegalStateException if the recorder was built without an outcomes topic
   */
  public CompletableFuture<Receipt> recordOutcome(WorkOutcome outcome) {
    if (outcomes == null) {
      throw new IllegalStateException("This UsageRecorder records no outcomes: build it with "
          + "outcomesTopic(topics.workOutcomes)");
    }
    return outcomes.record(outcome);
  }

  /**
   * Sends everything already recorded and waits for Kafka (up to the close timeout); what
   * Kafka has not acknowledged by then is spooled, to be replayed by the next recorder on
   * the same spool directory. Also run by a JVM shutdown hook unless disabled.
   */
  @Override
  public void close() {
    if (admission != null) {
      admission.close();
    }
    usage.close();
    if (outcomes != null) {
      outcomes.close();
    }
  }

  /** Settings of a {@link UsageRecorder}. */
  public static final class Builder {
    private final Topic<String, UsageEvent> topic;
    private Map<String, Object> producerConfig = Map.of();
    private Producer<String, byte[]> producer;
    private int batchMaxEvents = DEFAULT_BATCH_EVENTS;
    private Duration batchLinger = DEFAULT_BATCH_LINGER;
    private Map<String, Object> settings = Map.of();
    private Topic<String, WorkOutcome> outcomesTopic;
    private Producer<String, byte[]> outcomeProducer;
    private Path outcomeSpoolDirectory;
    private ValidationSettings validation = ValidationSettings.defaults();
    private Path spoolDirectory;
    private long spoolMaxBytes = 1L << 30;
    private long spoolSegmentBytes = 8L << 20;
    private FsyncPolicy fsync = FsyncPolicy.EVERY_BATCH;
    private int queueCapacity = 100_000;
    private MeterRegistry meterRegistry = Metrics.globalRegistry;
    private UsageValidator validator = UsageValidator.withDefaults();
    private Duration closeTimeout = Duration.ofSeconds(15);
    private boolean closeOnShutdown = true;
    private Topics admissionTopics;
    private Duration admissionTimeout = Duration.ofSeconds(2);
    private boolean admissionLeases = true;

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
      this.settings = Map.copyOf(config); // the serde factory, for the batch records
      this.validation = ValidationSettings.from(config);
      this.validator = validation.validator();
      return this;
    }

    /** Records work outcomes too ({@link UsageRecorder#recordOutcome}), to this topic. */
    public Builder outcomesTopic(Topic<String, WorkOutcome> topic) {
      this.outcomesTopic = topic;
      return this;
    }

    /**
     * Asks before calls too ({@link UsageRecorder#admit}): requests to the admission topic, answers
     * read from the decisions topic, budgets from theirs (for fail-open/closed), with the producer
     * settings' {@code bootstrap.servers}.
     */
    public Builder admission(Topics topics) {
      this.admissionTopics = topics;
      return this;
    }

    /** How long {@link UsageRecorder#admit} waits for the team's task before fail-open/closed applies (default 2 s). */
    public Builder admissionTimeout(Duration timeout) {
      this.admissionTimeout = timeout;
      return this;
    }

    /** Whether to ask for leases, admitting further calls locally far from the limits (default true). */
    public Builder admissionLeases(boolean ask) {
      this.admissionLeases = ask;
      return this;
    }

    /** Like {@link #producer}, for outcomes: it must itself be idempotent with acks=all. */
    public Builder outcomeProducer(Producer<String, byte[]> producer) {
      this.outcomeProducer = producer;
      return this;
    }

    /** Where undeliverable outcomes are kept (default: {@code outcomes/} in the usage spool directory). */
    public Builder outcomeSpoolDirectory(Path directory) {
      this.outcomeSpoolDirectory = directory;
      return this;
    }

    /**
     * Up to {@code maxEvents} events of a team in one Kafka record (a {@code UsageBatch}), the
     * sender waiting up to {@code linger} for more once one is waiting (default: 100 events, 5 ms;
     * at most {@value UsageRecorder#BATCH_MAX_BYTES} bytes of events). A quiet service sends each
     * event alone, as before; a busy one shares Kafka's per-record cost, here and in the topology,
     * among a batch. 1 sends every event alone.
     */
    public Builder batching(int maxEvents, Duration linger) {
      if (maxEvents < 1 || linger.isNegative()) {
        throw new IllegalArgumentException("batching takes at least 1 event and a linger of 0 or more, not "
            + maxEvents + " and " + linger);
      }
      this.batchMaxEvents = maxEvents;
      this.batchLinger = linger;
      return this;
    }

    /**
     * A producer you own instead of one built from {@link #producerConfig}: it must itself be
     * idempotent with acks=all (the recorder cannot enforce that on it). It takes the records as
     * the recorder encoded them (a usage event, or a batch of them with its header). The recorder
     * closes it.
     */
    public Builder producer(Producer<String, byte[]> producer) {
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
      if (outcomeSpoolDirectory == null) {
        outcomeSpoolDirectory = spoolDirectory.resolve("outcomes");
      }
      return new UsageRecorder(this);
    }
  }
}
