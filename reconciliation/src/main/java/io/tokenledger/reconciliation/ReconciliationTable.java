package io.tokenledger.reconciliation;

import io.tokenledger.schemas.money.MoneyFormat;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** The reconciliation as people read it on a terminal: the differences, then the summary. */
public final class ReconciliationTable {
  private ReconciliationTable() {}

  private static String usd(BigDecimal usd) {
    return MoneyFormat.usd(usd);
  }

  /** The unexplained share of the bill, as a percentage (never signed: it is a share). */
  public static String share(Reconciliation.Summary s) {
    return MoneyFormat.share(s.unexplainedShare());
  }

  public static String render(Reconciliation.Report report) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("Reconciliation of %s%s with the imported bills%n", report.period(),
        report.provider() == null ? "" : " (" + report.provider() + ")"));
    out.append(String.format("%-10s %-14s %-26s %-9s %-15s %14s %14s %12s %12s  %s%n", "DAY", "PROVIDER", "MODEL",
        "TIER", "TYPE", "OUR TOKENS", "BILL TOKENS", "OURS", "BILLED", "DIFFERENCE"));
    for (Reconciliation.Row r : report.rows()) {
      if (r.matched()) {
        continue;
      }
      Cell c = r.cell();
      out.append(String.format("%-10s %-14s %-26s %-9s %-15s %,14d %,14d %12s %12s  %s%n", c.day(), c.provider(),
          c.model(), c.tier() == null ? "standard" : c.tier(), c.type(), r.ourTokens(), r.billTokens(),
          usd(r.ourCostUsd()), usd(r.billedUsd()) + (r.billedAtOurPrices() ? "*" : ""), usd(r.differenceUsd())));
    }
    out.append(String.format("%nDifferences, each classified:%n"));
    for (Finding f : report.findings()) {
      Cell c = f.cell();
      out.append(String.format("  %-10s %-14s %-26s %-24s %12s  %s%n", c.day(), c.provider(), c.model(),
          f.kind().words(), usd(f.amountUsd()), f.detail()));
    }
    if (!report.unmapped().isEmpty()) {
      out.append(String.format("%nOn the bill but mapped to no team (tokenledger bills map ...):%n"));
      for (Reconciliation.Unmapped u : report.unmapped()) {
        out.append(String.format("  %-14s %-40s %,14d tokens  %s to %s%n", u.provider(), u.identity(), u.tokens(),
            u.firstDay(), u.lastDay()));
      }
    }
    report.notes().forEach(n -> out.append("Note: ").append(n).append(System.lineSeparator()));
    Reconciliation.Summary s = report.summary();
    out.append(String.format("%nSummary: ours %s, billed %s, difference %s (bill minus ours)%n", usd(s.ourCostUsd()),
        usd(s.billedUsd()), usd(s.differenceUsd())));
    out.append(String.format("  matched within tolerance: %d of %d cells%n", s.matchedCells(), s.cells()));
    for (Map.Entry<DifferenceClass, BigDecimal> e : s.byClass().entrySet()) {
      out.append(String.format("  %-26s %14s%n", e.getKey().words(), usd(e.getValue())));
    }
    out.append(String.format("  unexplained: %s, %s of the bill%n", usd(s.amount(DifferenceClass.UNEXPLAINED)),
        share(s)));
    if (report.rows().stream().anyMatch(Reconciliation.Row::billedAtOurPrices)) {
      out.append("  * no cost export for that day: the bill's tokens at the catalog's prices\n");
    }
    return out.toString();
  }
}
