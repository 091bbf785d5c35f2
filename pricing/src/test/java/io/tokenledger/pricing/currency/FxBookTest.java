package io.tokenledger.pricing.currency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Conversions with the ECB's reference rates in their published layout, worked out by hand. */
class FxBookTest {
  /** The history file's layout: wide, newest first, a trailing comma, N/A where a currency has no rate. */
  static final String HISTORY = """
      Date,USD,JPY,BGN,CYP,CZK,DKK,EEK,GBP,HUF,INR,
      2026-12-04,1.0845,163.21,N/A,N/A,24.311,7.4603,N/A,0.85123,385.55,91.7750,
      2026-12-03,1.0830,163.02,N/A,N/A,24.298,7.4601,N/A,0.85001,384.90,91.5000,
      2026-11-30,1.0812,162.45,N/A,N/A,24.250,7.4598,N/A,0.84750,383.10,91.2345,
      """;

  static FxBook book() throws Exception {
    FxBook book = new FxBook();
    EcbRates.read(new StringReader(HISTORY), Set.of(), null, "test").forEach(book::put);
    return book;
  }

  @Test
  void aBudgetInEurosIsConvertedWithItsDaysRateAndSaysWhichRate() throws Exception {
    // $5,000.00 on Monday 30 November: 5,000 / 1.0812 = 4,624.491305956... EUR.
    var converted = book().convert(5_000_000_000_000L, "EUR", LocalDate.parse("2026-11-30")).orElseThrow();
    assertEquals(new BigDecimal("4624.491305956"), converted.amount());
    assertEquals("1 EUR = 1.0812 USD (ECB euro foreign exchange reference rates, 2026-11-30)",
        converted.rate().statement());
  }

  @Test
  void aWeekendDayUsesTheLatestEarlierDayWithARate() throws Exception {
    // Saturday 5 December has no rates: Friday 4 December's, 5,000 / 1.0845 = 4,610.419548179 EUR.
    var converted = book().convert(5_000_000_000_000L, "EUR", LocalDate.parse("2026-12-05")).orElseThrow();
    assertEquals(new BigDecimal("4610.419548179"), converted.amount());
    assertEquals(LocalDate.parse("2026-12-04"), converted.rate().day());
  }

  @Test
  void anotherCurrencyIsCrossedThroughTheEuroInOneDivision() throws Exception {
    // INR on 30 November: 5,000 x 91.2345 / 1.0812 = 421,913.152053274 INR.
    var converted = book().convert(5_000_000_000_000L, "INR", LocalDate.parse("2026-11-30")).orElseThrow();
    assertEquals(new BigDecimal("421913.152053274"), converted.amount());
    assertEquals("1 EUR = 1.0812 USD = 91.2345 INR (ECB euro foreign exchange reference rates, 2026-11-30)",
        converted.rate().statement());
  }

  @Test
  void noRateOnOrBeforeTheDayIsNoConversion() throws Exception {
    assertTrue(book().convert(1, "EUR", LocalDate.parse("2026-11-29")).isEmpty());
    assertTrue(book().convert(1, "CYP", LocalDate.parse("2026-12-04")).isEmpty()); // N/A on every day
  }

  @Test
  void theDailyFileWithSpacesAfterCommasReadsTheSame() throws Exception {
    var rates = EcbRates.read(new StringReader("Date, USD, JPY, \n04 December 2026, 1.0845, 163.21, \n"
        .replace("04 December 2026", "2026-12-04")), Set.of("USD"), null, "test");
    assertEquals(1, rates.size());
    assertEquals("1.0845", rates.get(0).getRate());
  }
}
