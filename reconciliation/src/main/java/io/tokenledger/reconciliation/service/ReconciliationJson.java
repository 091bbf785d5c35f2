package io.tokenledger.reconciliation.service;

import io.tokenledger.reconciliation.Cell;
import io.tokenledger.reconciliation.DifferenceClass;
import io.tokenledger.reconciliation.Finding;
import io.tokenledger.reconciliation.Reconciliation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reconciliation as {@code /v1/reconciliation} answers it: amounts as exact decimal strings in
 * USD ({@code *_usd}), tokens as integers, shares as exact decimal fractions; classes by their
 * wire names (lower case) with the words people read.
 */
public final class ReconciliationJson {
  private ReconciliationJson() {}

  public static Map<String, Object> of(Reconciliation.Report r, ReconciliationSettings settings) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("period", r.period().toString());
    out.put("provider", r.provider());
    out.put("threshold_share", settings.thresholdShare().stripTrailingZeros().toPlainString());
    out.put("summary", summary(r.summary()));
    List<Map<String, Object>> days = new ArrayList<>();
    r.byDay().forEach((day, s) -> {
      Map<String, Object> d = summary(s);
      d.put("day", day);
      days.add(d);
    });
    out.put("days", days);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Reconciliation.Row row : r.rows()) {
      Map<String, Object> m = cell(row.cell());
      m.put("our_tokens", row.ourTokens());
      m.put("bill_tokens", row.billTokens());
      m.put("our_cost_usd", usd(row.ourCostUsd()));
      m.put("billed_usd", usd(row.billedUsd()));
      m.put("billed_at_our_prices", row.billedAtOurPrices());
      m.put("difference_usd", usd(row.differenceUsd()));
      m.put("rounding_bound_usd", usd(row.roundingBoundUsd()));
      m.put("matched", row.matched());
      rows.add(m);
    }
    out.put("rows", rows);
    List<Map<String, Object>> findings = new ArrayList<>();
    for (Finding f : r.findings()) {
      Map<String, Object> m = cell(f.cell());
      m.put("class", wire(f.kind()));
      m.put("class_words", f.kind().words());
      m.put("tokens", f.tokens());
      m.put("amount_usd", usd(f.amountUsd()));
      m.put("implied_usd_per_million", f.impliedUsdPerMillion() == null ? null : usd(f.impliedUsdPerMillion()));
      m.put("catalog_usd_per_million", f.oursUsdPerMillion() == null ? null : usd(f.oursUsdPerMillion()));
      m.put("detail", f.detail());
      m.put("identities", f.identities());
      findings.add(m);
    }
    out.put("findings", findings);
    List<Map<String, Object>> teams = new ArrayList<>();
    for (Reconciliation.TeamRow t : r.teams()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("day", t.group().day());
      m.put("provider", t.group().provider());
      m.put("model", t.group().model());
      m.put("team", t.team());
      m.put("our_tokens", t.ourTokens());
      m.put("bill_tokens", t.billTokens());
      m.put("identities", t.identities());
      teams.add(m);
    }
    out.put("teams", teams);
    List<Map<String, Object>> unmapped = new ArrayList<>();
    for (Reconciliation.Unmapped u : r.unmapped()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("provider", u.provider());
      m.put("identity", u.identity());
      m.put("tokens", u.tokens());
      m.put("amount_usd", usd(u.amountUsd()));
      m.put("first_day", u.firstDay());
      m.put("last_day", u.lastDay());
      unmapped.add(m);
    }
    out.put("unmapped", unmapped);
    out.put("notes", r.notes());
    return out;
  }

  /** A class as the API names it: {@code price_drift}. */
  public static String wire(DifferenceClass kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static Map<String, Object> summary(Reconciliation.Summary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("our_cost_usd", usd(s.ourCostUsd()));
    m.put("billed_usd", usd(s.billedUsd()));
    m.put("difference_usd", usd(s.differenceUsd()));
    m.put("cells", s.cells());
    m.put("matched_cells", s.matchedCells());
    Map<String, Object> classes = new LinkedHashMap<>();
    for (DifferenceClass kind : DifferenceClass.values()) {
      classes.put(wire(kind), usd(s.amount(kind)));
    }
    m.put("by_class", classes);
    m.put("unexplained_usd", usd(s.amount(DifferenceClass.UNEXPLAINED)));
    m.put("unexplained_share", s.unexplainedShare().stripTrailingZeros().toPlainString());
    return m;
  }

  private static Map<String, Object> cell(Cell c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("day", c.day());
    m.put("provider", c.provider());
    m.put("model", c.model());
    m.put("service_tier", c.tier());
    m.put("token_type", c.type());
    return m;
  }

  private static String usd(BigDecimal amount) {
    return amount.stripTrailingZeros().toPlainString();
  }
}
