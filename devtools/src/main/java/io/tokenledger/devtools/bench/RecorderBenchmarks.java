package io.tokenledger.devtools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenledger.ingest.normalize.OpenAiUsage;
import io.tokenledger.ingest.normalize.ProviderCall;
import io.tokenledger.ingest.normalize.UsageEvents;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.history.SchemaHistory;
import io.tokenledger.schemas.serde.SingleObjectSerde;
import io.tokenledger.schemas.topics.Topics;
import io.tokenledger.schemas.validation.UsageValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What recording usage costs the caller's thread, and what Avro encoding costs. The
 * recorder's sender drains into a discarding producer, so only the caller's side is timed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class RecorderBenchmarks {
  private static final String CHAT_RESPONSE = """
      {"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-2024-08-06",
       "usage": {"prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
                 "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
                 "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0}}}""";

  private JsonNode response;
  private UsageEvent event;
  private byte[] encoded;
  private UsageValidator validator;
  private SingleObjectSerde<UsageEvent> serde;
  private UsageRecorder recorder;
  private Path spool;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    response = new ObjectMapper().readTree(CHAT_RESPONSE);
    event = UsageEvents.from(OpenAiUsage.chatCompletionResponse(response), "support", "ticket-triage", "support-bot")
        .setOutcomeUnit("ticket").setOutcomeUnits(1L).build();
    serde = new SingleObjectSerde<>(UsageEvent.class, SchemaHistory.get());
    encoded = serde.encode(event);
    validator = UsageValidator.withDefaults();
    spool = Files.createTempDirectory("bench-spool");
    Topics topics = Topics.defaults();
    recorder = UsageRecorder.builder(topics.usage).producer(new DiscardingProducer<>()).spoolDirectory(spool)
        .queueCapacity(1 << 20).meterRegistry(new SimpleMeterRegistry()).closeOnShutdown(false).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    recorder.close();
  }

  /** Provider usage object to exclusive buckets. */
  @Benchmark
  public ProviderCall normaliseOpenAiChat() {
    return OpenAiUsage.chatCompletionResponse(response);
  }

  @Benchmark
  public Object validate() {
    return validator.validate(event, System.currentTimeMillis());
  }

  /** Everything on the caller's thread: normalise, build the event (new id), validate, enqueue. */
  @Benchmark
  public Object recordFromProviderResponse() {
    ProviderCall call = OpenAiUsage.chatCompletionResponse(response);
    return recorder.record(UsageEvents.from(call, "support", "ticket-triage", "support-bot").build());
  }

  @Benchmark
  public byte[] avroEncode() {
    return serde.encode(event);
  }

  @Benchmark
  public UsageEvent avroDecode() {
    return serde.decode(encoded);
  }
}
