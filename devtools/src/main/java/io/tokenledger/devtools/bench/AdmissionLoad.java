package io.tokenledger.devtools.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tokenledger.ingest.admission.Admission;
import io.tokenledger.ingest.admission.AdmissionQuery;
import io.tokenledger.ingest.recorder.UsageRecorder;
import io.tokenledger.schemas.PricedUsageEvent;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.topics.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Callers that ask before each call and record what it cost, as a service does: for {@code bench
 * admission} and the admission tests. Every call is gpt-4o ($2.50 input, $10 output per 1M
 * tokens) with 10,000 input tokens and at most 2,000 output (500 to 2,000 drawn at random).
 */
public final class AdmissionLoad {
  /** What one call costs in nano-USD at gpt-4o's list price. */
  public static long cost(long input, long output) {
    return input * 2_500L + output * 10_000L;
  }

  private AdmissionLoad() {}

  /**
   * One team's callers: each admits and records calls until denied {@code patience} times in a
   * row, 100 ms apart (the time in which calls in flight reach the priced usage and free what
   * they did not spend). Estimating {@code estimatedInput} input tokens for calls of 10,000.
   */
  public static final class Callers {
    private final String team;
    private final long estimatedInput;
    private final int patience;
    public final AtomicLong recorded = new AtomicLong();
    /** What the calls cost beyond what was reserved for them: the overshoot a HARD budget allows. */
    public final AtomicLong bound = new AtomicLong();
    public final AtomicLong allowed = new AtomicLong();
    public final AtomicLong denied = new AtomicLong();

    public Callers(String team, long estimatedInput, int patience) {
      this.team = team;
      this.estimatedInput = estimatedInput;
      this.patience = patience;
    }

    public void call(UsageRecorder recorder) {
      int deniedInARow = 0;
      while (deniedInARow < patience) {
        Admission a = recorder.admit(AdmissionQuery.of(team, "agent", "openai", "gpt-4o", estimatedInput, 2_000));
        if (!a.allowed()) {
          denied.incrementAndGet();
          deniedInARow++;
          pause(100);
          continue;
        }
        if (a.source() == Admission.Source.UNREACHABLE) {
          throw new IllegalStateException("the team's task did not answer: " + a.reason());
        }
        deniedInARow = 0;
        allowed.incrementAndGet();
        long output = ThreadLocalRandom.current().nextLong(500, 2_001);
        long cost = cost(10_000, output);
        bound.addAndGet(Math.max(0, cost - cost(estimatedInput, 2_000)));
        try {
          recorder.record(a.stamp(call(team, output)).build()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("recording " + team + "'s call failed", e);
        }
        recorded.addAndGet(cost);
      }
    }

    /** A last call of the team, unadmitted (one input token): once it is priced, all before it are. */
    public String marker(UsageRecorder recorder) throws Exception {
      UsageEvent marker = UsageEvent.newBuilder(call(team, 0).build()).setEventId("marker-" + team + "-"
          + UUID.randomUUID()).setUncachedInputTokens(1).build();
      recorder.record(marker).get(30, TimeUnit.SECONDS);
      recorded.addAndGet(cost(1, 0));
      return marker.getEventId();
    }

    private static UsageEvent.Builder call(String team, long output) {
      return UsageEvent.newBuilder().setEventId(UUID.randomUUID().toString())
          .setEventTime(Instant.ofEpochMilli(System.currentTimeMillis())).setTeam(team).setWorkflow("agent")
          .setService(team + "-agent").setProvider("openai").setModel("gpt-4o").setUncachedInputTokens(10_000)
          .setOutputTokens(output);
    }
  }

  /** Runs {@code callers} threads over the recorders (round robin) and teams (alternating) until all give up. */
  public static void run(List<UsageRecorder> recorders, List<Callers> teams, int callers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        UsageRecorder recorder = recorders.get(c % recorders.size());
        Callers team = teams.get(c % teams.size());
        done.add(pool.submit(() -> team.call(recorder)));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Admission latency: {@code callers} threads asking for calls of a team far from its limit for {@code length}. */
  public static void ask(UsageRecorder recorder, String team, int callers, Duration length) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    long end = System.nanoTime() + length.toNanos();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        done.add(pool.submit(() -> {
          while (System.nanoTime() < end) {
            recorder.admit(AdmissionQuery.of(team, "agent", "openai", "gpt-4o", 10_000, 2_000));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** "answers, p50, p99, max" of one source's admission timer, or null when it gave none. */
  public static String latency(MeterRegistry meters, Admission.Source source) {
    Timer timer = meters.find("tokenledger.admission.latency").tag("source", source.name().toLowerCase()).timer();
    if (timer == null || timer.count() == 0) {
      return null;
    }
    var snapshot = timer.takeSnapshot();
    return String.format("%,d answers, p50 %.3f ms, p99 %.3f ms, max %.3f ms", timer.count(),
        snapshot.percentileValues()[0].value(TimeUnit.MILLISECONDS),
        snapshot.percentileValues()[1].value(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS));
  }

  /** Each team's priced spend, read once every marker is on the priced usage topic (all before them are too). */
  public static Map<String, Long> pricedSpend(Map<String, Object> config, Topics topics, List<String> markers,
      Duration bound) {
    Map<String, Long> spend = new HashMap<>();
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, List<PricedUsageEvent>> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.GROUP_ID_CONFIG, "admission-load-" + UUID.randomUUID()),
        topics.pricedUsage.keySerde().deserializer(), topics.pricedUsageBatches.deserializer())) {
      consumer.subscribe(List.of(topics.pricedUsage.name()));
      long deadline = System.nanoTime() + bound.toNanos();
      while (seen.size() < markers.size()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("only " + seen + " of the markers " + markers + " were priced in " + bound);
        }
        for (ConsumerRecord<String, List<PricedUsageEvent>> r : consumer.poll(Duration.ofMillis(200))) {
          for (PricedUsageEvent e : r.value()) { // one event, or the recorder's batch
            spend.merge(e.getTeam(), e.getCostNanoUsd() == null ? 0 : e.getCostNanoUsd(), Long::sum);
            if (markers.contains(e.getEventId())) {
              seen.add(e.getEventId());
            }
          }
        }
      }
    }
    return spend;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
