package io.tokenledger.economics.report;

import io.tokenledger.economics.figures.Counters;
import io.tokenledger.schemas.EconomicsVerdict;
import io.tokenledger.schemas.money.NanoUsd;
import io.tokenledger.schemas.money.MoneyFormat;
import java.math.BigDecimal;

/**
 * Agent or person, decided only when the 95% interval of the agent's success rate cannot flip
 * it: the agent path's cost per success is taken at the low end of the interval (fewer
 * successes share its cost) to call the agent cheaper, at the high end to call the person
 * cheaper. Between the two, or on too few outcomes, the answer is that we do not know yet.
 */
public final class Verdicts {
  private Verdicts() {}

  public record Verdict(EconomicsVerdict verdict, String reason) {}

  public static Verdict decide(Counters t, String unit, long minOutcomes) {
    String per = " per " + (unit == null ? "unit" : unit);
    if (t.valuedOutcomes() == 0) {
      return new Verdict(EconomicsVerdict.NOT_ENOUGH_DATA, "no human baseline in force for this workflow"
          + (unit == null ? "" : " and unit '" + unit + "'") + "; set one with 'tokenledger baselines set'");
    }
    long decided = t.decided();
    if (decided < minOutcomes) {
      return new Verdict(EconomicsVerdict.NOT_ENOUGH_DATA, decided + " items with an outcome; at least "
          + minOutcomes + " are needed for a verdict");
    }
    BigDecimal person = personPerOutcome(t);
    Rates.Interval success = Rates.wilson(t.succeeded(), decided);
    BigDecimal atLow = costPerSuccessAt(t, success.low());
    BigDecimal atHigh = costPerSuccessAt(t, success.high());
    String personText = "a person " + money(person) + per;
    if (atLow != null && atLow.compareTo(person) < 0) {
      return new Verdict(EconomicsVerdict.AGENT_CHEAPER, "the agent path costs " + money(atLow) + per
          + " even at the low end of its success rate's 95% interval (" + percent(success.low()) + " success over "
          + decided + " items), against " + personText);
    }
    if (atHigh != null && atHigh.compareTo(person) > 0) {
      return new Verdict(EconomicsVerdict.PERSON_CHEAPER, "the agent path costs " + money(atHigh) + per
          + " even at the high end of its success rate's 95% interval (" + percent(success.high()) + " success over "
          + decided + " items), against " + personText);
    }
    return new Verdict(EconomicsVerdict.NOT_ENOUGH_DATA, "the agent path costs between "
        + (atHigh == null ? "?" : money(atHigh)) + " and " + (atLow == null ? "no success" : money(atLow)) + per
        + " over its success rate's 95% interval (" + percent(success.low()) + " to " + percent(success.high())
        + "), which spans " + personText + "; more outcomes will tell");
  }

  /** A person's cost per successful unit: the baselines in force at the valued outcomes, averaged; null without any. */
  static BigDecimal personPerOutcome(Counters t) {
    return t.valuedOutcomes() == 0 ? null
        : BigDecimal.valueOf(t.baselineSumNanoUsd()).divide(BigDecimal.valueOf(t.valuedOutcomes()), Rates.EXACT);
  }

  /**
   * The AI path's cost per successful unit had the success rate been {@code rate}: the same cost
   * over rate x decided successes of the observed units each; null at a rate of 0.
   */
  static BigDecimal costPerSuccessAt(Counters t, BigDecimal rate) {
    return costPerSuccessAt(t.aiPathNanoUsd(), t, rate);
  }

  /** The same for a path that cost {@code pathNanoUsd} (a variant's own). */
  static BigDecimal costPerSuccessAt(long pathNanoUsd, Counters t, BigDecimal rate) {
    if (rate.signum() <= 0) {
      return null;
    }
    BigDecimal unitsPerSuccess = t.succeeded() == 0 ? BigDecimal.ONE
        : BigDecimal.valueOf(t.unitsSucceeded()).divide(BigDecimal.valueOf(t.succeeded()), Rates.EXACT);
    BigDecimal units = unitsPerSuccess.multiply(rate, Rates.EXACT).multiply(BigDecimal.valueOf(t.decided()), Rates.EXACT);
    return BigDecimal.valueOf(pathNanoUsd).divide(units, Rates.EXACT);
  }

  static String money(BigDecimal nanoUsd) {
    return MoneyFormat.usd(nanoUsd.setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact());
  }

  static String percent(BigDecimal rate) {
    return BigDecimal.valueOf(Rates.basisPoints(rate), 2).toPlainString() + "%";
  }
}
