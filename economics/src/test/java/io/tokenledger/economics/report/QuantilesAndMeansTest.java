package io.tokenledger.economics.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenledger.economics.figures.Turnarounds;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class QuantilesAndMeansTest {
  /** 60, 120, ..., 540 s and one of 3,000 s: ten turnarounds. */
  private static Turnarounds ten() {
    Turnarounds t = Turnarounds.EMPTY;
    for (long s = 60; s <= 540; s += 60) {
      t = t.plus(Turnarounds.of(s, 1));
    }
    return t.plus(Turnarounds.of(3_000, 1));
  }

  @Test
  void theMedianIsTheFifthOfTenWithinTheFirstAndNinth() {
    // n q = 5: rank 5 (300 s). z sqrt(10 x 0.5 x 0.5) = 3.0990: ranks floor(1.901) = 1 and ceil(8.099) = 9.
    assertEquals(new Quantiles.Quantile(300, 60, 540), Quantiles.of(ten(), new BigDecimal("0.5")));
  }

  @Test
  void theP90IsTheNinthOfTenWithinTheSeventhAndTheLast() {
    // n q = 9: rank 9 (540 s). z sqrt(10 x 0.9 x 0.1) = 1.8594: ranks floor(7.141) = 7 and ceil(10.859) = 11 -> 10.
    assertEquals(new Quantiles.Quantile(540, 420, 3_000), Quantiles.of(ten(), new BigDecimal("0.9")));
  }

  @Test
  void bucketsKeepSecondsThenTensThenMinutesThenHours() {
    assertEquals(599, Turnarounds.bucket(599));
    assertEquals(3_590, Turnarounds.bucket(3_599));
    assertEquals(86_340, Turnarounds.bucket(86_399));
    assertEquals(90_000, Turnarounds.bucket(92_000));
    assertNull(Quantiles.of(Turnarounds.EMPTY, new BigDecimal("0.5")));
    // Taking an item back leaves nothing behind.
    assertEquals(Turnarounds.EMPTY.counts(), Turnarounds.of(61, 1).plus(Turnarounds.of(61, -1)).counts());
  }

  @Test
  void theMeanScoreAndItsIntervalAreExact() {
    // 80, 90, 100, 70: mean 85; s^2 = (4 x 29,400 - 340^2) / (4 x 3) = 166.67; 1.96 x sqrt(166.67 / 4) = 12.6515.
    Means.Mean mean = Means.of(4, 340, 29_400);
    assertEquals(8_500, Means.basisPoints(mean.mean()));
    assertEquals(7_235, Means.basisPoints(mean.low()));
    assertEquals(9_765, Means.basisPoints(mean.high()));
    Means.Mean one = Means.of(1, 90, 8_100);
    assertEquals(9_000, Means.basisPoints(one.mean()));
    assertNull(one.low(), "one score has no spread");
    assertNull(Means.of(0, 0, 0));
  }
}
