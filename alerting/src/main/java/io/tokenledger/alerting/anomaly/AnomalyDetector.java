package io.tokenledger.alerting.anomaly;

import io.tokenledger.platform.streams.ProcessorWithStores;
import io.tokenledger.schemas.tokens.TotalTokens;
import io.tokenledger.schemas.AnomalyAlert;
import io.tokenledger.schemas.alerts.AlertTexts;
import io.tokenledger.schemas.AnomalyContributor;
import io.tokenledger.schemas.AnomalyKind;
import io.tokenledger.schemas.AnomalySeverity;
import io.tokenledger.schemas.AnomalyStatus;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.SeriesKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import io.tokenledger.schemas.topics.Topic;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anomaly detection over the per (team, workflow, model) 1-minute aggregates (live, cumulative
 * updates; the topic is partitioned by team, so a task sees all of a team's series). One store
 * read and write per update; the rules are in {@link SeriesDetector}. Raised anomalies are
 * kept in the changelogged series state, so a restart neither repeats nor forgets them.
 *
 * <p>A series that goes silent sends nothing, so open anomalies are also closed out against
 * the task's stream time every {@link #STALE_CHECK}: a runaway loop that stops is resolved.
 */
public final class AnomalyDetector implements Processor<String, UsageAggregate, String, AnomalyAlert> {
  private static final Logger log = LoggerFactory.getLogger(AnomalyDetector.class);
  static final Duration STALE_CHECK = Duration.ofSeconds(10);
  private static final int TOP_CONTRIBUTORS = 5;

  /** Store and sink names, in one place. */
  public record Names(String series, String seen, String open, String sink) {}

  private final Names names;
  private final AnomalySettings settings;
  private final Duration liveWithin;
  private final SeriesDetector detector;
  private ProcessorContext<String, AnomalyAlert> context;
  private KeyValueStore<String, SeriesState> series;
  private KeyValueStore<String, Long> seen;
  private KeyValueStore<String, Long> open;
  private long streamTime = Long.MIN_VALUE;

  /**
   * @param liveWithin anomalies of minutes older than this (wall clock) are learned but not
   *     announced: while history is replayed (a backfill, a reset) they are not news
   */
  public AnomalyDetector(Names names, AnomalySettings settings, Duration liveWithin) {
    this.names = names;
    this.settings = settings;
    this.liveWithin = liveWithin;
    this.detector = new SeriesDetector(settings);
  }

  /** Adds the detector, named {@code processor}, its stores and its sink to a topology. */
  public static void addTo(Topology topology, String processor, String parent, Names names, AnomalySettings settings,
      Duration liveWithin, Topic<String, AnomalyAlert> alerts) {
    topology.addProcessor(processor, ProcessorWithStores.of(() -> new AnomalyDetector(names, settings, liveWithin),
        List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.series()), Serdes.String(),
            SeriesState.serde()).withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.seen()), Serdes.String(), Serdes.Long())
            .withCachingEnabled(),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(names.open()), Serdes.String(), Serdes.Long()))),
        parent);
    topology.addSink(names.sink(), alerts.name(), alerts.keySerde().serializer(), alerts.valueSerde().serializer(),
        processor);
  }

  @Override
  public void init(ProcessorContext<String, AnomalyAlert> context) {
    this.context = context;
    this.series = context.getStateStore(names.series());
    this.seen = context.getStateStore(names.seen());
    this.open = context.getStateStore(names.open());
    context.schedule(STALE_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> closeSilentSeries());
  }

  @Override
  public void process(Record<String, UsageAggregate> record) {
    UsageAggregate a = record.value();
    if (a == null || a.getTeam() == null || a.getWorkflow() == null || a.getModel() == null) {
      log.warn("Anomaly detection skipped a record on the 1-minute team-workflow-model topic without team, workflow and model "
          + "(key {}); only tokenledger's aggregation should write that topic.", record.key());
      return;
    }
    streamTime = Math.max(streamTime, record.timestamp());
    String scope = new SeriesKey(a.getTeam(), a.getWorkflow(), a.getProvider(), a.getModel()).toString();
    noticeNewModel(scope, a, record.timestamp());
    SeriesState s = series.get(scope);
    if (s == null) {
      s = new SeriesState();
    }
    List<SeriesDetector.Finding> findings = detector.update(s, a.getWindowStart().toEpochMilli(),
        a.getCostNanoUsd(), a.getRequestCount(), tokens(a), record.timestamp());
    decideAnnouncements(findings);
    series.put(scope, s);
    publish(scope, s, findings);
  }

  private static long tokens(UsageAggregate a) {
    return TotalTokens.of(a);
  }

  /** A model the team never used before, once the team itself has some history. */
  private void noticeNewModel(String scope, UsageAggregate a, long eventTime) {
    // The same model from another provider is new too: it is billed, and can fail, on its own.
    String teamModel = a.getTeam() + "|" + new io.tokenledger.schemas.models.ProviderModel(a.getProvider(), a.getModel());
    if (seen.get(teamModel) != null) {
      return;
    }
    seen.put(teamModel, eventTime);
    Long teamSince = seen.get(a.getTeam());
    if (teamSince == null) {
      seen.put(a.getTeam(), eventTime);
      return;
    }
    if (eventTime - teamSince < settings.newModelAfter().toMillis() || !live(eventTime)) {
      return;
    }
    long minute = a.getWindowStart().toEpochMilli();
    String anomalyId = scope + "/" + AnomalyKind.NEW_MODEL + "/" + Instant.ofEpochMilli(minute);
    AnomalyAlert alert = base(scope, SeriesKey.parse(scope), anomalyId, AnomalyKind.NEW_MODEL)
        .setAlertId(anomalyId + "/raised").setStatus(AnomalyStatus.RAISED).setSeverity(AnomalySeverity.INFO)
        .setUnit("requests_per_minute").setObserved(a.getRequestCount()).setExpected(0).setThreshold(0)
        .setBaselineMinutes((eventTime - teamSince) / SeriesDetector.MINUTE)
        .setStartedAt(Instant.ofEpochMilli(minute)).setDetectedAt(Instant.ofEpochMilli(eventTime))
        .setTopContributors(List.of()).build();
    context.forward(new Record<>(scope, alert, eventTime), names.sink());
    io.tokenledger.alerting.AlertMeters.ANOMALY.increment();
  }

  /** An anomaly found now is announced if its minute is live; before the state is stored, which keeps that. */
  private void decideAnnouncements(List<SeriesDetector.Finding> findings) {
    for (SeriesDetector.Finding f : findings) {
      if (!f.resolved()) {
        f.anomaly().announced = live(f.anomaly().detectedAt);
      }
    }
  }

  private void publish(String scope, SeriesState s, List<SeriesDetector.Finding> findings) {
    if (findings.isEmpty()) {
      return;
    }
    SeriesKey key = SeriesKey.parse(scope);
    for (SeriesDetector.Finding f : findings) {
      AnomalyKind kind = SeriesDetector.KINDS[f.kind()];
      OpenAnomaly o = f.anomaly();
      String anomalyId = scope + "/" + kind + "/" + Instant.ofEpochMilli(o.startedAt);
      AnomalyAlert.Builder alert = base(scope, key, anomalyId, kind)
          .setUnit(unit(f.kind())).setObserved(f.observed()).setExpected(o.expected).setThreshold(o.threshold)
          .setSeverity(severity(f.observed(), o.expected)).setBaselineMinutes(o.baselineMinutes)
          .setStartedAt(Instant.ofEpochMilli(o.startedAt)).setDetectedAt(Instant.ofEpochMilli(o.detectedAt));
      if (!o.announced) {
        continue; // found in replayed history: learned, not news (nor is its end)
      }
      if (f.resolved()) {
        alert.setAlertId(anomalyId + "/resolved").setStatus(AnomalyStatus.RESOLVED)
            .setResolvedAt(Instant.ofEpochMilli(f.resolvedAt())).setTopContributors(List.of());
      } else {
        alert.setAlertId(anomalyId + "/raised").setStatus(AnomalyStatus.RAISED)
            .setTopContributors(topContributors(key.team(), f.kind(), s.minute));
      }
      AnomalyAlert built = alert.build();
      if (f.resolved()) {
        log.info("Anomaly resolved: {} of {} is normal again since {}: {}.", kind, scope,
            Instant.ofEpochMilli(f.resolvedAt()), AlertTexts.detail(built));
      } else {
        log.info("Anomaly raised: {} of {}: {}; see the {} runbook.", kind, scope, AlertTexts.detail(built), kind);
      }
      long timestamp = f.resolved() ? Math.max(o.detectedAt, f.resolvedAt()) : o.detectedAt;
      context.forward(new Record<>(scope, built, timestamp), names.sink());
      io.tokenledger.alerting.AlertMeters.ANOMALY.increment();
    }
    updateOpenIndex(scope, s);
  }

  private void updateOpenIndex(String scope, SeriesState s) {
    if (s.anyOpen()) {
      open.put(scope, s.minute);
    } else {
      open.delete(scope);
    }
  }

  /** Whether a minute of event time is recent enough (wall clock) to be announced. */
  private boolean live(long eventTime) {
    return context.currentSystemTimeMs() - eventTime <= liveWithin.toMillis();
  }

  private static AnomalyAlert.Builder base(String scope, SeriesKey series, String anomalyId, AnomalyKind kind) {
    return AnomalyAlert.newBuilder().setAnomalyId(anomalyId).setScope(scope).setTeam(series.team())
        .setWorkflow(series.workflow()).setProvider(series.provider()).setModel(series.model()).setKind(kind)
        .setRaisedAt(Instant.now());
  }

  static AnomalySeverity severity(long observed, long expected) {
    double ratio = (double) observed / Math.max(1, expected);
    return ratio >= 10 ? AnomalySeverity.CRITICAL : ratio >= 3 ? AnomalySeverity.WARNING : AnomalySeverity.INFO;
  }

  private static String unit(int kind) {
    return switch (kind) {
      case SeriesDetector.COST -> "nano_usd_per_minute";
      case SeriesDetector.REQUESTS -> "requests_per_minute";
      default -> "tokens_per_request";
    };
  }

  /** The team's series with the largest excess over their own baseline in the given minute. */
  private List<AnomalyContributor> topContributors(String team, int kind, long minute) {
    List<AnomalyContributor> all = new ArrayList<>();
    try (KeyValueIterator<String, SeriesState> it = series.prefixScan(team + "|", Serdes.String().serializer())) {
      while (it.hasNext()) {
        KeyValue<String, SeriesState> entry = it.next();
        SeriesState s = entry.value;
        boolean current = s.minute == minute;
        long observed;
        long expected;
        switch (kind) {
          case SeriesDetector.COST -> {
            observed = current ? s.cost : 0;
            expected = Math.round(s.costRate.mean);
          }
          case SeriesDetector.REQUESTS -> {
            observed = current ? s.requests : 0;
            expected = Math.round(s.requestRate.mean);
          }
          default -> {
            observed = Math.round(s.tokensPerRequestFast.mean);
            expected = Math.round(s.tokensPerRequestSlow.mean);
          }
        }
        if (observed > expected) {
          SeriesKey contributor = SeriesKey.parse(entry.key);
          all.add(new AnomalyContributor(contributor.workflow(), contributor.model(), observed, expected,
              contributor.provider()));
        }
      }
    }
    all.sort(Comparator.comparingLong((AnomalyContributor c) -> c.getObserved() - c.getExpected()).reversed());
    return all.size() > TOP_CONTRIBUTORS ? List.copyOf(all.subList(0, TOP_CONTRIBUTORS)) : all;
  }

  /** Closes the minutes of series with open anomalies that have gone quiet, which may resolve them. */
  private void closeSilentSeries() {
    if (streamTime == Long.MIN_VALUE) {
      return;
    }
    long currentMinute = streamTime - Math.floorMod(streamTime, SeriesDetector.MINUTE);
    List<String> quiet = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = open.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> entry = it.next();
        // A minute behind the task's latest one: its series sent nothing since.
        if (entry.value < currentMinute - SeriesDetector.MINUTE) {
          quiet.add(entry.key);
        }
      }
    }
    for (String scope : quiet) {
      SeriesState s = series.get(scope);
      if (s == null) {
        open.delete(scope);
        continue;
      }
      List<SeriesDetector.Finding> findings = new ArrayList<>();
      detector.closeUpTo(s, currentMinute - SeriesDetector.MINUTE, findings);
      decideAnnouncements(findings);
      series.put(scope, s);
      publish(scope, s, findings);
      updateOpenIndex(scope, s);
    }
  }
}
