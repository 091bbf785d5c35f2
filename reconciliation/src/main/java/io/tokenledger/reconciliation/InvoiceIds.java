package io.tokenledger.reconciliation;

import io.tokenledger.reconciliation.mapping.BillMap;
import io.tokenledger.schemas.BillLine;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which invoice a provider billed a day's usage of a model on, from the imported bill lines that
 * carry one (a cloud's FOCUS file). A (provider, day, model) on one invoice gets it; one whose
 * lines name several invoices gets none (never one guessed among them).
 */
public final class InvoiceIds {
  private record Key(String provider, String day, String model) {}

  private final Map<Key, String> invoices = new HashMap<>();

  private InvoiceIds() {}

  public static InvoiceIds of(Collection<BillLine> lines, BillMap map) {
    Map<Key, Set<String>> seen = new HashMap<>();
    for (BillLine line : lines) {
      if (line.getInvoiceId() != null && line.getModel() != null) {
        Key key = new Key(line.getProvider(), line.getDay(), map.model(line.getProvider(), line.getDay(),
            line.getModel()));
        seen.computeIfAbsent(key, k -> new TreeSet<>()).add(line.getInvoiceId());
      }
    }
    InvoiceIds out = new InvoiceIds();
    seen.forEach((key, ids) -> {
      if (ids.size() == 1) {
        out.invoices.put(key, ids.iterator().next());
      }
    });
    return out;
  }

  /** The invoice, or null. */
  public String of(String provider, String day, String model) {
    return invoices.get(new Key(provider, day, model));
  }
}
