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
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;

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
    long bucket = size.toMillis();
    Instant first = from.isAfter(now.minus(OPEN_MINUTES)) ? from : now.minus(OPEN_MINUTES);
    Instant last = to.plusMillis(bucket - 1);
    if (first.isAfter(last)) {
      return;
    }
    StateQueryRequest<KeyValueIterator<Windowed<String>, FineTotals>> request = StateQueryRequest.inStore(minuteStore)
        .withQuery(WindowRangeQuery.<String, FineTotals>withWindowStartRange(first, last)).requireActive();
    if (partition != null) {
      request = request.withPartitions(Set.of(partition));
    }
    StateQueryResult<KeyValueIterator<Windowed<String>, FineTotals>> result = streams.query(request);
    for (QueryResult<KeyValueIterator<Windowed<String>, FineTotals>> part : result.getPartitionResults().values()) {
      if (part.isFailure()) {
        if (part.getFailureReason() == FailureReason.NOT_ACTIVE) {
          continue;
        }
        throw new QueryRouter.NotHereException(part.getFailureReason() + " " + part.getFailureMessage());
      }
      try (KeyValueIterator<Windowed<String>, FineTotals> minutes = part.getResult()) {
        minutes.forEachRemaining(minute -> {
          String key = minute.key.key();
          Totals pending = keys.test(key) ? minute.value.notInSeriesWindows() : null;
          long start = EpochWindows.start(minute.key.window().start(), bucket);
          if (pending != null && start >= from.toEpochMilli() && start <= to.toEpochMilli()) {
            into.computeIfAbsent(key, k -> new TreeMap<>()).merge(start, pending, SeriesFreshness::sum);
          }
        });
      }
    }
  }

  private static Totals sum(Totals a, Totals b) {
    Totals sum = new Totals();
    sum.add(a);
    sum.add(b);
    return sum;
  }
}
