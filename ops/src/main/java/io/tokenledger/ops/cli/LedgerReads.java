package io.tokenledger.ops.cli;

import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.PriceRules;
import io.tokenledger.platform.topics.CompactedTopics;
import io.tokenledger.platform.topics.TopicScan;
import io.tokenledger.schemas.UsageAggregate;
import io.tokenledger.schemas.topics.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/** What the price commands read: the period ledger's latest buckets and the catalog, as the topology has them. */
public final class LedgerReads {
  private LedgerReads() {}

  /** The latest record of every (team, workflow, model) 15-minute bucket that {@code wanted} accepts. */
  public static Map<String, UsageAggregate> buckets(Map<String, ?> settings, Topics topics,
      Predicate<UsageAggregate> wanted) {
    return buckets(settings, topics.seriesLedger15m, wanted);
  }

  /** The latest record of every bucket of a ledger topic that {@code wanted} accepts. */
  public static Map<String, UsageAggregate> buckets(Map<String, ?> settings,
      io.tokenledger.schemas.topics.Topic<String, UsageAggregate> ledger, Predicate<UsageAggregate> wanted) {
    Map<String, UsageAggregate> buckets = new HashMap<>();
    TopicScan.forEach(settings, ledger, r -> {
      if (r.value() != null && wanted.test(r.value())) {
        buckets.put(r.key() + "@" + r.value().getWindowStart(), r.value());
      }
    });
    return buckets;
  }

  /** The catalog's usable versions, as the topology loads them. */
  public static PriceBook catalog(Map<String, ?> settings, Topics topics) {
    PriceBook book = new PriceBook();
    CompactedTopics.readLatest(settings, topics.prices).values().stream()
        .filter(p -> PriceRules.problems(p).isEmpty()).forEach(book::put);
    return book;
  }
}
