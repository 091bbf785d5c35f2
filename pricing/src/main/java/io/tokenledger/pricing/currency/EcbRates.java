package io.tokenledger.pricing.currency;

import io.tokenledger.schemas.FxRate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ECB's euro foreign exchange reference rates as CSV, the history ({@code eurofxref-hist.csv})
 * or a day's ({@code eurofxref.csv}): a header {@code Date,USD,JPY,...} (the daily file puts a
 * space after each comma, and both may end a line with a comma), then a row per day, newest first,
 * each rate the units of that currency per 1 EUR; {@code N/A} where a currency had none that day.
 */
public final class EcbRates {
  public static final String SOURCE = "ECB euro foreign exchange reference rates";

  private EcbRates() {}

  /**
   * The rates of the currencies wanted (all when {@code wanted} is empty), days from {@code since}
   * on (all when null).
   *
   * @throws IllegalArgumentException naming the line that is not the ECB's layout
   */
  public static List<FxRate> read(Reader csv, Set<String> wanted, LocalDate since, String setBy) throws IOException {
    BufferedReader lines = new BufferedReader(csv);
    String header = lines.readLine();
    if (header == null || !header.strip().startsWith("Date")) {
      throw new IllegalArgumentException("not the ECB's reference rates CSV: the first line must start with 'Date', "
          + "it is '" + (header == null ? "" : header) + "'");
    }
    String[] currencies = split(header);
    List<FxRate> rates = new ArrayList<>();
    Instant now = Instant.now();
    String line;
    int number = 1;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = split(line);
      LocalDate day;
      try {
        day = LocalDate.parse(cells[0]);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("line " + number + ": '" + cells[0] + "' is not a date (YYYY-MM-DD)");
      }
      if (since != null && day.isBefore(since)) {
        continue;
      }
      for (int i = 1; i < currencies.length && i < cells.length; i++) {
        String currency = currencies[i];
        String cell = cells[i];
        if (currency.isEmpty() || cell.isEmpty() || cell.equals("N/A")
            || !wanted.isEmpty() && !wanted.contains(currency)) {
          continue;
        }
        BigDecimal rate;
        try {
          rate = new BigDecimal(cell);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + number + ", " + currency + ": '" + cell + "' is not a rate");
        }
        rates.add(FxRate.newBuilder().setBase("EUR").setCurrency(currency).setRate(rate.toPlainString()).setDate(day)
            .setSource(SOURCE).setSetBy(setBy).setUpdatedAt(now).build());
      }
    }
    return rates;
  }

  private static String[] split(String line) {
    String[] cells = line.split(",", -1);
    for (int i = 0; i < cells.length; i++) {
      cells[i] = cells[i].strip();
    }
    return cells;
  }
}
