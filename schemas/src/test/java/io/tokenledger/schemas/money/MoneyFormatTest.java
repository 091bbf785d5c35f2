package io.tokenledger.schemas.money;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The one rule money is shown by: cents, sub-cent, negative, millions, zero; percentages and multiples. */
class MoneyFormatTest {
  @Test
  void centsWithSeparators() {
    assertEquals("$870.90", MoneyFormat.usd(870_898_308_325L));
    assertEquals("$894,780.53", MoneyFormat.usd(894_780_528_142_662L));
    assertEquals("$1,410.00", MoneyFormat.usd(1_410_000_000_000L));
    assertEquals("$0.01", MoneyFormat.usd(10_000_000L));
    assertEquals("$0.02", MoneyFormat.usd(15_000_000L), "half-even: 1.5 cents to 2");
    assertEquals("$0.02", MoneyFormat.usd(25_000_000L), "half-even: 2.5 cents to 2");
  }

  @Test
  void belowACentKeepsTwoSignificantDigitsAndNothingIsZero() {
    assertEquals("$0.00047", MoneyFormat.usd(470_000L));
    assertEquals("$0.0000025", MoneyFormat.usd(2_500L));
    assertEquals("$0.000000001", MoneyFormat.usd(1L));
    assertEquals("$0.0099", MoneyFormat.usd(9_940_000L));
    assertEquals("$0.00", MoneyFormat.usd(0L));
  }

  @Test
  void negativeAmounts() {
    assertEquals("-$16,209.77", MoneyFormat.usd(-16_209_770_000_000L));
    assertEquals("-$0.00047", MoneyFormat.usd(-470_000L));
    assertEquals("-$1.2M", MoneyFormat.compact(-1_234_567_000_000_000L));
  }

  @Test
  void compactFormsForMillionsWhereSpaceIsShort() {
    assertEquals("$826k", MoneyFormat.compact(826_281_000_000_000L), "three significant digits");
    assertEquals("$12.3k", MoneyFormat.compact(12_345_000_000_000L));
    assertEquals("$1.2M", MoneyFormat.compact(1_234_567_000_000_000L));
    assertEquals("$202k", MoneyFormat.compact(202_051_833_400_703L));
    assertEquals("$3B", MoneyFormat.compact(3_000_000_000_000_000_000L));
    assertEquals("$9,999.99", MoneyFormat.compact(9_999_990_000_000L), "below $10,000: in full");
    assertEquals("$1M", MoneyFormat.compact(999_960_000_000_000L), "999.96k rounds up to the next unit");
  }

  @Test
  void exactKeepsEveryDigitForTheHover() {
    assertEquals("$894,780.528142662", MoneyFormat.exact(894_780_528_142_662L));
    assertEquals("$1,410.00", MoneyFormat.exact(1_410_000_000_000L));
    assertEquals("$0.00", MoneyFormat.exact(0L));
    assertEquals("$0.50", MoneyFormat.exact(500_000_000L));
    assertEquals("-$0.000000001", MoneyFormat.exact(-1L));
    assertEquals("$1,052.40/day", MoneyFormat.perDay(1_052_400_000_000L));
  }

  @Test
  void percentagesAndMultiplesWithSense() {
    assertEquals("+1,346%", MoneyFormat.percent(new BigDecimal("13.4586")));
    assertEquals("-73%", MoneyFormat.percent(new BigDecimal("-0.7312")));
    assertEquals("+4.5%", MoneyFormat.percent(new BigDecimal("0.045")));
    assertEquals("0%", MoneyFormat.percent(BigDecimal.ZERO));
    assertEquals("14x", MoneyFormat.times(new BigDecimal("14.02")));
    assertEquals("5.3x", MoneyFormat.times(new BigDecimal("5.31")));
    assertEquals("$43.85/h", MoneyFormat.perHour(43_850_000_000L));
  }

  @Test
  void aBillsExactDecimalIsRoundedToTheNanoOnceHalfEvenAndASharesIsUnsigned() {
    assertEquals("$1,234.57", MoneyFormat.usd(new java.math.BigDecimal("1234.5678")));
    assertEquals("$0.000000002", MoneyFormat.usd(new java.math.BigDecimal("0.0000000025")), "2.5 nano: to the even 2");
    assertEquals("$0.000000004", MoneyFormat.usd(new java.math.BigDecimal("0.0000000035")), "3.5 nano: to the even 4");
    assertEquals("-$6.00", MoneyFormat.usd(new java.math.BigDecimal("-6")));
    assertEquals("1.2%", MoneyFormat.share(new java.math.BigDecimal("0.0125")));
    assertEquals("26%", MoneyFormat.share(new java.math.BigDecimal("0.265")), "26.5%: to the even 26");
    assertEquals("27%", MoneyFormat.share(new java.math.BigDecimal("-0.2651")), "unsigned");
    assertEquals("0%", MoneyFormat.share(java.math.BigDecimal.ZERO));
  }
}
