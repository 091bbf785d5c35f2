package io.tokenledger.aggregation.pricing;

import io.tokenledger.aggregation.intake.AcceptedUsage;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.pricing.ModelKeys;
import io.tokenledger.schemas.UsageEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices each event with the catalog version in force at its event time. An event with no
 * price in force goes on unpriced (its tokens still count) and is also published, keyed by
 * provider/model, to the unpriced sink that alerting watches. Every event, priced or not, is
 * published on the priced usage topic, as many to a record as came in one usage record.
 */
public final class UsagePricer implements Processor<String, AcceptedUsage.Batch, Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(UsagePricer.class);

  private static final long LOG_EVERY = 10_000;
  /** Distinct provider/model names remembered; a flood of made-up names only clears the memo. */
  private static final int MAX_REMEMBERED_MODELS = 10_000;

  private final PriceBook book;
  private final java.util.Map<String, Long> unpricedSeen = new java.util.HashMap<>();
  private final java.util.Map<String, ModelKeys> keysByModel = new java.util.HashMap<>();
  private final List<String> pricedChildren;
  private final String unpricedChild;
  private final String publishedChild;
  private ProcessorContext<Object, Object> context;

  /**
   * @param publishedChild the sink of the priced usage topic, which takes every event once, priced
   *     or not, stamped with the time it was accepted (the event time is in the record): the events
   *     of one usage record in one record (a {@link PricedUsage.Batch}; its serializer writes a
   *     single event as itself)
   */
  public UsagePricer(PriceBook book, List<String> pricedChildren, String unpricedChild, String publishedChild) {
    this.book = book;
    this.pricedChildren = List.copyOf(pricedChildren);
    this.unpricedChild = unpricedChild;
    this.publishedChild = publishedChild;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
  }

  /** Name normalisation is a regex: done once per distinct provider, model and tier, not per event. */
  private ModelKeys keysOf(UsageEvent event) {
    String tier = event.getServiceTier();
    String name = tier == null ? event.getProvider() + '\u0000' + event.getModel()
        : event.getProvider() + '\u0000' + event.getModel() + '\u0000' + tier;
    ModelKeys keys = keysByModel.get(name);
    if (keys == null) {
      if (keysByModel.size() >= MAX_REMEMBERED_MODELS) {
        keysByModel.clear();
      }
      keys = ModelKeys.of(event.getProvider(), event.getModel(), tier);
      keysByModel.put(name, keys);
    }
    return keys;
  }

  @Override
  public void process(Record<String, AcceptedUsage.Batch> record) {
    List<AcceptedUsage> events = record.value().events();
    List<PricedUsage> published = new ArrayList<>(events.size());
    for (AcceptedUsage accepted : events) {
      published.add(price(accepted));
    }
    context.forward(new Record<Object, Object>(record.key(), new PricedUsage.Batch(published),
        context.currentSystemTimeMs()), publishedChild);
  }

  /** Prices one event and counts it (the priced children, at its event time); the caller publishes it. */
  private PricedUsage price(AcceptedUsage accepted) {
    UsageEvent event = accepted.event();
    byte[] encoded = accepted.encoded();
    long eventTime = event.getEventTime().toEpochMilli();
    ModelKeys keys = keysOf(event);
    PriceBook.Match match = book.match(keys, eventTime);
    PricedUsage priced;
    if (match.price() != null) {
      priced = new PricedUsage(event, match.identity(), match.identityText(), match.price().nanoUsd(event, match.identity().serviceTier()), true,
          encoded);
    } else {
      if (unpricedSeen.size() >= MAX_REMEMBERED_MODELS) {
        unpricedSeen.clear();
      }
      long seen = unpricedSeen.merge(keys.exact(), 1L, Long::sum);
      if (seen == 1 || seen % LOG_EVERY == 0) { // an unknown model at full rate must not flood the log
        log.warn("No price in force for provider {} model {} at {} (event {}, team {}); counted as unpriced "
            + "({} such events in this task so far). Publish a price version to the catalog.", event.getProvider(),
            event.getModel(), event.getEventTime(), event.getEventId(), event.getTeam(), seen);
      }
      priced = new PricedUsage(event, match.identity(), match.identityText(), 0L, false, encoded);
      io.tokenledger.aggregation.intake.UsageMeters.UNPRICED.increment();
      context.forward(new Record<Object, Object>(keys.exact(), event, eventTime), unpricedChild);
    }
    Record<Object, Object> out = new Record<>(event.getTeam(), priced, eventTime);
    for (String child : pricedChildren) {
      context.forward(out, child);
    }
    return priced;
  }
}
