package io.tokenledger.focus;

import io.tokenledger.pricing.currency.FxBook;
import io.tokenledger.schemas.Commitment;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A month's FOCUS file as it is written: its usage rows, with the committed-spend agreements in
 * force that month ({@link FocusCommitments}) and in a billing currency other than USD
 * ({@link FocusCurrency}) when asked; its columns and the criteria it claims follow from what it
 * holds, so the validator's rules are checked as they apply to it.
 */
public record FocusFile(List<FocusExport.Row> rows, List<String> columns, Set<String> claimed) {

  /**
   * @param listByProvider each provider's list cost per month from the ledger (a commitment's
   *     earlier months in its period)
   * @param asOf when the file is made: a commitment period ended by then gets its Unused row
   * @param currency the billing currency, or null (or USD) for USD
   * @throws IllegalArgumentException when a charge day has no rate for the currency
   */
  public static FocusFile of(List<FocusExport.Row> usage, List<Commitment> commitments,
      Map<String, Map<YearMonth, Long>> listByProvider, YearMonth month, Instant asOf, String account, FxBook fx,
      String currency) {
    List<FocusExport.Row> rows = usage;
    List<String> columns = FocusExport.COLUMNS;
    Set<String> claimed = FocusExport.CLAIMED_CRITERIA;
    List<Commitment> inForce = commitments.stream().filter(c -> inForce(c, month)).toList();
    if (!inForce.isEmpty()) {
      rows = FocusCommitments.apply(rows, inForce, listByProvider, month, asOf, account);
      columns = FocusCommitments.columns(columns);
      claimed = FocusCommitments.claimed(claimed);
    }
    if (currency != null && !currency.equals("USD")) {
      rows = FocusCurrency.convert(rows, fx, currency);
      columns = FocusCurrency.columns(columns);
      claimed = FocusCurrency.claimed(claimed);
    }
    return new FocusFile(rows, columns, claimed);
  }

  private static boolean inForce(Commitment c, YearMonth month) {
    YearMonth first = YearMonth.from(c.getStart().atZone(java.time.ZoneOffset.UTC));
    return !month.isBefore(first) && !month.isAfter(first.plusMonths(c.getTermMonths() - 1L));
  }

  public String csv() {
    return FocusExport.csv(rows, columns);
  }

  public byte[] parquet() throws java.io.IOException {
    return FocusExport.parquet(rows, columns);
  }

  public List<Map<String, String>> cells() {
    return FocusExport.cells(rows, columns);
  }
}
