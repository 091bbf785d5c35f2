package io.tokenledger.ingest.recorder;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenledger.ingest.spool.FsyncPolicy;
import io.tokenledger.ingest.spool.Spool;
import io.tokenledger.schemas.batches.RecordBatches;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.validation.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of record on its way to one topic, with {@link UsageRecorder}'s guarantees: validated
 * on the caller's thread, handed to an idempotent producer by a sender thread, spooled locally
 * when Kafka cannot take it, replayed oldest first when Kafka answers again (also after a
 * restart), and never left hanging. Usage events and work outcomes each have a lane, with its
 * own producer and spool directory.
 *
 * @param <V> the record type
 */
final class RecordLane<V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RecordLane.class);
  private static final long FIRST_BACKOFF_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  /**
   * What a lane carries: a noun for messages ("usage event"), how to read a record's id and team
   * (the record key), and its rules, checked against a clock.
   */
  record Kind<V>(String noun, Function<V, String> id, Function<V, String> team,
      BiFunction<V, Long, List<Violation>> rules) {}

  /**
   * How a lane puts several records of one team in one Kafka record: up to {@code maxRecords}
   * (and {@code maxBytes} of them encoded), waiting up to {@code linger} for more once one is
   * waiting. A busy service then pays Kafka's per-record cost, here and in the topology, once
   * per batch; a quiet one sends each record alone, as soon as the one before it is handed over.
   */
  record Batching<V>(RecordBatches<V, ?> batches, int maxRecords, int maxBytes, Duration linger) {}

  private final Kind<V> kind;
  private final Topic<String, V> topic;
  private final Serializer<V> encoder;
  private final Producer<String, byte[]> producer;
  private final Batching<V> batching;
  /** What decides a record's value: the lane's batches, or {@link RecordBatches#none()} without batching. */
  private final RecordBatches<V, ?> batches;
  private final Spool spool;
  private final BlockingQueue<Pending<V>> queue;
  private final RecorderMetrics metrics;
  private final Duration closeTimeout;
  private final Thread sender;
  private final Thread replayer;
  private final Object wakeup = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong lastSuccessNanos = new AtomicLong();
  private final AtomicLong lastFailureNanos = new AtomicLong();
  private volatile boolean closing;

  private record Pending<V>(V event, CompletableFuture<Receipt> receipt) {}

  /** Records of one team on their way in one Kafka record, with their encodings. */
  private record Group<V>(String team, List<Pending<V>> pending, List<byte[]> encoded) {}

  /**
   * @param threadName the lane's name in its threads' names, e.g. "usage"
   */
  RecordLane(Kind<V> kind, Topic<String, V> topic, Producer<String, byte[]> producer, Batching<V> batching,
      Path spoolDirectory, long spoolMaxBytes, long spoolSegmentBytes, FsyncPolicy fsync, int queueCapacity,
      MeterRegistry registry, Duration closeTimeout, String threadName) {
    this.kind = kind;
    this.batching = batching;
    this.batches = batching == null ? RecordBatches.none() : batching.batches();
    this.topic = topic;
    this.encoder = topic.valueSerde().serializer();
    this.producer = producer;
    this.closeTimeout = closeTimeout;
    try {
      this.spool = Spool.open(spoolDirectory, spoolMaxBytes, spoolSegmentBytes, fsync);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the " + kind.noun() + " spool in " + spoolDirectory
          + "; give the recorder a writable spool directory", e);
    }
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.metrics = new RecorderMetrics(registry, topic.name(), queue::size, spool::usedBytes);
    this.sender = daemon(this::sendLoop, "tokenledger-" + threadName + "-sender");
    this.replayer = daemon(this::replayLoop, "tokenledger-" + threadName + "-replayer");
  }

  /**
   * Validates and enqueues one event. Never blocks on Kafka.
   *
   * @throws InvalidUsageException if the event breaks a rule; nothing is recorded
   * @return completes with a {@link Receipt} once Kafka acknowledged the event or the spool
   *     holds it; fails only if the event was dropped (spool full, recorder closed, or Kafka
   *     rejected it for good)
   */
  CompletableFuture<Receipt> record(V event) {
    List<Violation> violations = kind.rules().apply(event, System.currentTimeMillis());
    if (!violations.isEmpty()) {
      throw new InvalidUsageException(kind.noun(), kind.id().apply(event), violations);
    }
    CompletableFuture<Receipt> receipt = new CompletableFuture<>();
    if (closing) {
      return refused(event, receipt);
    }
    Pending<V> pending = new Pending<>(event, receipt);
    if (!queue.offer(pending)) {
      spool(event, receipt, "the send queue is full");
    } else if (closing && queue.remove(pending)) {
      // close() began after the check above and may have drained the queue already: nobody would send it.
      return refused(event, receipt);
    }
    metrics.recorded.increment();
    return receipt;
  }

  private CompletableFuture<Receipt> refused(V event, CompletableFuture<Receipt> receipt) {
    metrics.dropped.increment();
    receipt.completeExceptionally(new IllegalStateException("UsageRecorder is closed; " + kind.noun() + " "
        + kind.id().apply(event) + " of team " + kind.team().apply(event) + " was not recorded. Record before closing "
        + "the recorder."));
    return receipt;
  }

  private void sendLoop() {
    try {
      while (!closing || !queue.isEmpty()) {
        Pending<V> next = queue.poll(100, TimeUnit.MILLISECONDS);
        if (next == null) {
          continue;
        }
        if (batching == null) {
          send(next);
          continue;
        }
        List<Pending<V>> taken = new ArrayList<>();
        taken.add(next);
        queue.drainTo(taken, batching.maxRecords() - 1);
        long deadline = System.nanoTime() + batching.linger().toNanos();
        while (taken.size() < batching.maxRecords() && !closing) {
          long wait = deadline - System.nanoTime();
          Pending<V> more = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : null;
          if (more == null) {
            break;
          }
          taken.add(more);
          queue.drainTo(taken, batching.maxRecords() - taken.size());
        }
        sendGrouped(taken);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What was taken, a Kafka record per team (and per {@code maxBytes}), in the order it was recorded. */
  private void sendGrouped(List<Pending<V>> taken) {
    java.util.Map<String, Group<V>> open = new java.util.LinkedHashMap<>();
    java.util.Map<String, Integer> bytes = new java.util.HashMap<>();
    for (Pending<V> pending : taken) {
      String team = kind.team().apply(pending.event());
      byte[] encoded;
      try {
        encoded = encoder.serialize(topic.name(), pending.event());
      } catch (RuntimeException e) {
        sendFailed(pending, e);
        continue;
      }
      Group<V> group = open.get(team);
      if (group != null && bytes.get(team) + encoded.length > batching.maxBytes()) {
        send(group);
        group = null;
      }
      if (group == null) {
        group = new Group<>(team, new ArrayList<>(), new ArrayList<>());
        open.put(team, group);
        bytes.put(team, 0);
      }
      group.pending().add(pending);
      group.encoded().add(encoded);
      bytes.merge(team, encoded.length, Integer::sum);
    }
    open.values().forEach(this::send);
  }

  private void send(Pending<V> pending) {
    V event = pending.event();
    byte[] encoded;
    try {
      encoded = encoder.serialize(topic.name(), event);
    } catch (RuntimeException e) {
      sendFailed(pending, e);
      return;
    }
    send(new Group<>(kind.team().apply(event), List.of(pending), List.of(encoded)));
  }

  /**
   * One Kafka record: a record alone, or a batch of a team's. Every receipt completes with the
   * record's acknowledgement; a failure is handled per record (spooled, or dropped when
   * permanent), and a batch Kafka finds too large is sent again a record at a time.
   */
  private void send(Group<V> group) {
    if (kafkaFailing()) {
      // Don't block on a broker we know is away; the replayer probes and closes the circuit.
      group.pending().forEach(p -> spool(p.event(), p.receipt(), "Kafka is unreachable"));
      return;
    }
    boolean batch = group.pending().size() > 1;
    long start = System.nanoTime();
    try {
      RecordHeaders headers = new RecordHeaders();
      byte[] value = batches.recordValue(topic.name(), group.encoded(), headers);
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.name(), null, group.team(), value, headers);
      producer.send(record, (metadata, error) -> {
        if (error == null) {
          lastSuccessNanos.set(System.nanoTime());
          metrics.sent.increment(group.pending().size());
          metrics.sendLatency(start);
          Receipt receipt = Receipt.sent(metadata);
          group.pending().forEach(p -> p.receipt().complete(receipt));
        } else if (batch && isTooLarge(error)) {
          group.pending().forEach(this::send);
        } else {
          group.pending().forEach(p -> sendFailed(p, error));
        }
      });
    } catch (RuntimeException e) {
      if (batch && isTooLarge(e)) {
        group.pending().forEach(this::send);
      } else {
        group.pending().forEach(p -> sendFailed(p, e));
      }
    }
  }

  private static boolean isTooLarge(Throwable error) {
    return error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException;
  }

  private void sendFailed(Pending<V> pending, Exception error) {
    metrics.failed.increment();
    if (!isPermanent(error)) {
      lastFailureNanos.set(System.nanoTime());
      spool(pending.event(), pending.receipt(), "Kafka did not take it (" + error + ")");
    } else {
      metrics.dropped.increment();
      log.error("Kafka rejected {} {} of team {} for good on topic {}: {}. It is NOT recorded; "
          + "fix the cause (authorization, record size, configuration).", kind.noun(), kind.id().apply(pending.event()),
          kind.team().apply(pending.event()), topic.name(), error.toString());
      pending.receipt().completeExceptionally(error);
    }
  }

  private void spool(V event, CompletableFuture<Receipt> receipt, String why) {
    byte[] bytes = encoder.serialize(topic.name(), event);
    spool.append(bytes).whenComplete((ignored, error) -> {
      if (error == null) {
        metrics.spooled.increment();
        receipt.complete(Receipt.spooled());
      } else {
        metrics.dropped.increment();
        log.error("DROPPED {} {} of team {}: it could not be sent ({}) nor spooled ({}). "
            + "It is lost to the ledger.", kind.noun(), kind.id().apply(event), kind.team().apply(event), why,
            error.getMessage());
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
          log.info("Kafka is not taking spooled {}s yet; next replay attempt in {} ms ({} bytes spooled)",
              kind.noun(), backoffMillis, spool.usedBytes());
          backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        }
      }
      pause(200);
    }
  }

  /**
   * Sends one sealed segment; deletes it only once Kafka acknowledged every record in it. A
   * damaged segment (a checksum mismatch, or records that are not of this lane's type) has its readable
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
    List<V> events = new ArrayList<>(contents.records().size());
    List<byte[]> encoded = new ArrayList<>(contents.records().size());
    int undecodable = 0;
    String firstDecodeError = null;
    for (byte[] bytes : contents.records()) {
      try {
        events.add(topic.valueSerde().deserializer().deserialize(topic.name(), bytes));
        encoded.add(bytes);
      } catch (RuntimeException e) {
        undecodable++;
        firstDecodeError = firstDecodeError == null ? e.getMessage() : firstDecodeError;
      }
    }
    try {
      List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
      for (int i = 0; i < events.size(); i++) {
        acks.add(producer.send(new ProducerRecord<>(topic.name(), kind.team().apply(events.get(i)), encoded.get(i))));
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
          log.error("Kafka rejected spooled {} {} of team {} for good: {}. It is NOT recorded.", kind.noun(),
              kind.id().apply(events.get(i)), kind.team().apply(events.get(i)), e.getCause().toString());
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
        log.info("Replayed {} spooled {}s from {}", events.size(), kind.noun(), segment.getFileName());
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
          .append(" records are not ").append(kind.noun()).append("s (").append(decodeError).append(')');
    }
    log.error("Spool segment {} is damaged: {}. Its {} readable records were delivered; the segment was moved "
        + "to {} and the rest of it is NOT recorded. Inspect the file (records are framed as length, "
        + "CRC32C, then Avro single-object bytes), re-record what can be recovered, then delete it; sending an "
        + "already delivered event again is harmless (events are counted once per event_id).", segment.getFileName(),
        what, delivered, moved);
  }

  // Records are keyed by team; the record timestamp is left to the producer (now), so the broker
  // never refuses an old or replayed event and retention counts from when Kafka got it. The event
  // time travels in the event, where pricing and windows read it.

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
   * the same spool directory.
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
      List<Pending<V>> unsent = new ArrayList<>();
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
      log.error("Closing the {} spool failed: {}", kind.noun(), e.toString());
    }
  }
}
