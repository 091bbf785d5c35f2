package io.tokenledger.reconciliation.service;

import io.tokenledger.platform.auth.ApiKeyDirectory;
import io.tokenledger.platform.query.QueryAnswer;
import io.tokenledger.platform.query.QueryHttpServer;
import io.tokenledger.platform.query.QueryRequest;
import io.tokenledger.platform.query.QueryRouter;
import io.tokenledger.pricing.PriceBook;
import io.tokenledger.reconciliation.Reconciliation;
import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.BillMapping;
import io.tokenledger.schemas.PriceVersion;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /v1/reconciliation?period=2026-11&provider=anthropic}: the month's ledger against the
 * imported bills, every difference classified, answered by the instance that holds every team's
 * cells (others forward to it); without a period, the latest month a bill covers. The answer
 * lists the months bills cover ({@code bill_months}). The bill is the company's: it needs a
 * read-all key.
 */
public final class ReconciliationQueries {
  private final QueryRouter router;
  private final KafkaStreams streams;
  private final ReconciliationSettings settings;

  ReconciliationQueries(QueryRouter router, ReconciliationSettings settings) {
    this.router = router;
    this.streams = router.streams();
    this.settings = settings;
  }

  public static QueryHttpServer start(KafkaStreams streams, HostInfo self, ReconciliationSettings settings,
      ApiKeyDirectory keys) throws java.io.IOException {
    QueryRouter router = new QueryRouter(streams, self);
    ReconciliationQueries queries = new ReconciliationQueries(router, settings);
    return QueryHttpServer.start(router, self.port(), Map.of("/v1/reconciliation", queries::reconciliation), keys);
  }

  QueryAnswer reconciliation(QueryRequest request) {
    if (!request.caller().readsAll()) {
      return request.forbidden(router, "the company's bills (a read-all key)");
    }
    String given = request.params().get("period");
    YearMonth asked;
    try {
      asked = given == null || given.isBlank() ? null : YearMonth.parse(given);
    } catch (DateTimeParseException e) {
      return router.badRequest("period must be a month such as 2026-11");
    }
    String provider = request.params().get("provider");
    String filter = provider == null || provider.isBlank() ? null : provider;
    return router.route(ReconciliationApp.CELLS_STORE, ReconciliationApp.ROUTING_KEY, request, partition -> {
      try {
        ReadOnlyKeyValueStore<String, byte[]> cells = store(ReconciliationApp.CELLS_STORE);
        ReadOnlyKeyValueStore<String, BillLine> bills = store(ReconciliationApp.BILLS_STORE);
        ReadOnlyKeyValueStore<String, BillMapping> mappings = store(ReconciliationApp.MAPPINGS_STORE);
        ReadOnlyKeyValueStore<String, PriceVersion> prices = store(ReconciliationApp.PRICES_STORE);
        PriceBook catalog = new PriceBook();
        try (KeyValueIterator<String, PriceVersion> it = prices.all()) {
          it.forEachRemaining(kv -> catalog.apply(kv.key, kv.value));
        }
        java.util.TreeSet<String> months = new java.util.TreeSet<>();
        try (KeyValueIterator<String, BillLine> it = bills.all()) {
          it.forEachRemaining(kv -> months.add(kv.value.getDay().substring(0, 7)));
        }
        // Without a period: the latest month any bill covers (else this one).
        YearMonth period = asked != null ? asked
            : months.isEmpty() ? YearMonth.now(ZoneOffset.UTC) : YearMonth.parse(months.last());
        Reconciliation.Report report = DailyCells.reconcile(period, filter, cells, bills, mappings, catalog, settings);
        Map<String, Object> body = ReconciliationJson.of(report, settings);
        body.put("bill_months", java.util.List.copyOf(months.descendingSet()));
        return router.answer(200, body);
      } catch (InvalidStateStoreException e) {
        throw new QueryRouter.NotHereException(e.getMessage());
      }
    });
  }

  private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
    return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
  }
}
