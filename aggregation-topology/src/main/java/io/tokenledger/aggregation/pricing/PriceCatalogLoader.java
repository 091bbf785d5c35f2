package io.tokenledger.aggregation.pricing;

import io.tokenledger.pricing.PriceRules;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.schemas.PriceVersion;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global price-catalog store and the in-memory {@link PriceBook} in step. On start
 * it loads the book from the (already restored) store; then applies each catalog record.
 * A version that could be priced wrongly is refused with an error in the log, never guessed.
 */
public final class PriceCatalogLoader implements Processor<String, PriceVersion, Void, Void> {
  /** The global store of the price catalog, which queries read too. */
  public static final String STORE = "price-catalog-store";
  private static final Logger log = LoggerFactory.getLogger(PriceCatalogLoader.class);

  private final String storeName;
  private final PriceBook book;
  private KeyValueStore<String, PriceVersion> store;

  public PriceCatalogLoader(String storeName, PriceBook book) {
    this.storeName = storeName;
    this.book = book;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    int loaded = 0;
    try (KeyValueIterator<String, PriceVersion> all = store.all()) {
      while (all.hasNext()) {
        PriceVersion price = all.next().value;
        if (PriceRules.problems(price).isEmpty()) {
          book.put(price);
          loaded++;
        }
      }
    }
    log.info("Price book loaded with {} price versions from store {}", loaded, storeName);
  }

  @Override
  public void process(Record<String, PriceVersion> record) {
    if (record.value() == null) {
      store.delete(record.key());
      book.remove(record.key());
      log.info("Price version {} deleted from the catalog", record.key());
      return;
    }
    PriceVersion price = record.value();
    List<String> problems = PriceRules.problems(price);
    if (!problems.isEmpty()) {
      log.error("Refusing price version {} ({}): {}. Events for this model stay priced by the previous "
          + "version or are marked unpriced; publish a corrected version.", record.key(), price, problems);
      return;
    }
    store.put(record.key(), price);
    book.put(price);
  }
}
