package io.tokenledger.aggregation.query;

import io.tokenledger.aggregation.window.EpochWindows;
import io.tokenledger.aggregation.window.FineTotals;
import io.tokenledger.aggregation.window.Totals;
import io.tokenledger.platform.query.QueryRouter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The per-series hour, day and ledger windows are brought up to date from their minutes at the
 * detail interval (10 s by default), not at every live emit. A query of them adds what the
 * minutes still open hold beyond that, so it answers as fresh as the minutes, and a breakdown by
 * model sums to the team's live total. Callers read the coarser windows first, then this: a
 * propagation in between can only leave the answer short by what it moved, as a stale read
 * would, never count it twice.
 */
final class SeriesFreshness {
  /**
   * How far back (wall clock) minutes are read: a minute is final a minute of grace after it
   * ends, and a final minute has added everything, so in a running aggregation two or three
   * minutes are open. Reading further would cost every breakdown a read of each series' minutes
   * (10,000 series: 10,000 windows a minute). Minutes open longer (an aggregation catching up
   * behind the wall clock) show in their coarser windows at the detail interval.
   */
  static final Duration OPEN_MINUTES = Duration.ofMinutes(5);

  private final KafkaStreams streams;
  private final String minuteStore;

  SeriesFreshness(KafkaStreams streams, String minuteStore) {
    this.streams = streams;
    this.minuteStore = minuteStore;
  }

  /**
   * Adds to {@code into} (series key to window start to totals) what the open minutes of the
   * series {@code keys} accepts hold beyond their windows of {@code size} starting in [from, to],
   * from this instance's active partitions ({@code partition} alone, when not null). A window
   * with only such minutes is added as well.
   */
  void addTo(Map<String, TreeMap<Long, Totals>> into, Integer partition, Predicate<String> keys, Instant from,
      Instant to, Duration size, Instant now) {
    Instant first = firstOpen(from, now);
    Instant last = to.plus(size).minusMillis(1);
    if (first.isAfter(last)) {
      return;
    }
    StateQueryRequest<KeyValueIterator<Windowed<String>, FineTotals>> request = StateQueryRequest.inStore(minuteStore)
        .withQuery(WindowRangeQuery.<String, FineTotals>withWindowStartRange(first, last)).requireActive();
    if (partition != null) {
      request = request.withPartitions(Set.of(partition));
    }
    for (QueryResult<KeyValueIterator<Windowed<String>, FineTotals>> part
        : streams.query(request).getPartitionResults().values()) {
      if (answered(part)) {
        try (KeyValueIterator<Windowed<String>, FineTotals> minutes = part.getResult()) {
          minutes.forEachRemaining(minute -> {
            if (keys.test(minute.key.key())) {
              add(into, minute.key.key(), minute.key.window().start(), minute.value, from, to, size);
            }
          });
        }
      }
    }
  }

  /** The same for one series, read by its key from the partition that holds it. */
  void addTo(Map<String, TreeMap<Long, Totals>> into, int partition, String key, Instant from, Instant to,
      Duration size, Instant now) {
    Instant first = firstOpen(from, now);
    Instant last = to.plus(size).minusMillis(1);
    if (first.isAfter(last)) {
      return;
    }
    QueryResult<WindowStoreIterator<FineTotals>> part = streams.query(StateQueryRequest.inStore(minuteStore)
        .withQuery(WindowKeyQuery.<String, FineTotals>withKeyAndWindowStartRange(key, first, last))
        .withPartitions(Set.of(partition)).requireActive()).getPartitionResults().get(partition);
    if (part != null && answered(part)) {
      try (WindowStoreIterator<FineTotals> minutes = part.getResult()) {
        minutes.forEachRemaining(minute -> add(into, key, minute.key, minute.value, from, to, size));
      }
    }
  }

  private static Instant firstOpen(Instant from, Instant now) {
    Instant open = now.minus(OPEN_MINUTES);
    return from.isAfter(open) ? from : open;
  }

  private static boolean answered(QueryResult<?> part) {
    if (!part.isFailure()) {
      return true;
    }
    if (part.getFailureReason() == FailureReason.NOT_ACTIVE) {
      return false;
    }
    throw new QueryRouter.NotHereException(part.getFailureReason() + " " + part.getFailureMessage());
  }

  /** A minute's part not yet in its window of {@code size}, when that window starts in [from, to]. */
  private static void add(Map<String, TreeMap<Long, Totals>> into, String key, long minuteStart, FineTotals minute,
      Instant from, Instant to, Duration size) {
    Totals pending = minute.notInSeriesWindows();
    long start = EpochWindows.start(minuteStart, size.toMillis());
    if (pending != null && start >= from.toEpochMilli() && start <= to.toEpochMilli()) {
      into.computeIfAbsent(key, k -> new TreeMap<>()).merge(start, pending, SeriesFreshness::sum);
    }
  }

  private static Totals sum(Totals a, Totals b) {
    Totals sum = new Totals();
    sum.add(a);
    sum.add(b);
    return sum;
  }
}
