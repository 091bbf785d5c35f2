package io.tokenledger.ingest.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.topics.TopicReaders;
import io.tokenledger.ingest.admission.Admission;
import io.tokenledger.ingest.admission.AdmissionClient;
import io.tokenledger.ingest.admission.AdmissionQuery;
import io.tokenledger.ingest.gateway.request.AdmitRequestParser;
import io.tokenledger.ingest.gateway.request.FieldError;
import io.tokenledger.ingest.gateway.request.OutcomeRequestParser;
import io.tokenledger.ingest.gateway.request.Parsed;
import io.tokenledger.ingest.gateway.request.UsageRequestParser;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tokenledger.ingest.otel.OtlpFormatException;
import io.tokenledger.ingest.otel.OtlpRequests;
import io.tokenledger.ingest.otel.SpanUsage;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.schemas.ApiKeyScope;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.WorkOutcome;
import io.tokenledger.schemas.batches.RecordBatches;
import io.tokenledger.schemas.topics.Topic;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.validation.OutcomeValidator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP ingest for services that are not on the JVM.
 *
 * <ul>
 *   <li>{@code POST /v1/usage}: one event or a batch, authenticated by a team's API key.
 *       Answers 202 only once Kafka acknowledged every event ({@code acks=all}); 400 names
 *       each offending field; 401/403 for keys; 413 for oversized bodies; 429 when too many
 *       events wait for Kafka; 503 when Kafka does not acknowledge in time. A request is all
 *       or nothing for validation; after a 429/503 the client resends the same event ids,
 *       which the topology counts once.
 *   <li>{@code POST /v1/outcomes}: how work items ended (one outcome, an array or
 *       {@code {"outcomes": [...]}}), with the same keys, team rule and answers; person-time as
 *       {@code human_seconds} or an exact decimal {@code human_minutes}.
 *   <li>{@code POST /v1/admit}: asks before an AI call whether the key's team may spend on it
 *       ({@link AdmissionClient}); 200 with the verdict (allow, downgrade or deny), the reservation
 *       the call's usage must carry as {@code reservation_id}, and the budget's headroom.
 *   <li>{@code GET /healthz}, {@code GET /metrics} (Prometheus).
 * </ul>
 * No local spool: a 202 must mean Kafka has it, and the client keeps what was not accepted.
 */
public final class IngestGateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestGateway.class);
  private static final String JSON = "application/json";

  private final Lane<UsageEvent> usage;
  private final Lane<WorkOutcome> outcomes;
  private final ApiKeyDirectory keys;
  private final GatewaySettings settings;
  private final PrometheusMeterRegistry meters;
  private final Semaphore inFlight;
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong lastSuccessNanos = new AtomicLong();
  private final AtomicLong lastFailureNanos = new AtomicLong();
  private final Map<Integer, Counter> responses = new HashMap<>();
  private final Counter acceptedEvents;
  private final SpanUsage spanUsage;
  private final Map<String, Counter> spans = new HashMap<>();
  private final Timer requestLatency;
  private final Javalin app;
  private final AdmitRequestParser admitParser = new AdmitRequestParser();
  private volatile AdmissionClient admission;

  /**
   * Where one kind of record goes and how it is read: the topic, the producer, the parser and
   * the record's team and id, and how its records are batched ({@link RecordBatches#none()}: a
   * record per value). Both endpoints share every other rule.
   */
  public record Lane<V>(Topic<String, V> topic, Producer<String, byte[]> producer, String noun, String batch,
      String idField, BiFunction<byte[], String, Parsed<V>> parser, Function<V, String> team, Function<V, String> id,
      RecordBatches<V, ?> batches) {}

  /**
   * The usage lane: {@code POST /v1/usage} onto the usage topic, a request's events of a team in
   * batch records ({@code UsageBatch}, {@value #BATCH_MAX_EVENTS} events at most).
   */
  public static Lane<UsageEvent> usageLane(Topics topics, Producer<String, byte[]> producer,
      GatewaySettings settings) {
    UsageRequestParser parser = new UsageRequestParser(settings.validation().validator(),
        settings.maxEventsPerRequest());
    return new Lane<>(topics.usage, producer, "usage", "events", "event_id", parser::parse, UsageEvent::getTeam,
        UsageEvent::getEventId, topics.usageBatches);
  }

  /** The outcome lane: {@code POST /v1/outcomes} onto the outcomes topic, a record per outcome. */
  public static Lane<WorkOutcome> outcomeLane(Topic<String, WorkOutcome> topic,
      Producer<String, byte[]> producer, GatewaySettings settings) {
    OutcomeRequestParser parser = new OutcomeRequestParser(new OutcomeValidator(settings.validation()),
        settings.maxEventsPerRequest());
    return new Lane<>(topic, producer, "outcomes", "outcomes", "outcome_id", parser::parse, WorkOutcome::getTeam,
        WorkOutcome::getOutcomeId, RecordBatches.none());
  }

  /** Events in one batch record at most, and their encoded bytes: as the recorder sends them. */
  static final int BATCH_MAX_EVENTS = UsageRecorder.DEFAULT_BATCH_EVENTS;
  static final int BATCH_MAX_BYTES = UsageRecorder.BATCH_MAX_BYTES;

  /** A gateway writing to the configured usage and outcomes topics, each through a producer of its own. */
  public static IngestGateway connected(Map<String, Object> producerConfig, Topics topics, ApiKeyDirectory keys,
      GatewaySettings settings, PrometheusMeterRegistry meters) {
    Producer<String, byte[]> usage = producer(producerConfig, topics.usage);
    Producer<String, byte[]> outcomes = producer(producerConfig, topics.workOutcomes);
    // The producers' own metrics (sends, errors, batch sizes, request latency) next to the gateway's.
    new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(usage).bindTo(meters);
    new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(outcomes).bindTo(meters);
    return new IngestGateway(usageLane(topics, usage, settings),
        outcomeLane(topics.workOutcomes, outcomes, settings), keys, settings, meters)
        .admitting(new AdmissionClient(producerConfig, topics, settings.admissionTimeout(), meters));
  }

  public IngestGateway(Lane<UsageEvent> usage, Lane<WorkOutcome> outcomes, ApiKeyDirectory keys,
      GatewaySettings settings, PrometheusMeterRegistry meters) {
    this.usage = usage;
    this.outcomes = outcomes;
    this.keys = keys;
    this.settings = settings;
    this.meters = meters;
    this.inFlight = new Semaphore(settings.maxInFlightEvents());
    for (int status : new int[] {200, 202, 400, 401, 403, 413, 415, 429, 501, 503}) {
      responses.put(status, Counter.builder("tokenledger.gateway.responses").tag("status", Integer.toString(status))
          .description("POST /v1/usage and /v1/outcomes answers by status").register(meters));
    }
    this.spanUsage = new SpanUsage(settings.spans(), settings.validation().validator());
    for (String result : new String[] {"usage", "ignored", "rejected"}) {
      spans.put(result, Counter.builder("tokenledger.gateway.otlp.spans").tag("result", result)
          .description("Spans posted to /v1/traces: usage (written), ignored (no GenAI usage), rejected").register(meters));
    }
    this.acceptedEvents = Counter.builder("tokenledger.gateway.events.accepted")
        .description("Usage events and outcomes acknowledged by Kafka and answered 202").register(meters);
    this.requestLatency = Timer.builder("tokenledger.gateway.request.latency").publishPercentiles(0.5, 0.99)
        .description("POST /v1/usage and /v1/outcomes, from request to answer").register(meters);
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.http.maxRequestSize = settings.maxBodyBytes();
    });
    app.post("/v1/usage", ctx -> ingest(ctx, usage));
    app.post("/v1/outcomes", ctx -> ingest(ctx, outcomes));
    app.post("/v1/traces", this::traces);
    app.post("/v1/admit", this::admit);
    app.get("/healthz", this::health);
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(meters.scrape()));
  }

  /**
   * The producer the gateway should use: the recorder's reliable settings (idempotent,
   * acks=all), with a shorter linger and a delivery timeout within the ack timeout.
   */
  public static Producer<String, byte[]> producer(Map<String, Object> config, Topic<String, ?> topic) {
    Map<String, Object> gateway = new HashMap<>(config);
    gateway.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "tokenledger-ingest-gateway-" + topic.logicalName());
    gateway.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
    gateway.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    gateway.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 14_000);
    return new KafkaProducer<>(UsageRecorder.reliable(gateway), new StringSerializer(), new ByteArraySerializer());
  }

  /** Answers {@code POST /v1/admit} with this client (the gateway closes it). */
  public IngestGateway admitting(AdmissionClient client) {
    this.admission = client;
    return this;
  }

  public IngestGateway start(String host, int port) {
    app.start(host, port);
    log.info("Ingest gateway listening on {}:{}, writing to {} and {}", host, app.port(), usage.topic().name(),
        outcomes.topic().name());
    return this;
  }

  public int port() {
    return app.port();
  }

  private <V> void ingest(Context ctx, Lane<V> lane) {
    long start = System.nanoTime();
    ApiKeyDirectory.Team caller = ingestKey(ctx, "write " + lane.noun(), start);
    if (caller == null) {
      return;
    }
    long declared = ctx.contentLength();
    if (declared > settings.maxBodyBytes()) {
      answer(ctx, 413, error("body_too_large", "the body is " + declared + " bytes; send at most "
          + settings.maxBodyBytes() + " bytes per request (split the batch)"), start);
      return;
    }
    byte[] body = ctx.bodyAsBytes();
    if (body.length > settings.maxBodyBytes()) {
      answer(ctx, 413, error("body_too_large", "send at most " + settings.maxBodyBytes() + " bytes per request"), start);
      return;
    }
    Parsed<V> parsed = lane.parser().apply(body, caller.team());
    if (!parsed.errors().isEmpty()) {
      answer(ctx, 400, invalid(parsed.errors()), start);
      return;
    }
    List<V> events = parsed.records();
    for (int i = 0; i < events.size(); i++) {
      String team = lane.team().apply(events.get(i));
      if (!team.equals(caller.team())) {
        answer(ctx, 403, error("forbidden", "API key " + caller.keyId() + " may only write " + lane.noun()
            + " for team '" + caller.team() + "'; record " + i + " (" + lane.id().apply(events.get(i))
            + ") is for team '" + team + "'. Nothing was accepted."), start);
        return;
      }
    }
    if (!inFlight.tryAcquire(events.size())) {
      ctx.header("Retry-After", Long.toString(settings.retryAfter().toSeconds()));
      answer(ctx, 429, error("overloaded", "too many records are waiting for Kafka; retry after "
          + settings.retryAfter().toSeconds() + " s with the same " + lane.idField().replace('_', ' ') + "s"), start);
      return;
    }
    ctx.future(() -> send(lane, events).orTimeout(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle((metadata, failure) -> {
          inFlight.release(events.size());
          if (failure == null) {
            lastSuccessNanos.set(System.nanoTime());
            acceptedEvents.increment(events.size());
            answer(ctx, 202, accepted(lane, events, metadata), start);
          } else {
            lastFailureNanos.set(System.nanoTime());
            log.warn("Kafka did not acknowledge {} {} records of team {} on {} within {}: {}", events.size(),
                lane.noun(), caller.team(), lane.topic().name(), settings.ackTimeout(), failure.toString());
            ctx.header("Retry-After", Long.toString(settings.retryAfter().toSeconds()));
            answer(ctx, 503, error("kafka_unavailable", "Kafka did not acknowledge the records in time; nothing "
                + "is lost by resending the same request (same " + lane.idField().replace('_', ' ') + "s) after "
                + settings.retryAfter().toSeconds() + " s"), start);
          }
          return null;
        }));
  }

  /**
   * The team of the request's ingest key, or null once 401 (no valid key) or 403 (a read key,
   * which cannot {@code action}) has been answered.
   */
  private ApiKeyDirectory.Team ingestKey(Context ctx, String action, long start) {
    ApiKeyDirectory.Identity identity = keys.identify(ctx.header("Authorization"));
    if (identity instanceof ApiKeyDirectory.Refused refused) {
      answer(ctx, 401, error("unauthorized", refused.reason()), start);
      return null;
    }
    ApiKeyDirectory.Team caller = (ApiKeyDirectory.Team) identity;
    if (caller.scope() != ApiKeyScope.INGEST) {
      answer(ctx, 403, error("forbidden", "API key " + caller.keyId() + " is a " + caller.scope()
          + " key: it reads figures and cannot " + action + "; use an ingest key of the team"), start);
      return null;
    }
    return caller;
  }

  /**
   * OTLP/HTTP ({@code POST /v1/traces}): an export in protobuf or OTLP JSON, gzip or not. Spans
   * with GenAI usage become usage events of the key's team and are written; other spans are
   * accepted and dropped; usage spans that cannot be accounted for (another team, bad counts)
   * are refused through {@code partial_success}. 400 for a payload that will never be accepted,
   * 429 and 503 with {@code Retry-After} when Kafka is behind: resending the same spans is safe,
   * their event ids come from the trace and span ids.
   */
  private void traces(Context ctx) {
    long start = System.nanoTime();
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
    boolean protobuf = type.startsWith(OtlpAnswers.PROTOBUF);
    if (!protobuf && !type.startsWith(OtlpAnswers.JSON)) {
      otlp(ctx, 415, false, OtlpAnswers.status(false, 3, "Content-Type must be " + OtlpAnswers.PROTOBUF + " or "
          + OtlpAnswers.JSON + ", not '" + type + "'"), start);
      return;
    }
    ApiKeyDirectory.Identity identity = keys.identify(ctx.header("Authorization"));
    if (identity instanceof ApiKeyDirectory.Refused refused) {
      otlp(ctx, 401, protobuf, OtlpAnswers.status(protobuf, 16, refused.reason()), start);
      return;
    }
    ApiKeyDirectory.Team caller = (ApiKeyDirectory.Team) identity;
    if (caller.scope() != ApiKeyScope.INGEST) {
      otlp(ctx, 403, protobuf, OtlpAnswers.status(protobuf, 7, "API key " + caller.keyId() + " is a "
          + caller.scope() + " key: it cannot write usage; use an ingest key of the team"), start);
      return;
    }
    byte[] body = ctx.bodyAsBytes();
    if (body.length > settings.maxBodyBytes()) {
      otlp(ctx, 413, protobuf, OtlpAnswers.status(protobuf, 3, "send at most " + settings.maxBodyBytes()
          + " bytes per request (lower the exporter's batch size)"), start);
      return;
    }
    ExportTraceServiceRequest request;
    try {
      if ("gzip".equalsIgnoreCase(ctx.header("Content-Encoding"))) {
        body = OtlpRequests.gunzip(body, (int) Math.min(Integer.MAX_VALUE - 8, 8 * settings.maxBodyBytes()));
      }
      request = protobuf ? OtlpRequests.protobuf(body) : OtlpRequests.json(body);
    } catch (OtlpFormatException e) {
      otlp(ctx, 400, protobuf, OtlpAnswers.status(protobuf, 3, e.getMessage()), start);
      return;
    }
    SpanUsage.Mapped mapped = spanUsage.map(request, caller.team(), System.currentTimeMillis());
    spans.get("usage").increment(mapped.events().size());
    spans.get("ignored").increment(mapped.ignored());
    spans.get("rejected").increment(mapped.rejections().size());
    if (!mapped.rejections().isEmpty()) {
      log.info("Refused {} of {} spans from API key {} (team {}): {}", mapped.rejections().size(), mapped.spans(),
          caller.keyId(), caller.team(), mapped.rejections().get(0));
    }
    List<UsageEvent> events = mapped.events();
    if (events.isEmpty()) {
      otlp(ctx, 200, protobuf, OtlpAnswers.success(protobuf, mapped.rejections()), start);
      return;
    }
    if (!inFlight.tryAcquire(events.size())) {
      ctx.header("Retry-After", Long.toString(settings.retryAfter().toSeconds()));
      otlp(ctx, 429, protobuf, OtlpAnswers.status(protobuf, 8, "too many usage events are waiting for Kafka; retry"),
          start);
      return;
    }
    ctx.future(() -> send(usage, events).orTimeout(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle((metadata, failure) -> {
          inFlight.release(events.size());
          if (failure == null) {
            lastSuccessNanos.set(System.nanoTime());
            acceptedEvents.increment(events.size());
            otlp(ctx, 200, protobuf, OtlpAnswers.success(protobuf, mapped.rejections()), start);
          } else {
            lastFailureNanos.set(System.nanoTime());
            log.warn("Kafka did not acknowledge {} usage events from spans of team {} within {}: {}", events.size(),
                caller.team(), settings.ackTimeout(), failure.toString());
            ctx.header("Retry-After", Long.toString(settings.retryAfter().toSeconds()));
            otlp(ctx, 503, protobuf, OtlpAnswers.status(protobuf, 14, "Kafka did not acknowledge the usage in time; "
                + "resend the same spans"), start);
          }
          return null;
        }));
  }

  /**
   * {@code POST /v1/admit}: the key's team asks before a call. The answer is 200 whatever the
   * verdict (a deny is an answer, not an error); the team's task unreachable is answered by the
   * budgets' fail-open/fail-closed choice, also 200, with {@code source: "unreachable"}.
   */
  private void admit(Context ctx) {
    long start = System.nanoTime();
    ApiKeyDirectory.Team caller = ingestKey(ctx, "ask to spend", start);
    if (caller == null) {
      return;
    }
    AdmissionClient client = admission;
    if (client == null) {
      answer(ctx, 501, error("not_configured", "this gateway does not answer admission requests"), start);
      return;
    }
    AdmitRequestParser.Result parsed = admitParser.parse(ctx.bodyAsBytes(), caller.team());
    if (!parsed.errors().isEmpty()) {
      answer(ctx, 400, invalid(parsed.errors()), start);
      return;
    }
    AdmissionQuery query = parsed.query();
    if (!query.team().equals(caller.team())) {
      answer(ctx, 403, error("forbidden", "API key " + caller.keyId() + " may only ask for team '" + caller.team()
          + "', not '" + query.team() + "'"), start);
      return;
    }
    ctx.future(() -> client.admitAsync(query).handle((admitted, failure) -> {
      if (failure != null) {
        log.warn("Admission for team {} failed: {}", caller.team(), failure.toString());
        answer(ctx, 503, error("admission_failed", "the admission could not be answered; retry"), start);
      } else {
        answer(ctx, 200, admitted(admitted), start);
      }
      return null;
    }));
  }

  private ObjectNode admitted(Admission a) {
    ObjectNode body = json.createObjectNode().put("verdict", a.verdict().name().toLowerCase())
        .put("allowed", a.allowed()).put("provider", a.provider()).put("model", a.model())
        .put("governed", a.governed()).put("reservation_id", a.reservationId())
        .put("reserved_nano_usd", a.reservedNanoUsd())
        .put("reserved_usd", io.tokenledger.schemas.money.NanoUsd.toUsd(a.reservedNanoUsd()).toPlainString())
        .put("reserved_tokens", a.reservedTokens()).put("budget_id", a.budgetId());
    if (a.leftNanoUsd() != null) {
      body.put("left_nano_usd", a.leftNanoUsd())
          .put("left_usd", io.tokenledger.schemas.money.NanoUsd.toUsd(a.leftNanoUsd()).toPlainString());
    }
    if (a.leftTokens() != null) {
      body.put("left_tokens", a.leftTokens());
    }
    if (a.resetsAt() != null) {
      body.put("resets_at", a.resetsAt().toString());
    }
    return body.put("reason", a.reason()).put("source", a.source().name().toLowerCase());
  }

  private void otlp(Context ctx, int status, boolean protobuf, byte[] body, long startNanos) {
    ctx.status(status).contentType(protobuf ? OtlpAnswers.PROTOBUF : OtlpAnswers.JSON).result(body);
    responses.get(status).increment();
    requestLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Sends a request's records, a Kafka record per record or, on a lane with batches, the events
   * of a team in batch records; completes with each record's metadata (the batch's for each of
   * its events).
   */
  private static <V> CompletableFuture<List<RecordMetadata>> send(Lane<V> lane, List<V> events) {
    String topic = lane.topic().name();
    List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(events.size());
    int i = 0;
    while (i < events.size()) {
      String team = lane.team().apply(events.get(i));
      List<byte[]> encoded = new ArrayList<>();
      int bytes = 0;
      int end = i;
      try {
        while (end < events.size() && team.equals(lane.team().apply(events.get(end)))
            && (lane.batches().batching() || encoded.isEmpty()) && encoded.size() < BATCH_MAX_EVENTS) {
          byte[] one = lane.topic().valueSerde().serializer().serialize(topic, events.get(end));
          if (!encoded.isEmpty() && bytes + one.length > BATCH_MAX_BYTES) {
            break;
          }
          encoded.add(one);
          bytes += one.length;
          end++;
        }
      } catch (RuntimeException e) {
        CompletableFuture<RecordMetadata> failed = CompletableFuture.failedFuture(e);
        for (int k = i; k < events.size(); k++) {
          acks.add(failed);
        }
        break;
      }
      CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
      try {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = lane.batches().recordValue(topic, encoded, headers);
        lane.producer().send(new ProducerRecord<>(topic, null, team, value, headers), (metadata, error) -> {
          if (error == null) {
            ack.complete(metadata);
          } else {
            ack.completeExceptionally(error);
          }
        });
      } catch (RuntimeException e) {
        ack.completeExceptionally(e);
      }
      for (int k = i; k < end; k++) {
        acks.add(ack);
      }
      i = end;
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
        .thenApply(done -> acks.stream().map(CompletableFuture::join).toList());
  }

  private void health(Context ctx) {
    boolean kafkaFailing = lastFailureNanos.get() > lastSuccessNanos.get();
    boolean readersUp = TopicReaders.allUp(List.of(keys));
    boolean healthy = keys.loaded() && readersUp && !kafkaFailing;
    ObjectNode body = json.createObjectNode()
        .put("status", healthy ? "ok" : "degraded")
        .put("api_keys", keys.loaded() ? "loaded" : "loading")
        .put("kafka", kafkaFailing ? "last send failed" : "ok");
    body.set("readers", json.valueToTree(keys.readers()));
    ctx.status(healthy ? 200 : 503).contentType(JSON).result(body.toString());
  }

  private void answer(Context ctx, int status, ObjectNode body, long startNanos) {
    ctx.status(status).contentType(JSON).result(body.toString());
    responses.get(status).increment();
    requestLatency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  private ObjectNode error(String code, String message) {
    return json.createObjectNode().put("error", code).put("message", message);
  }

  private ObjectNode invalid(List<FieldError> errors) {
    ObjectNode body = error("invalid_request", errors.size() + " problem(s) found; nothing was accepted. "
        + "Fix the fields below and resend the whole request.");
    ArrayNode list = body.putArray("errors");
    for (FieldError e : errors) {
      ObjectNode item = list.addObject();
      if (e.index() >= 0) {
        item.put("index", e.index());
      }
      item.put("field", e.field()).put("problem", e.problem());
    }
    return body;
  }

  private <V> ObjectNode accepted(Lane<V> lane, List<V> events, List<RecordMetadata> metadata) {
    ObjectNode body = json.createObjectNode().put("accepted", events.size());
    ArrayNode list = body.putArray(lane.batch());
    for (int i = 0; i < events.size(); i++) {
      list.addObject().put(lane.idField(), lane.id().apply(events.get(i)))
          .put("partition", metadata.get(i).partition()).put("offset", metadata.get(i).offset());
    }
    return body;
  }

  @Override
  public void close() {
    app.stop();
    if (admission != null) {
      admission.close();
    }
    usage.producer().close();
    outcomes.producer().close();
    // The meter registry is the caller's (the process's, usually): it outlives this gateway.
  }
}
