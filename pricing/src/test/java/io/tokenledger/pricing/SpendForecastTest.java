package io.tokenledger.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.PriceVersion;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The 12-month forecast on synthetic history whose answer is known: a line of daily tokens
 * (fitted exactly, no band), a known future price version and an assumed quarterly cut; a noisy
 * series (its band); a model without a price (flagged, not priced at zero silently).
 */
class SpendForecastTest {
  private static final LocalDate NOV_1 = LocalDate.parse("2026-11-01");
  private static final LocalDate AS_OF = LocalDate.parse("2026-12-01");

  @Test
  void aLineOfUsageTimesThePriceScheduleGivesTheMonthsComputedByHand() {
    List<SpendForecast.DailyUsage> history = new ArrayList<>();
    for (int d = 0; d < 30; d++) { // 1,000,000 + 10,000 d uncached input tokens a day in November
      history.add(new SpendForecast.DailyUsage("support", "gpt-4o", NOV_1.plusDays(d), 1_000_000 + 10_000L * d, 0, 0, 0, 0));
    }
    PriceBook catalog = new PriceBook();
    catalog.put(price("gpt-4o", "2026-01-01T00:00:00Z", 2_500_000));
    catalog.put(price("gpt-4o", "2027-03-01T00:00:00Z", 2_000_000)); // a known future price cut
    SpendForecast.Trend trend = SpendForecast.trend(history, AS_OF);
    assertEquals(0, trend.intercept().compareTo(BigDecimal.valueOf(1_000_000)));
    assertEquals(0, trend.slopePerDay().compareTo(BigDecimal.valueOf(10_000)));
    assertEquals(0, trend.residualSd().signum());

    List<SpendForecast.Month> months = SpendForecast.forecast(history, AS_OF, 12, catalog,
        List.of(SpendForecast.Assumption.parse("openai:-10%")));
    assertEquals(12, months.size());
    // January: days 61..91 after Nov 1: 31 x 1,000,000 + 10,000 x (61 x 31 + 465) = 54,560,000 tokens at $2.50
    assertMonth(months.get(0), "2027-01", 54_560_000, 136_400_000_000L);
    // February: days 92..119: 28,000,000 + 10,000 x 2,954 = 57,540,000 tokens at $2.50
    assertMonth(months.get(1), "2027-02", 57_540_000, 143_850_000_000L);
    // March: the new version, $2.00: 31,000,000 + 10,000 x 4,185 = 72,850,000 tokens
    assertMonth(months.get(2), "2027-03", 72_850_000, 145_700_000_000L);
    // April, a quarter in: $2.00 x 0.90 = $1.80: 30,000,000 + 10,000 x 4,965 = 79,650,000 tokens
    assertMonth(months.get(3), "2027-04", 79_650_000, 143_370_000_000L);
    // October, three quarters in: $2.00 x 0.9^3 = $1.458; days 334..364: 31,000,000 + 10,000 x (334 x 31 + 465)
    assertMonth(months.get(9), "2027-10", 139_190_000, 202_939_020_000L);
  }

  @Test
  void aRangeOfDaysIsTheSameLineCutAtMonthStartsEachPartAtItsPrice() {
    List<SpendForecast.DailyUsage> history = new ArrayList<>();
    for (int d = 0; d < 30; d++) {
      history.add(new SpendForecast.DailyUsage("support", "gpt-4o", NOV_1.plusDays(d), 1_000_000 + 10_000L * d, 0, 0, 0, 0));
    }
    PriceBook catalog = new PriceBook();
    catalog.put(price("gpt-4o", "2026-01-01T00:00:00Z", 2_500_000));
    catalog.put(price("gpt-4o", "2027-01-01T00:00:00Z", 2_000_000)); // cut on January 1
    // Dec 15 .. Jan 4 (exclusive): days 44..60 in December at $2.50, days 61..63 in January at $2.00.
    List<SpendForecast.Range> range = SpendForecast.range(history, AS_OF, LocalDate.parse("2026-12-15"),
        LocalDate.parse("2027-01-04"), catalog, List.of());
    long december = 17 * 1_000_000L + 10_000L * (44 + 60) * 17 / 2; // 17 days: 25,840,000 tokens
    long january = 3 * 1_000_000L + 10_000L * (61 + 62 + 63);        // 3 days: 4,860,000 tokens
    assertEquals(1, range.size());
    assertEquals(december + january, range.get(0).expectedTokens());
    assertEquals(december * 2_500 + january * 2_000, range.get(0).expectedNanoUsd()); // $64.60 + $9.72
    assertEquals(range.get(0).expectedNanoUsd(), range.get(0).lowNanoUsd(), "an exact line has no band");
    // The months after as-of are the forecast's months, to the nano-USD.
    List<SpendForecast.Range> february = SpendForecast.range(history, AS_OF, LocalDate.parse("2027-02-01"),
        LocalDate.parse("2027-03-01"), catalog, List.of(SpendForecast.Assumption.parse("openai:-10%")));
    SpendForecast.Month month = SpendForecast.forecast(history, AS_OF, 3, catalog,
        List.of(SpendForecast.Assumption.parse("openai:-10%"))).get(1);
    assertEquals(month.expectedNanoUsd(), february.get(0).expectedNanoUsd());
  }

  @Test
  void aNoisySeriesGetsABandAndAModelWithoutAPriceIsFlagged() {
    List<SpendForecast.DailyUsage> history = new ArrayList<>();
    for (int d = 0; d < 30; d++) {
      history.add(new SpendForecast.DailyUsage("finance", "claude-sonnet-4", NOV_1.plusDays(d),
          d % 2 == 0 ? 900_000 : 1_100_000, 0, 0, 0, 0));
      history.add(new SpendForecast.DailyUsage("finance", "mystery-model", NOV_1.plusDays(d), 5_000, 0, 0, 0, 0));
    }
    PriceBook catalog = new PriceBook();
    catalog.put(PriceVersion.newBuilder(price("claude-sonnet-4", "2026-01-01T00:00:00Z", 3_000_000))
        .setProvider("anthropic").build());
    SpendForecast.Trend trend = SpendForecast.trend(history.stream().filter(u -> u.model().equals("claude-sonnet-4"))
        .toList(), AS_OF);
    // Least squares by hand: b = 600,000 / 899, a = 30,700,000 / 31, residual sd 103,336.98...
    assertEquals(new BigDecimal(600_000).divide(new BigDecimal(899), MathContext.DECIMAL128), trend.slopePerDay());
    assertEquals(new BigDecimal("103336.98"), trend.residualSd().setScale(2, RoundingMode.HALF_EVEN));

    SpendForecast.Month january = SpendForecast.forecast(history, AS_OF, 1, catalog, List.of()).get(0);
    assertTrue(january.unpricedUsage(), "mystery-model has no price: flagged");
    assertTrue(january.lowNanoUsd() < january.expectedNanoUsd() && january.expectedNanoUsd() < january.highNanoUsd());
    assertTrue(Math.abs((january.highNanoUsd() - january.expectedNanoUsd())
        - (january.expectedNanoUsd() - january.lowNanoUsd())) <= 1, "a symmetric band: " + january);
    // 1.96 x 103,336.98128884 x sqrt(31) tokens at $3.00 per 1M = $3.383093055 either side (each end rounded once)
    long halfBand = january.highNanoUsd() - january.expectedNanoUsd();
    assertTrue(Math.abs(halfBand - 3_383_093_055L) <= 1, "half band " + halfBand);
  }

  private static void assertMonth(SpendForecast.Month m, String month, long tokens, long nanoUsd) {
    assertEquals(YearMonth.parse(month), m.month());
    assertEquals(tokens, m.expectedTokens());
    assertEquals(nanoUsd, m.expectedNanoUsd(), month);
    assertEquals(nanoUsd, m.lowNanoUsd(), "no scatter, no band");
    assertEquals(nanoUsd, m.highNanoUsd());
  }

  private static PriceVersion price(String model, String from, long input) {
    return PriceVersion.newBuilder().setProvider("openai").setModel(model).setEffectiveFrom(Instant.parse(from))
        .setUncachedInputMicroUsdPerMtok(input).setCacheReadMicroUsdPerMtok(input / 2).setCacheWriteMicroUsdPerMtok(input)
        .setOutputMicroUsdPerMtok(input * 4).setReasoningMicroUsdPerMtok(input * 4).build();
  }
}
